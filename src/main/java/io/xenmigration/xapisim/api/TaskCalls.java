package io.xenmigration.xapisim.api;

import io.xenmigration.xapisim.model.SimTask;
import io.xenmigration.xapisim.model.XClass;

/**
 * Cancelling and destroying tasks and changing their {@code other_config}; reading them is generic.
 * As in xapi ({@code xapi_task.ml}), {@code cancel} never refuses a task for being finished or past
 * its point of no return: it only records the request.
 */
final class TaskCalls {

  private TaskCalls() {}

  static void register(Dispatcher dispatcher) {
    dispatcher.add("task.cancel", 1, 0, true, c -> cancel(c, dispatcher));
    dispatcher.add("task.destroy", 1, 0, true, TaskCalls::destroy);
    dispatcher.add("task.add_to_other_config", 3, 0, false, TaskCalls::addToOtherConfig);
    dispatcher.add("task.remove_from_other_config", 2, 0, false, TaskCalls::removeFromOtherConfig);
  }

  /**
   * Only asks for cancellation: the task stays pending until its worker notices, and a task past
   * its point of no return goes on (a failure it meets later is then reported as TASK_CANCELLED).
   */
  private static Object cancel(CallContext context, Dispatcher dispatcher) {
    SimTask task = context.resolve(XClass.TASK, 0);
    if (!task.pending()) {
      return ""; // cancelling a finished task has no effect
    }
    task.currentOperations.clear();
    task.currentOperations.put(context.session.ref, "cancel");
    context.emit(task, "mod");
    if (!task.cancelRequested) {
      task.cancelRequested = true;
      dispatcher.engine.requestCancel(task);
    }
    return "";
  }

  private static Object destroy(CallContext context) {
    SimTask task = context.resolve(XClass.TASK, 0);
    if (task.pending()) {
      if (task.currentOperations.containsKey("task")) {
        throw duplicateKey(task, "current_operations", "task");
      }
      task.currentOperations.put("task", "destroy");
      context.emit(task, "mod");
      return "";
    }
    for (SimTask subtask : task.subtasks) {
      subtask.subtaskOf = null;
    }
    if (task.subtaskOf != null) {
      task.subtaskOf.subtasks.remove(task);
    }
    context.pool.unregister(task);
    context.emit(task, "del");
    return "";
  }

  /** Adds a key; an existing key is refused, as xapi's database refuses a duplicate map key. */
  private static Object addToOtherConfig(CallContext context) {
    SimTask task = context.resolve(XClass.TASK, 0);
    String key = context.string(1);
    if (key.isEmpty()) {
      throw new XapiError("INVALID_VALUE", "key", key);
    }
    if (task.otherConfig.containsKey(key)) {
      throw duplicateKey(task, "other_config", key);
    }
    task.otherConfig.put(key, context.string(2));
    changed(context, task);
    return "";
  }

  private static Object removeFromOtherConfig(CallContext context) {
    SimTask task = context.resolve(XClass.TASK, 0);
    task.otherConfig.remove(context.string(1));
    changed(context, task);
    return "";
  }

  /**
   * A task changed: a task mirroring a subtask is overwritten by it at once (xapi's master wakes on
   * the task's own event), and a subtask's change reaches the task that mirrors it.
   */
  private static void changed(CallContext context, SimTask task) {
    context.emit(task, "mod");
    task.mirror();
    SimTask parent = task.subtaskOf;
    if (parent != null && parent.mirrors == task && parent.mirror()) {
      context.emit(parent, "mod");
    }
  }

  private static XapiError duplicateKey(SimTask task, String field, String key) {
    return new XapiError("MAP_DUPLICATE_KEY", "task", field, task.uuid, key);
  }
}
