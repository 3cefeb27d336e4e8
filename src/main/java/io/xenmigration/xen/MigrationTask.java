package io.xenmigration.xen;

import java.util.List;

/**
 * A XenAPI task as the driver last saw it.
 *
 * @param ref the task's ref, recorded in the LiveMigration's status as soon as it exists
 * @param status where the task is
 * @param progress 0 to 1
 * @param error the XenAPI error code and parameters after a failure or cancel; empty otherwise
 * @param result the task's raw result (the VM's ref after a {@code migrate_send})
 * @param cancellable whether {@code task.cancel} may still stop it
 */
public record MigrationTask(
    String ref,
    Status status,
    double progress,
    List<String> error,
    String result,
    boolean cancellable) {

  /** A task's status, in XenAPI's terms. */
  public enum Status {
    PENDING,
    SUCCESS,
    FAILURE,
    CANCELLING,
    CANCELLED;

    /** Whether the task has ended. */
    public boolean finished() {
      return this == SUCCESS || this == FAILURE || this == CANCELLED;
    }
  }
}
