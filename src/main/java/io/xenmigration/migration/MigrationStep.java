package io.xenmigration.migration;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.status.SafeText;
import io.xenmigration.xen.PoolWrites;
import io.xenmigration.xen.XenApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One look at a migration, in the order that keeps the pools safe: observe and decide (the phase
 * handler, which only reads), write the decision with the intent it names (conditionally on the
 * version read, by the current leader), make the side effect, and write what it did. A side effect
 * is never made when its intent did not land, and an intent whose result was not written tells the
 * next look, in this process or another, what may have happened.
 */
public final class MigrationStep {

  private static final Logger LOG = Logger.getLogger(MigrationStep.class.getName());

  /** How soon a look whose write did not land is made again, on fresh state. */
  static final Duration AFTER_REFUSED_WRITE = Duration.ofMillis(200);

  /** How soon a process that may not act looks again (it is about to stop, or to lead again). */
  static final Duration WHILE_FENCED = Duration.ofSeconds(5);

  private final MigrationFlow flow;
  private final MigrationLedger ledger;
  private final MigrationServices services;
  private final ActionFence fence;
  private final int decisionsPerWrite;

  public MigrationStep(
      MigrationFlow flow, MigrationLedger ledger, MigrationServices services, ActionFence fence) {
    this(flow, ledger, services, fence, MAX_DECISIONS);
  }

  /**
   * @param decisionsPerWrite how many decisions one write may carry, at most {@link
   *     #MAX_DECISIONS}; 1 writes every phase on its own, so that each can be seen
   */
  public MigrationStep(
      MigrationFlow flow,
      MigrationLedger ledger,
      MigrationServices services,
      ActionFence fence,
      int decisionsPerWrite) {
    if (decisionsPerWrite < 1 || decisionsPerWrite > MAX_DECISIONS) {
      throw new IllegalArgumentException("decisionsPerWrite " + decisionsPerWrite);
    }
    this.flow = flow;
    this.ledger = ledger;
    this.services = services;
    this.fence = fence;
    this.decisionsPerWrite = decisionsPerWrite;
  }

  /**
   * An outcome that was written: from the phase the migration was in before it, the migration as
   * written (by the write that carried it, with any decisions after it), its own message and the
   * events to record, their messages naming objects as the status does.
   */
  public record Written(
      MigrationPhase from,
      PhaseOutcome outcome,
      LiveMigration migration,
      String message,
      List<PhaseOutcome.Event> events) {}

  /**
   * What one look did.
   *
   * @param written the outcomes written, in order (the intent, then the side effect's result)
   * @param phase the phase as last written, or as read when nothing was: what the cluster holds,
   *     never a decision whose write did not land
   * @param again when to look again, or null to wait for the next event
   */
  public record Report(List<Written> written, MigrationPhase phase, Duration again) {}

