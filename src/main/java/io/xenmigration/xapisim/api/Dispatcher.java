package io.xenmigration.xapisim.api;

import io.xenmigration.xapisim.engine.Faults;
import io.xenmigration.xapisim.engine.MigrationEngine;
import io.xenmigration.xapisim.model.SimPool;
import io.xenmigration.xapisim.model.SimSession;
import io.xenmigration.xapisim.model.SimTask;
import io.xenmigration.xapisim.model.XClass;
import io.xenmigration.xapisim.wire.RpcCall;
import io.xenmigration.xapisim.wire.XmlRpc;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Routes a call to its handler after xapi's generic checks, in xapi's order: unknown method,
 * parameter count, session, then the handler (whose first act is resolving its refs).
 */
public final class Dispatcher {

  /** A call's handler; it returns a value, or a future for work that finishes later. */
  @FunctionalInterface
  interface Handler {
    Object call(CallContext context);
  }

  /** A method: its required and optional argument counts (the session not counted). */
  record Method(
      String name, int required, int optional, boolean session, boolean async, Handler handler) {}

  private final Map<String, Method> methods = new HashMap<>();
  private final Faults faults;
  private final CallLog calls;
  final MigrationEngine engine;

  public Dispatcher(MigrationEngine engine, Faults faults, CallLog calls) {
    this.engine = engine;
    this.faults = faults;
    this.calls = calls;
    ObjectCalls.register(this);
    SessionCalls.register(this);
    HostCalls.register(this);
    VmCalls.register(this);
    TaskCalls.register(this);
    VdiCalls.register(this);
    EventCalls.register(this);
    // Clients such as Xen Orchestra's discover the classes this way. xapi matches the name before
    // anything else, so any parameters (a session or none) are taken and ignored.
    addWithoutSession("system.listMethods", 0, Integer.MAX_VALUE, context -> methodNames());
  }

  void add(String name, int required, int optional, boolean async, Handler handler) {
    methods.put(name, new Method(name, required, optional, true, async, handler));
  }

  void addWithoutSession(String name, int required, int optional, Handler handler) {
    methods.put(name, new Method(name, required, optional, false, false, handler));
  }

  /** The log every call is recorded in. */
  public CallLog calls() {
    return calls;
  }

  /**
   * Every method name served, sorted: what {@code system.listMethods} answers. As xapi's generated
   * list, it names the synchronous forms only; {@code Async.} ones are not listed.
   */
  public List<String> methodNames() {
    return methods.keySet().stream().sorted().toList();
  }

  /**
   * Answers one call; the caller holds the world's lock. Returns the value, or a future that
   * completes with it; throws {@link XapiError} for a failure.
   */
  public Object dispatch(SimPool pool, RpcCall call) {
    Instant wall = Instant.now();
    List<String> error = null;
    Object answer = null;
    try {
      answer = answer(pool, call);
      return answer;
    } catch (XapiError e) {
      error = e.description();
      throw e;
    } finally {
      calls.record(
          pool.world.clock.now(),
          wall,
          pool.nameLabel,
          call.method(),
          caller(pool, call, answer),
          error,
          call.params().size() > 1 && call.params().get(1) instanceof String named ? named : null,
          answer instanceof String || answer instanceof List ? answer : null);
    }
  }

  /**
   * Who made a call: the originator its session logged in with. A login names it itself; a
   * session's originator is remembered past its logout, so the logout is told apart too.
   */
  private String caller(SimPool pool, RpcCall call, Object answer) {
    List<Object> params = call.params();
    if (call.method().equals("session.login_with_password")) {
      String originator = params.size() > 3 ? String.valueOf(params.get(3)) : "";
      if (answer instanceof String session) {
        synchronized (originators) {
          originators.put(session, originator);
        }
      }
      return originator;
    }
    if (params.isEmpty() || !(params.get(0) instanceof String session)) {
      return "";
    }
    synchronized (originators) {
      return originators.getOrDefault(session, "");
    }
  }

  /** The originator of each session, the most recent ones: enough for any test's history. */
  private final Map<String, String> originators =
      new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > 100_000;
        }
      };

  private Object answer(SimPool pool, RpcCall call) {
    String name = call.method();
    boolean async = name.startsWith("Async.");
    Method method = methods.get(async ? name.substring("Async.".length()) : name);
    if (method == null || (async && !method.async)) {
      // xapi tries an unknown name with parameters as a host extension, which checks the first
      // parameter as a session before finding there is no such extension.
      if (!call.params().isEmpty()) {
        validSession(pool, call.params().get(0));
      }
      throw new XapiError("MESSAGE_METHOD_UNKNOWN", name);
    }
    faults.checkCall(name);
    List<Object> params = call.params();
    int given = params.size() - (method.session ? 1 : 0);
    if (given < method.required || given > method.required + method.optional) {
      int expected = given < method.required ? method.required : method.required + method.optional;
      throw new XapiError("MESSAGE_PARAMETER_COUNT_MISMATCH", name, expected, Math.max(given, 0));
    }
    SimSession session = method.session ? validSession(pool, params.get(0)) : null;
    List<Object> args = params.subList(method.session ? 1 : 0, params.size());
    if (!async) {
      CallContext context = new CallContext(pool, session, name, args, null);
      Object result = method.handler.call(context);
      return forgetInternalTask(context, result);
    }
    SimTask task = pool.register(new SimTask(pool, name, pool.world.clock.now()));
    CallContext context = new CallContext(pool, session, name, args, task);
    context.emit(task, "add");
    try {
      Object result = method.handler.call(context);
      if (result instanceof CompletableFuture<?>) {
        return task.ref; // the work (a migration) finishes the task itself
      }
      finish(context, task, result, null);
    } catch (XapiError e) {
      finish(context, task, null, e);
    }
    return task.ref;
  }

  private static SimSession validSession(SimPool pool, Object ref) {
    SimSession session = ref instanceof String text ? pool.find(XClass.SESSION, text) : null;
    if (session == null || !session.valid) {
      throw new XapiError("SESSION_INVALID", String.valueOf(ref));
    }
    return session;
  }

  /** A synchronous call's internal task disappears once the call has its answer. */
  private static Object forgetInternalTask(CallContext context, Object result) {
    SimTask internal = context.existingTask();
    if (internal == null) {
      return result;
    }
    if (result instanceof CompletableFuture<?> future) {
      return future.whenComplete((value, error) -> internal.pool.unregister(internal));
    }
    internal.pool.unregister(internal);
    return result;
  }

  static void finish(CallContext context, SimTask task, Object result, XapiError error) {
    task.progress = 1.0;
    task.finished = context.now();
    task.cancellable = false;
    if (error == null) {
      task.status = "success";
      task.result = result == null || "".equals(result) ? "" : XmlRpc.valueText(result);
    } else {
      task.status = "failure";
      task.errorInfo = new java.util.ArrayList<>(error.description());
    }
    context.emit(task, "mod");
  }
}
