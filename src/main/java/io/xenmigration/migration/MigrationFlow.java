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

  /** What the handler of the migration's phase decides. */
  public PhaseOutcome handle(MigrationContext context) throws Exception {
    PhaseHandler handler = handlers.get(context.status().getPhase());
    if (handler == null) {
      throw new IllegalStateException("no handler for phase " + context.status().getPhase());
    }
    return handler.handle(context);
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
          task = driver.task(status.getTaskRef());
        } catch (XenApiException e) {
          if (e.isTransient()) {
            return RunningPhase.POLL;
          }
          task = null;
        }
        if (task != null && !task.status().finished()) {
          if (task.cancellable()) {
            driver.cancel(task.ref());
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
