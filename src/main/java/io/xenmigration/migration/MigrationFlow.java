package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.xen.MigrationTask;
import io.xenmigration.xen.XenApiDriver;
import io.xenmigration.xen.XenApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** The state machine's dispatch: one handler per non-terminal phase, chosen by the phase. */
@ApplicationScoped
public class MigrationFlow {

  private final Map<MigrationPhase, PhaseHandler> handlers = new EnumMap<>(MigrationPhase.class);
  private final MigrationServices services;

  @Inject
  public MigrationFlow(MigrationServices services) {
    this.services = services;
    for (MigrationPhase phase : MigrationPhase.values()) {
      PhaseHandler handler =
          switch (phase) {
            case Queued -> new QueuedPhase(services);
            case Preparing -> new PreparingPhase(services);
            case Running -> new RunningPhase(services);
            case RollingBack -> new RollingBackPhase(services);
            case Completed, Failed, Cancelled -> null;
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

  /**
   * What the handler of the migration's phase decides. XenAPI failures never escape: a transient
   * one keeps the phase and looks again soon, a terminal one is the handler's to judge; so a pool
   * that is away for long never exhausts the controller's retries and leaves a migration stuck.
   */
  public PhaseOutcome handle(MigrationContext context) {
    MigrationPhase phase = context.status().getPhase();
    PhaseHandler handler = handlers.get(phase);
    if (handler == null) {
      throw new IllegalStateException("no handler for phase " + phase);
    }
    try {
      return handler.handle(context);
    } catch (XenApiException e) {
      if (e.isTransient()) {
        return PhaseOutcome.to(
                phase,
                "XenApiUnavailable",
                e.code() + ": " + e.getMessage() + "; trying again shortly")
            .requeue(AFTER_TRANSIENT);
      }
      return handler.failed(context, e);
    }
  }

  /**
   * A migration is being deleted: stops its task if one runs and can be stopped, and gives back its
   * slot once nothing runs. Returns when to look again, or null when it may go.
   */
  public Duration abandon(MigrationContext context) throws XenApiException {
    LiveMigrationStatus status = context.status();
    if (status != null
        && status.getTaskRef() != null
        && status.getPhase() != null
        && !status.getPhase().isTerminal()) {
      XenApiDriver driver =
          services.driver(context.poolKey(context.migration().getSpec().getPool())).orElse(null);
      if (driver != null) {
        MigrationTask task;
        try {
          task = RunningPhase.taskOrNull(driver, status.getTaskRef());
        } catch (XenApiException e) {
          if (e.isTransient()) {
            return AFTER_TRANSIENT;
          }
          throw e;
        }
        if (task != null && !task.status().finished()) {
          if (task.cancellable()) {
            try {
              driver.cancel(task.ref());
            } catch (XenApiException e) {
              if (e.isTransient()) {
                return AFTER_TRANSIENT;
              }
              // Past its point of no return since we looked: it finishes, and then we go.
            }
          }
          return RunningPhase.POLL;
        }
        if (task != null) {
          driver.destroyTask(task.ref());
        }
      }
    }
    services.release(context.key());
    return null;
  }
}
