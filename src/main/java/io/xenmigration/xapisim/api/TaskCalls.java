package io.xenmigration.xapisim.api;

import io.xenmigration.xapisim.model.SimTask;
import io.xenmigration.xapisim.model.XClass;

/**
 * Creating, cancelling and destroying tasks, the setters a task's owner may call, and their {@code
 * other_config}; reading them is generic. As in xapi ({@code xapi_task.ml}), {@code cancel} never
 * refuses a task for being finished or past its point of no return: it only records the request.
 */
final class TaskCalls {

  private TaskCalls() {}

  static void register(Dispatcher dispatcher) {
    dispatcher.add("task.create", 2, 0, false, TaskCalls::create);
    dispatcher.add("task.set_status", 2, 0, false, c -> set(c, null, TaskCalls::setStatus));
    dispatcher.add("task.set_progress", 2, 0, false, c -> set(c, null, TaskCalls::setProgress));
    // From xapi 21.3.0 on; an older master does not know them.
    dispatcher.add("task.set_result", 2, 0, false, c -> set(c, "21.3.0", TaskCalls::setResult));
    dispatcher.add(
        "task.set_error_info", 2, 0, false, c -> set(c, "21.3.0", TaskCalls::setErrorInfo));
    dispatcher.add(
        "task.set_resident_on", 2, 0, false, c -> set(c, "21.3.0", TaskCalls::setResidentOn));
    dispatcher.add("task.cancel", 1, 0, true, c -> cancel(c, dispatcher));
    dispatcher.add("task.destroy", 1, 0, true, TaskCalls::destroy);
    dispatcher.add("task.add_to_other_config", 3, 0, false, TaskCalls::addToOtherConfig);
    dispatcher.add("task.remove_from_other_config", 2, 0, false, TaskCalls::removeFromOtherConfig);
  }

  /** A task a client runs work under: pending, at no progress, until its owner sets it. */
  private static Object create(CallContext context) {
    SimTask task =
        context.pool.register(new SimTask(context.pool, context.string(0), context.now()));
    task.nameDescription = context.string(1);
    context.emit(task, "add");
    return task.ref;
  }

  /** One setter: the change itself, given the task and the call. */
  private interface Setter {
    void apply(SimTask task, CallContext context);
  }

  private static Object set(CallContext context, String since, Setter setter) {
    if (since != null && !context.masterAtLeast(since)) {
      throw new XapiError("MESSAGE_METHOD_UNKNOWN", context.method());
    }
    SimTask task = context.resolve(XClass.TASK, 0);
    setter.apply(task, context);
    context.emit(task, "mod");
    return "";
  }

  private static void setStatus(SimTask task, CallContext context) {
    String status = context.string(1);
    if (!java.util.Set.of("pending", "success", "failure", "cancelling", "cancelled")
        .contains(status)) {
      throw new XapiError("ENUM_INVALID", "task_status_type", status);
    }
    task.status = status;
  }

  private static void setProgress(SimTask task, CallContext context) {
    Object value = context.args.get(1);
    if (!(value instanceof Number progress)) {
      throw new XapiError("FIELD_TYPE_ERROR", "value");
    }
    task.progress = progress.doubleValue();
  }

  private static void setResult(SimTask task, CallContext context) {
    task.result = context.string(1);
  }

  private static void setErrorInfo(SimTask task, CallContext context) {
    if (!(context.args.get(1) instanceof java.util.List<?> info)) {
      throw new XapiError("FIELD_TYPE_ERROR", "value");
    }
    task.errorInfo = new java.util.ArrayList<>();
    info.forEach(part -> task.errorInfo.add(String.valueOf(part)));
  }

  private static void setResidentOn(SimTask task, CallContext context) {
    task.residentOn = context.resolve(XClass.HOST, 1);
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
        throw ObjectCalls.duplicateKey(task, "current_operations", "task");
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

  /** Adds a key as on every class, then carries the change between a task and its subtask. */
  private static Object addToOtherConfig(CallContext context) {
    SimTask task = context.resolve(XClass.TASK, 0);
    ObjectCalls.addToOtherConfig(context, task);
    changed(context, task);
    return "";
  }

  private static Object removeFromOtherConfig(CallContext context) {
    SimTask task = context.resolve(XClass.TASK, 0);
    ObjectCalls.removeFromOtherConfig(context, task);
    changed(context, task);
    return "";
  }

  /**
   * A task changed: a task mirroring a subtask is overwritten by it at once (xapi's master wakes on
   * the task's own event), and a subtask's change reaches the task that mirrors it.
   */
  private static void changed(CallContext context, SimTask task) {
    task.mirror();
    SimTask parent = task.subtaskOf;
    if (parent != null && parent.mirrors == task && parent.mirror()) {
      context.emit(parent, "mod");
    }
  }
}
