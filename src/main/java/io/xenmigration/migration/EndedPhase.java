package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.IntentAction;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.events.EventReason;
import io.xenmigration.xen.MigrationTask;
import io.xenmigration.xen.PoolApi;
import io.xenmigration.xen.XenApiException;
import java.time.Duration;

/**
 * An ended migration that still names an intent: its end was written together with forgetting its
 * task, and the process stopped before it could write that the task was forgotten. The task is
 * forgotten if it is still there and still carries the attempt's tag; the phase, its reason and its
 * message never change.
 */
final class EndedPhase implements PhaseHandler {

  /** How soon an ended migration looks again while its pool cannot be reached. */
  static final Duration WHILE_AWAY = Duration.ofSeconds(30);

  private final MigrationServices services;

  EndedPhase(MigrationServices services) {
    this.services = services;
  }

  @Override
  public PhaseOutcome handle(MigrationContext context) {
    LiveMigrationStatus status = context.status();
    PhaseOutcome stays = unchanged(status);
    if (status.getIntent() == null) {
      return stays;
    }
    if (status.getIntent().getAction() != IntentAction.DestroyTask || status.getTaskRef() == null) {
      return stays.edit(MigrationStatusWriter::intentDone);
    }
    String ref = status.getTaskRef();
    if (context.sourcePool() == null) {
      // Its XenPool is gone, and with it the way to the pool: the finished task stays there,
      // tagged, until xapi removes finished tasks itself.
      return stays
          .edit(MigrationStatusWriter::intentDone)
          .note(
              EventReason.LeftoverKept,
              "the attempt's finished task "
                  + ref
                  + " was not destroyed: XenPool "
                  + context.migration().getSpec().getPool()
                  + " no longer exists; xapi removes finished tasks itself");
    }
    // Only the pool the task runs in is needed: the destination has no part in forgetting it.
    PoolApi source =
        services.driver(context.poolKey(context.migration().getSpec().getPool())).orElse(null);
    if (source == null) {
      return stays.requeue(WHILE_AWAY); // kept: the task is forgotten once the pool is back
    }
    MigrationTask task;
    try {
      task = RunningPhase.taskOrNull(source, ref);
    } catch (XenApiException e) {
      return stays.requeue(WHILE_AWAY);
    }
    if (task == null
        || !task.carries(context.tag())
        || task.status() == MigrationTask.Status.PENDING) {
      // Gone already, not provably ours, or (never after an end) still running: not touched.
      return stays.edit(MigrationStatusWriter::intentDone);
    }
    return unchanged(status)
        .act(
            SideEffect.destroyTask(source, ref),
            result -> unchanged(status).edit(MigrationStatusWriter::intentDone));
  }

  private static PhaseOutcome unchanged(LiveMigrationStatus status) {
    return PhaseOutcome.to(status.getPhase(), status.getReason(), status.getMessage());
  }

  @Override
  public PhaseOutcome failed(MigrationContext context, XenApiException error) {
    return unchanged(context.status()).requeue(WHILE_AWAY);
  }
}
