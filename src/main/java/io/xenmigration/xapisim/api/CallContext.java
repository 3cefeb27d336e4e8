package io.xenmigration.xapisim.api;

import io.xenmigration.xapisim.model.SimPool;
import io.xenmigration.xapisim.model.SimSession;
import io.xenmigration.xapisim.model.SimTask;
import io.xenmigration.xapisim.model.SimWorld;
import io.xenmigration.xapisim.model.XClass;
import io.xenmigration.xapisim.model.XObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One call being answered: the pool it reached, its session, its arguments and its task. */
public final class CallContext {

  final SimPool pool;
  final SimSession session;
  final List<Object> args;
  private final String method;
  private SimTask task;

  CallContext(SimPool pool, SimSession session, String method, List<Object> args, SimTask task) {
    this.pool = pool;
    this.session = session;
    this.method = method;
    this.args = args;
    this.task = task;
  }

  /** The method called, as sent (with {@code Async.} when it was). */
  String method() {
    return method;
  }

  /**
   * Refuses optional arguments the pool's master does not know yet: optional argument {@code i}
   * (after the {@code required} ones) exists from xapi version {@code since[i]} on. An older master
   * answers as its own method table would, with MESSAGE_PARAMETER_COUNT_MISMATCH.
   */
  void allowOptional(int required, String... since) {
    String version = pool.master.xapiVersion;
    int known = required;
    while (known - required < since.length
        && Versions.compare(version, since[known - required]) >= 0) {
      known++;
    }
    if (args.size() > known) {
      throw new XapiError("MESSAGE_PARAMETER_COUNT_MISMATCH", method, known, args.size());
    }
  }

  /** Whether the pool's master runs xapi {@code version} or later. */
  boolean masterAtLeast(String version) {
    return Versions.compare(pool.master.xapiVersion, version) >= 0;
  }

  SimWorld world() {
    return pool.world;
  }

  Instant now() {
    return pool.world.clock.now();
  }

  /** The task the call runs in: the caller's for an Async call, an internal one otherwise. */
  SimTask task() {
    if (task == null) {
      task = pool.register(new SimTask(pool, method, now()));
      task.otherConfig.put("internal", "true");
    }
    return task;
  }

  /** Whether the call runs in the caller's task (an {@code Async.} call). */
  boolean hasOwnTask() {
    return task != null && !task.otherConfig.containsKey("internal");
  }

  SimTask existingTask() {
    return task;
  }

  private static String argument(int index) {
    return "argument " + (index + 1);
  }

  /** Argument {@code index} (the session not counted) as a string. */
  String string(int index) {
    return text(args.get(index), argument(index));
  }

  /** Argument {@code index} as a struct of strings. */
  Map<String, String> stringMap(int index) {
    return strings(args.get(index), argument(index));
  }

  /** Argument {@code index} as an integer (XML-RPC sends int64 values as strings). */
  long number(int index) {
    return number(args.get(index), argument(index));
  }

  /** Argument {@code index} as a boolean. */
  boolean bool(int index) {
    return bool(args.get(index), argument(index));
  }

  /** A value (an argument, or a field of a record argument) as a string. */
  static String text(Object value, String what) {
    if (value instanceof String text) {
      return text;
    }
    throw new XapiError("FIELD_TYPE_ERROR", what);
  }

  /** A value as a struct of strings. */
  static Map<String, String> strings(Object value, String what) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new XapiError("FIELD_TYPE_ERROR", what);
    }
    Map<String, String> strings = new LinkedHashMap<>();
    map.forEach((k, v) -> strings.put(String.valueOf(k), String.valueOf(v)));
    return strings;
  }

  /** A value as an integer: a number, or (as XML-RPC sends int64) a decimal string. */
  static long number(Object value, String what) {
    if (value instanceof Number n) {
      return n.longValue();
    }
    if (value instanceof String text) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        // falls through to the type error
      }
    }
    throw new XapiError("FIELD_TYPE_ERROR", what);
  }

  /** A value as a boolean. */
  static boolean bool(Object value, String what) {
    if (value instanceof Boolean flag) {
      return flag;
    }
    if (value instanceof String text && (text.equals("true") || text.equals("false"))) {
      return Boolean.parseBoolean(text);
    }
    throw new XapiError("FIELD_TYPE_ERROR", what);
  }

  /** The object a ref argument names, in this pool, or HANDLE_INVALID. */
  <T extends XObject> T resolve(XClass xclass, int index) {
    return resolve(pool, xclass, string(index));
  }

  /** The object a ref names in a given pool, or HANDLE_INVALID. */
  static <T extends XObject> T resolve(SimPool pool, XClass xclass, String ref) {
    T object = pool.find(xclass, ref);
    if (object == null) {
      throw new XapiError("HANDLE_INVALID", xclass.wireName(), ref);
    }
    return object;
  }

  /** Records a change for {@code event.from}. */
  void emit(XObject object, String operation) {
    SimPool owner = object instanceof SimPool p ? p : object.pool;
    owner.events.emit(object, operation, now());
  }
}
