package io.xenmigration.xapisim.api;

import io.xenmigration.xapisim.model.SimTask;
import io.xenmigration.xapisim.model.XClass;

/** Cancelling and destroying tasks; reading them is generic. */
final class TaskCalls {

  private TaskCalls() {}

  static void register(Dispatcher dispatcher) {
    dispatcher.add("task.cancel", 1, 0, true, c -> cancel(c, dispatcher));
    dispatcher.add("task.destroy", 1, 0, true, TaskCalls::destroy);
  }

  /** Only asks for cancellation: the task stays pending until its worker notices. */
  private static Object cancel(CallContext context, Dispatcher dispatcher) {
    SimTask task = context.resolve(XClass.TASK, 0);
    if (!task.pending()) {
      return ""; // cancelling a finished task has no effect
    }
    if (!task.cancellable) {
      throw new XapiError(
          "OPERATION_NOT_ALLOWED",
          "task " + task.ref + " is past the point where it can be cancelled");
    }
    if (!task.cancelRequested) {
      task.cancelRequested = true;
      task.currentOperations.put(context.session.ref, "cancel");
      context.emit(task, "mod");
      dispatcher.engine.requestCancel(task);
    }
    return "";
  }

  private static Object destroy(CallContext context) {
    SimTask task = context.resolve(XClass.TASK, 0);
    if (task.pending()) {
      task.currentOperations.put(context.session.ref, "destroy");
      context.emit(task, "mod");
      return "";
    }
    context.pool.unregister(task);
    context.emit(task, "del");
    return "";
  }
}
