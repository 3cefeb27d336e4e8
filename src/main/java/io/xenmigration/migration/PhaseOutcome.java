package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.events.EventReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a phase handler decided: the phase to be in, why, the status changes to write, when to look
 * again, the event to record, and at most one XenAPI side effect to make once all that is written,
 * with what its result means. Handlers return outcomes; only the status writer changes the status,
 * and only {@link MigrationStep} makes side effects.
 */
public final class PhaseOutcome {

  private final MigrationPhase phase;
  private final String reason;
  private final String message;
  private final List<Consumer<MigrationStatusWriter>> edits = new ArrayList<>();
  private final List<Event> notes = new ArrayList<>();
  private Event event;
  private Duration requeue;
  private SideEffect sideEffect;
  private java.util.function.Function<SideEffect.Result, PhaseOutcome> then;
  private boolean keepIntent;
  private final List<MigrationLedger.Claim> claims = new ArrayList<>();

  /** A Kubernetes Event to record with the outcome. */
  public record Event(EventReason reason, String message) {}

  private PhaseOutcome(MigrationPhase phase, String reason, String message) {
    this.phase = phase;
    this.reason = reason;
    this.message = message;
  }

  /** Go to (or stay in) a phase. */
  public static PhaseOutcome to(MigrationPhase phase, String reason, String message) {
    return new PhaseOutcome(phase, reason, message);
  }

  /** Stay in a phase until the operator can reach its pools again. */
  public static PhaseOutcome waitForPools(MigrationPhase phase) {
    return to(phase, "PoolNotConnected", "waiting to reach the pool again")
        .requeue(Duration.ofSeconds(5));
  }

  /** Adds a status change. */
  public PhaseOutcome edit(Consumer<MigrationStatusWriter> edit) {
    edits.add(edit);
    return this;
  }

  /**
   * Makes a side effect after this outcome (its intent included) is written, and then records what
   * {@code then} makes of its result.
   */
  public PhaseOutcome act(
      SideEffect effect, java.util.function.Function<SideEffect.Result, PhaseOutcome> then) {
    if (this.sideEffect != null) {
      throw new IllegalStateException("one side effect per outcome");
    }
    this.sideEffect = effect;
    this.then = then;
    return this;
  }

  /**
   * Leaves the intent in the status when this outcome records a side effect's result: the result
   * did not tell what happened, and the next look must find out.
   */
  public PhaseOutcome keepIntent() {
    this.keepIntent = true;
    return this;
  }

  /**
   * A slot or a destination this outcome takes: held for it until its write lands (the status then
   * shows it) or fails (it is given back).
   */
  public PhaseOutcome claim(MigrationLedger.Claim claim) {
    claims.add(claim);
    return this;
  }

  /** Look again after this long, even if nothing changes. */
  public PhaseOutcome requeue(Duration after) {
    this.requeue = after;
    return this;
  }

  /** Records this event with the outcome's message, after any notes. */
  public PhaseOutcome event(EventReason reason) {
    this.event = new Event(reason, message);
    return this;
  }

  /** Records a detail as its own event, such as one rollback step, before the outcome's event. */
  public PhaseOutcome note(EventReason reason, String message) {
    notes.add(new Event(reason, message));
    return this;
  }

  public MigrationPhase phase() {
    return phase;
  }

  public String reason() {
    return reason;
  }

  public String message() {
    return message;
  }

  public List<Consumer<MigrationStatusWriter>> edits() {
    return edits;
  }

  public Duration requeue() {
    return requeue;
  }

  public SideEffect sideEffect() {
    return sideEffect;
  }

  /** What the side effect's result means. */
  public PhaseOutcome then(SideEffect.Result result) {
    return then.apply(result);
  }

  public boolean keepsIntent() {
    return keepIntent;
  }

  public List<MigrationLedger.Claim> claims() {
    return claims;
  }

  /** The events to record, in order: the notes, then the outcome's own event. */
  public List<Event> events() {
    List<Event> all = new ArrayList<>(notes);
    if (event != null) {
      all.add(event);
    }
    return all;
  }
}
