package io.xenmigration.xen;

import java.util.List;

/**
 * A XenAPI task as the driver last saw it.
 *
 * @param ref the task's ref, recorded in the LiveMigration's status as soon as it exists
 * @param uuid its UUID, for people
 * @param name its name-label, such as {@code Async.VM.pool_migrate}
 * @param status where the task is
 * @param progress 0 to 1
 * @param error the XenAPI error code and parameters after a failure or cancel; empty otherwise
 * @param result the task's raw result (the VM's ref after a {@code migrate_send})
 * @param cancellable whether {@code task.cancel} may still stop it
 * @param tag the value of the operator's {@link TaskTag#KEY} in its {@code other_config}, or null
 * @param subtasks refs of the tasks doing parts of it
 */
public record MigrationTask(
    String ref,
    String uuid,
    String name,
    Status status,
    double progress,
    List<String> error,
    String result,
    boolean cancellable,
    String tag,
    List<String> subtasks) {

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

  /** Whether the task carries this tag: the proof that the operator's attempt started it. */
  public boolean carries(TaskTag mark) {
    return mark != null && mark.value().equals(tag);
  }

  /** How the task is named to people: its UUID and what it does. */
  public String describe() {
    return "task " + uuid + " (" + name + ")";
  }
}