  /**
   * Looks at a migration once and writes what follows. The context's migration is this look's own
   * copy: it is changed in place.
   */
  public Report run(MigrationContext context, StatusStore store) {
    LiveMigration migration = context.migration();
    MigrationPhase from = migration.getStatus() == null ? null : migration.getStatus().getPhase();
    String taskBefore = migration.getStatus() == null ? null : migration.getStatus().getTaskRef();
    new MigrationStatusWriter(migration); // a first look starts from an empty status
    String before = Serialization.asJson(migration.getStatus());
    Instant now = context.now();
    // The decisions of this look, in order: the last may name a side effect, the others are
    // moves into the queue and out of it, which need no write of their own.
    List<PhaseOutcome> decisions = new ArrayList<>();
    List<MigrationLedger.Claim> claims = new ArrayList<>();
    MigrationPhase at = from;
    PhaseOutcome decided;
    MigrationLedger.Claim heldBefore = ledger.claimOf(context.key());
    try {
      while (true) {
        decided = flow.handle(context);
        decisions.add(decided);
        claims.addAll(decided.claims());
        apply(context, migration, decided, now);
        if (!goesOn(at, decided) || decisions.size() == decisionsPerWrite) {
          break;
        }
        at = decided.phase();
      }
    } catch (MigrationFlow.Fenced e) {
      ledger.settle(claims);
      ledger.restore(context.key(), heldBefore);
      LOG.info(() -> context.key() + ": not deciding: " + e.getMessage());
      return new Report(List.of(), from, WHILE_FENCED);
    } catch (RuntimeException e) {
      // Nothing of this look is written: what it claimed, returned or not, is given back.
      ledger.settle(claims);
      ledger.restore(context.key(), heldBefore);
      throw e;
    }
    SideEffect effect = decided.sideEffect();
    List<Written> written = new ArrayList<>();
    if (effect == null) {
      if (Serialization.asJson(migration.getStatus()).equals(before)) {
        ledger.settle(claims);
        return new Report(written, from, again(decided, at));
      }
      LiveMigration landed = write(store, migration, claims);
      if (landed == null) {
        return new Report(written, from, AFTER_REFUSED_WRITE);
      }
      written.addAll(written(context, from, decisions, landed));
      released(context, landed, from, taskBefore);
      return new Report(written, landed.getStatus().getPhase(), again(decided, at));
    }

    // Observe, decide, then: the intent, the act, the record.
    if (!fence.mayAct()) {
      ledger.settle(claims);
      LOG.info(() -> context.key() + ": not acting: " + fence.why());
      return new Report(written, from, WHILE_FENCED);
    }
    new MigrationStatusWriter(migration).intent(effect.action(), effect.disks(), now);
    LiveMigration intended = write(store, migration, claims);
    if (intended == null) {
      return new Report(written, from, AFTER_REFUSED_WRITE);
    }
    written.addAll(written(context, from, decisions, intended));
    released(context, intended, from, taskBefore); // an end written with its last intent
    MigrationPhase mid = intended.getStatus().getPhase();
    if (!fence.mayAct()) {
      // The intent stands; whoever leads next finds out what became of it.
      LOG.info(() -> context.key() + ": intent written, not acting: " + fence.why());
      return new Report(written, mid, WHILE_FENCED);
    }
    SideEffect.Result result;
    try {
      result = new SideEffect.Result(effect.run(), null);
    } catch (XenApiException e) {
      result = new SideEffect.Result(null, e);
    }
    if (!result.ok() && PoolWrites.NOT_LEADING.equals(result.error().code())) {
      // The gate held the call back at the last moment: the intent stands, and whoever leads next
      // finds out what became of it, as after a crash between the intent and the act.
      String why = result.error().getMessage();
      LOG.info(() -> context.key() + ": intent written, not acting: " + why);
      return new Report(written, mid, WHILE_FENCED);
    }
    PhaseOutcome recorded = decided.then(result);
    LiveMigration record = withOwnStatus(intended);
    if (!recorded.keepsIntent()) {
      new MigrationStatusWriter(record).intentDone();
    }
    try {
      apply(context, record, recorded, now);
    } catch (RuntimeException e) {
      ledger.settle(recorded.claims());
      throw e;
    }
    LiveMigration landed = write(store, record, recorded.claims());
    if (landed == null) {
      // The side effect is made and its result not written: the intent tells the next look.
      return new Report(written, mid, AFTER_REFUSED_WRITE);
    }
    written.addAll(written(context, mid, List.of(recorded), landed));
    released(context, landed, mid, taskBefore);
    return new Report(written, landed.getStatus().getPhase(), again(recorded, mid));
  }

  /**
   * The written migration with a status of its own to record a result in, so that what the intent
   * wrote stays as it was; the spec is shared, as the record changes only the status. (A copy of
   * the whole object, with the API server's managed fields, costs several times more.)
   */
  private static LiveMigration withOwnStatus(LiveMigration written) {
    LiveMigration record = new LiveMigration();
    // Its own metadata: the write sets fields of it, and the written object is in the SDK's cache.
    record.setMetadata(new ObjectMetaBuilder(written.getMetadata()).build());
    record.setSpec(written.getSpec());
    record.setStatus(Serialization.clone(written.getStatus()));
    return record;
  }

