package io.xenmigration.xapisim.model;

import static io.xenmigration.xapisim.model.Records.fields;
import static io.xenmigration.xapisim.model.Records.refs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A XenAPI task: the handle of an asynchronous call, its progress and its outcome. */
public final class SimTask extends XObject {

  public final String nameLabel;
  public String nameDescription = "";
  public final Instant created;
  public String status = "pending";
  public double progress;
  public Instant finished = Instant.EPOCH;
  public String result = "";
  public List<String> errorInfo = new ArrayList<>();

  /** Whether {@code task.cancel} may still stop the work (until its point of no return). */
  public boolean cancellable = true;

  public boolean cancelRequested;
  public final Map<String, String> currentOperations = new LinkedHashMap<>();
  public SimHost residentOn;

  /** The task this one does part of, or null. */
  public SimTask subtaskOf;

  /** Tasks doing parts of this one. */
  public final List<SimTask> subtasks = new ArrayList<>();

  /**
   * The subtask whose progress and {@code other_config} this task copies while it waits for it, as
   * xapi's master does when it forwards a {@code migrate_send} to the VM's host ({@code
   * Helpers.Task.wait_for_mirror}); null otherwise.
   */
  public SimTask mirrors;

  public SimTask(SimPool pool, String nameLabel, Instant created) {
    super(pool);
    this.nameLabel = nameLabel;
    this.created = created;
    this.residentOn = pool.master;
  }

  @Override
  public XClass xclass() {
    return XClass.TASK;
  }

  /**
   * Copies the mirrored subtask's {@code other_config} over this task's when they differ: a key a
   * client added to this task alone is lost, one added to the subtask comes through.
   */
  public boolean mirror() {
    if (mirrors == null || mirrors.otherConfig.equals(otherConfig)) {
      return false;
    }
    otherConfig.clear();
    otherConfig.putAll(mirrors.otherConfig);
    return true;
  }

  /** Whether the task is still running. */
  public boolean pending() {
    return "pending".equals(status);
  }

  @Override
  public Map<String, Object> record() {
    return fields(
        "uuid", uuid,
        "name_label", nameLabel,
        "name_description", nameDescription,
        "allowed_operations", pending() && cancellable ? List.of("cancel") : List.of(),
        "current_operations", currentOperations,
        "created", created,
        "finished", finished,
        "status", status,
        "resident_on", refOf(residentOn),
        "progress", progress,
        "type", "<none/>",
        "result", result,
        "error_info", errorInfo,
        "other_config", otherConfig,
        "subtask_of", refOf(subtaskOf),
        "subtasks", refs(subtasks),
        "backtrace", "()");
  }
}
