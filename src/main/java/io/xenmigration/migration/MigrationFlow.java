package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.IntentAction;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.events.EventReason;
import io.xenmigration.xen.PoolWrites;
import io.xenmigration.xen.XenApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The state machine's dispatch: an intent left in flight is resolved first, then the handler of the
 * migration's phase decides. One handler per non-terminal phase, chosen by the phase; an ended
 * migration is looked at only to forget the task its end named.
 */
@ApplicationScoped
public class MigrationFlow {

  private final Map<MigrationPhase, PhaseHandler> handlers = new EnumMap<>(MigrationPhase.class);
  private final MigrationServices services;
  private final RunningPhase running;
  private final EndedPhase ended;

  @Inject
  public MigrationFlow(MigrationServices services) {
    this.services = services;
    this.running = new RunningPhase(services);
    this.ended = new EndedPhase(services);
    for (MigrationPhase phase : MigrationPhase.values()) {
      PhaseHandler handler =
          switch (phase) {
            case Queued -> new QueuedPhase(services);
            case Preparing -> new PreparingPhase(services);
            case Running -> running;
            case RollingBack -> new RollingBackPhase(services);
            case Completed, Failed, Cancelled, Planned -> null;
          };
      if (handler != null) {
        handlers.put(phase, handler);
      }
    }
  }

  /** How soon a phase looks again after a transient XenAPI failure (the pool may be away). */
  static final Duration AFTER_TRANSIENT = Duration.ofSeconds(2);

  /** How soon a phase looks again after a terminal XenAPI failure it cannot act on. */
  static final Duration AFTER_ERROR = Duration.ofSeconds(30);

  /** Who to wake when a followed task changes or a slot frees up. */
  public void wakeWith(Wakeups wakeups) {
    services.wakeWith(wakeups);
  }

  /** The ledger of what migrations hold. */
  public MigrationLedger ledger() {
    return services.ledger;
  }

  /**
   * What follows for the migration. A migration seen for the first time is Queued, on its own, so
   * that every migration is seen in the queue first. An intent left in flight by an earlier look
   * (whose result was never written) is resolved before anything else: a start is found out (it is
   * never made twice), any other intent is dropped and the phase looks afresh, knowing from the
   * status what was asked (a cancel may be asked again; a task or disk destroyed is found gone).
   * XenAPI failures never escape: a transient one keeps the phase and looks again soon, a terminal
   * one is the handler's to judge; so a pool that is away for long never exhausts the controller's
   * retries and leaves a migration stuck.
   */
  public PhaseOutcome handle(MigrationContext context) {
    LiveMigrationStatus status = context.status();
    MigrationPhase phase = status.getPhase();
    if (phase == null) {
      return PhaseOutcome.to(MigrationPhase.Queued, "Queued", "accepted")
          .event(EventReason.Queued)
          .requeue(Duration.ofMillis(1));
    }
    if (phase.isTerminal()) {
      // Only an intent written with its end brings an ended migration here; nothing else changes.
      return ended.handle(context);
    }
    PhaseHandler handler = handlers.get(phase);
    if (handler == null) {
      throw new IllegalStateException("no handler for phase " + phase);
    }
    boolean resolvingStart =
        phase == MigrationPhase.Running
            && status.getIntent() != null
            && status.getIntent().getAction() == IntentAction.StartMigration;
    try {
      if (resolvingStart) {
        MigrationServices.Drivers pools = services.drivers(context).orElse(null);
        return pools == null
            ? PhaseOutcome.waitForPools(phase)
            : running.resolveStart(context, pools);
      }
      if (status.getIntent() != null) {
        // The phase looks afresh; the status says what was asked.
        new MigrationStatusWriter(context.migration()).intentDone();
      }
      return handler.handle(context);
    } catch (XenApiException e) {
      if (PoolWrites.NOT_LEADING.equals(e.code())) {
        // A call the decision needed (a receive ticket, say) was held back: this process may no
        // longer lead, so it writes nothing at all; whoever leads looks afresh.
        throw new Fenced(e);
      }
      if (e.isTransient()) {
        return PhaseOutcome.to(
                phase,
                "XenApiUnavailable",
                e.code() + ": " + e.getMessage() + "; trying again shortly")
            .requeue(AFTER_TRANSIENT);
      }
      // A start not found out yet is never given up on an error: it is looked for again.
      return resolvingStart ? STAY.failed(context, e) : handler.failed(context, e);
    }
  }

  /** A decision that needed a call the write gate held back: nothing of the look is written. */
  static final class Fenced extends RuntimeException {
    Fenced(XenApiException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** The default judgement of an error: stay, say why, look again later. */
  private static final PhaseHandler STAY = context -> null;
}