  private void apply(
      MigrationContext context, LiveMigration migration, PhaseOutcome outcome, Instant now) {
    MigrationStatusWriter writer = new MigrationStatusWriter(migration);
    outcome.edits().forEach(edit -> edit.accept(writer));
    writer.phase(outcome.phase(), outcome.reason(), outcome.message(), now);
    RefNames.of(services.inventoriesOf(context), migration.getStatus())
        .clean(migration.getStatus());
  }

  /** The outcomes one write carried, each from the phase the one before it left. */
  private List<Written> written(
      MigrationContext context,
      MigrationPhase from,
      List<PhaseOutcome> outcomes,
      LiveMigration landed) {
    RefNames names = RefNames.of(services.inventoriesOf(context), landed.getStatus());
    List<Written> written = new ArrayList<>();
    MigrationPhase was = from;
    for (PhaseOutcome outcome : outcomes) {
      List<PhaseOutcome.Event> events = new ArrayList<>();
      for (PhaseOutcome.Event event : outcome.events()) {
        events.add(new PhaseOutcome.Event(event.reason(), names.clean(event.message())));
      }
      written.add(
          new Written(was, outcome, landed, names.clean(outcome.message()), List.copyOf(events)));
      was = outcome.phase();
    }
    return written;
  }

  /** At most this many decisions go into one write: the admission and what Preparing decides. */
  static final int MAX_DECISIONS = 2;

  /**
   * Whether the look decides again before writing: after an admission, which makes no side effect
   * and whose slot the ledger's claim holds until the write. The write that follows carries both
   * decisions, on the version first read, so a conflict undoes both; a migration that can start at
   * once goes from the queue to its start's intent in one write. A new migration's first write,
   * Queued, stays on its own: it tells at once that the request was taken.
   */
  private static boolean goesOn(MigrationPhase from, PhaseOutcome outcome) {
    return outcome.sideEffect() == null
        && from == MigrationPhase.Queued
        && outcome.phase() == MigrationPhase.Preparing;
  }

  /**
   * The write, or null when it is not known to have landed: its claims then go back when it was
   * refused, and stay until the cache tells when its answer was lost (it may have landed).
   */
  private LiveMigration write(
      StatusStore store, LiveMigration migration, List<MigrationLedger.Claim> claims) {
    try {
      LiveMigration landed = store.write(migration);
      ledger.written(landed, claims);
      return landed;
    } catch (StatusStore.WriteRefused e) {
      if (e.conflict()) {
        ledger.settle(claims);
      } else {
        ledger.uncertain(claims, migration);
      }
      LOG.log(
          e.conflict() ? Level.FINE : Level.INFO,
          () ->
              MigrationLedger.id(migration)
                  + ": status write did not land ("
                  + SafeText.safe(e.getMessage())
                  + "); looking again");
      return null;
    }
  }

  /**
   * A migration whose end was written gives back what it held; one that goes back to Preparing for
   * another host stops following its old task.
   */
  private void released(
      MigrationContext context, LiveMigration landed, MigrationPhase from, String taskBefore) {
    MigrationPhase phase = landed.getStatus().getPhase();
    if (phase == from) {
      return;
    }
    if (phase.isTerminal()) {
      services.ended(context, taskBefore != null ? taskBefore : landed.getStatus().getTaskRef());
    } else if (phase == MigrationPhase.Preparing && from == MigrationPhase.RollingBack) {
      services.forgetTask(context, taskBefore);
    }
  }

  /** A new phase is handled at once; a phase that waits says when to look again. */
  private static Duration again(PhaseOutcome outcome, MigrationPhase from) {
    Duration again = outcome.requeue();
    if (again == null && outcome.phase() != from && !outcome.phase().isTerminal()) {
      again = Duration.ZERO;
    }
    return again;
  }
}
