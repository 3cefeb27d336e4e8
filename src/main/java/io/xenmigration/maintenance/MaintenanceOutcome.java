package io.xenmigration.maintenance;

import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MaintenancePhase;
import io.xenmigration.events.EventReason;
import io.xenmigration.xen.XenApiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What a phase handler decided: the phase with its reason, status edits, events, when to look
 * again, and at most one action, to be made only after the decision is written.
 */
public final class MaintenanceOutcome {

  /** An event to record once the decision is written. */
  public record Event(EventReason reason, String message) {}

  /** Something a decision makes happen after it is written. */
  public sealed interface Action permits HostCall, CreateChildren, CancelChildren {}

  /**
   * A host call ({@code DisableHost} or {@code EnableHost}): its intent is written first, and
   * {@code then} turns its result (null: it succeeded) into the decision recorded after it.
   */
  public record HostCall(String name, Call call, Function<XenApiException, MaintenanceOutcome> then)
      implements Action {}

  /** The XenAPI call of a {@link HostCall}. */
  @FunctionalInterface
  public interface Call {
    void run() throws XenApiException;
  }

  /** Creates child LiveMigrations, each already named in the written status. */
  public record CreateChildren(List<LiveMigration> children) implements Action {}

  /** Asks child LiveMigrations (by name) to stop, through their {@code spec.cancel}. */
  public record CancelChildren(List<String> names) implements Action {}

  private final MaintenancePhase phase;
  private final String reason;
  private final String message;
  private final List<Consumer<MaintenanceStatusWriter>> edits = new ArrayList<>();
  private final List<Event> events = new ArrayList<>();
  private Action action;
  private Duration requeue;

  private MaintenanceOutcome(MaintenancePhase phase, String reason, String message) {
    this.phase = phase;
    this.reason = reason;
    this.message = message;
  }

  public static MaintenanceOutcome to(MaintenancePhase phase, String reason, String message) {
    return new MaintenanceOutcome(phase, reason, message);
  }

  public MaintenanceOutcome edit(Consumer<MaintenanceStatusWriter> edit) {
    edits.add(edit);
    return this;
  }

  public MaintenanceOutcome event(EventReason reason, String message) {
    events.add(new Event(reason, message));
    return this;
  }

  public MaintenanceOutcome requeue(Duration after) {
    this.requeue = after;
    return this;
  }

  public MaintenanceOutcome act(Action action) {
    this.action = action;
    return this;
  }

  public MaintenancePhase phase() {
    return phase;
  }

  public String reason() {
    return reason;
  }

  public String message() {
    return message;
  }

  public List<Consumer<MaintenanceStatusWriter>> edits() {
    return edits;
  }

  public List<Event> events() {
    return events;
  }

  public Action action() {
    return action;
  }

  public Duration requeue() {
    return requeue;
  }
}
