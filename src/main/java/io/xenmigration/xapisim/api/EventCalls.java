package io.xenmigration.xapisim.api;

import io.xenmigration.xapisim.SimClock;
import io.xenmigration.xapisim.model.EventLog;
import io.xenmigration.xapisim.model.SimPool;
import io.xenmigration.xapisim.model.SimWorld;
import io.xenmigration.xapisim.model.XClass;
import io.xenmigration.xapisim.model.XObject;
import io.xenmigration.xapisim.wire.XmlRpc;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * {@code event.from}: the changes after a token, or a wait (without a thread) until one happens or
 * the timeout passes.
 */
final class EventCalls {

  private EventCalls() {}

  static void register(Dispatcher dispatcher) {
    dispatcher.add("event.from", 3, 0, false, EventCalls::from);
  }

  private static Object from(CallContext context) {
    SimPool pool = context.pool;
    Predicate<EventLog.Event> filter = filter(context.args.get(0));
    String token = context.string(1);
    double timeoutSeconds = seconds(context.args.get(2));
    if (token.isEmpty()) {
      return initialState(pool, filter);
    }
    long after;
    try {
      after = Long.parseLong(token);
    } catch (NumberFormatException e) {
      throw new XapiError("EVENT_FROM_TOKEN_PARSE_FAILURE", token);
    }
    if (!pool.events.retains(after)) {
      throw new XapiError("EVENTS_LOST");
    }
    List<EventLog.Event> events = pool.events.since(after, filter);
    if (!events.isEmpty() || timeoutSeconds <= 0) {
      return batch(pool, events);
    }
    return waitForEvents(pool, after, filter, timeoutSeconds);
  }

  /** Parks the call until a matching event or the timeout; no thread waits meanwhile. */
  private static CompletableFuture<Object> waitForEvents(
      SimPool pool, long after, Predicate<EventLog.Event> filter, double timeoutSeconds) {
    SimWorld world = pool.world;
    CompletableFuture<Object> answer = new CompletableFuture<>();
    SimClock.Scheduled[] timeout = new SimClock.Scheduled[1];
    Runnable[] listener = new Runnable[1];
    listener[0] =
        () -> {
          List<EventLog.Event> events = pool.events.since(after, filter);
          if (events.isEmpty()) {
            pool.events.onNextEvent(listener[0]); // not ours: keep waiting
            return;
          }
          timeout[0].cancel();
          answer.complete(batch(pool, events));
        };
    pool.events.onNextEvent(listener[0]);
    Instant deadline = world.clock.now().plus(Duration.ofNanos((long) (timeoutSeconds * 1e9)));
    timeout[0] =
        world.clock.schedule(
            deadline,
            () -> {
              synchronized (world) {
                pool.events.removeListener(listener[0]);
                answer.complete(batch(pool, List.of()));
              }
            });
    return answer;
  }

  /** What an empty token returns: every object of the classes asked for, as {@code add}. */
  private static Object initialState(SimPool pool, Predicate<EventLog.Event> filter) {
    List<EventLog.Event> events = new ArrayList<>();
    Instant now = pool.world.clock.now();
    for (XClass xclass : XClass.values()) {
      if (xclass == XClass.SESSION) {
        continue;
      }
      for (XObject object : pool.<XObject>all(xclass)) {
        EventLog.Event event =
            new EventLog.Event(
                pool.events.lastId(), now, xclass, "add", object.ref, object.uuid, object.record());
        if (filter.test(event)) {
          events.add(event);
        }
      }
    }
    return batch(pool, events);
  }

  /**
   * The changes of one object since the token as one event with its latest snapshot, as xapi
   * answers from its objects' modification counters: {@code add} if it was created meanwhile,
   * {@code del} if it went, else {@code mod}; in the order of each object's last change.
   */
  static List<EventLog.Event> coalesced(List<EventLog.Event> events) {
    Map<String, EventLog.Event> latest = new LinkedHashMap<>();
    for (EventLog.Event event : events) {
      EventLog.Event before = latest.remove(event.ref());
      boolean created = before != null && before.operation().equals("add");
      latest.put(
          event.ref(),
          created && event.operation().equals("mod")
              ? new EventLog.Event(
                  event.id(),
                  event.timestamp(),
                  event.xclass(),
                  "add",
                  event.ref(),
                  event.uuid(),
                  event.snapshot())
              : event);
    }
    return List.copyOf(latest.values());
  }

  private static Map<String, Object> batch(SimPool pool, List<EventLog.Event> changes) {
    List<EventLog.Event> events = coalesced(changes);
    List<Object> records = new ArrayList<>(events.size());
    for (EventLog.Event event : events) {
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("id", event.id());
      record.put(
          "timestamp",
          String.format(
              Locale.ROOT,
              "%d.%03d",
              event.timestamp().getEpochSecond(),
              event.timestamp().getNano() / 1_000_000));
      record.put("class", event.xclass().eventName());
      record.put("operation", event.operation());
      record.put("ref", event.ref());
      record.put("obj_uuid", event.uuid());
      record.put("snapshot", event.snapshot());
      records.add(record);
    }
    Map<String, Object> counts = new LinkedHashMap<>();
    for (XClass xclass : XClass.values()) {
      if (xclass != XClass.SESSION) {
        counts.put(xclass.eventName(), new XmlRpc.I4(pool.count(xclass)));
      }
    }
    Map<String, Object> batch = new LinkedHashMap<>();
    batch.put("events", records);
    batch.put("valid_ref_counts", counts);
    batch.put("token", Long.toString(pool.events.lastId()));
    return batch;
  }

  /** {@code "*"}, a class such as {@code "vm"}, or one object as {@code "vm/OpaqueRef:..."}. */
  private static Predicate<EventLog.Event> filter(Object classesArgument) {
    if (!(classesArgument instanceof List<?> classes)) {
      throw new XapiError("FIELD_TYPE_ERROR", "classes");
    }
    List<Predicate<EventLog.Event>> parts = new ArrayList<>();
    for (Object item : classes) {
      String spec = String.valueOf(item).toLowerCase(Locale.ROOT);
      if (spec.equals("*")) {
        parts.add(e -> true);
        continue;
      }
      int slash = spec.indexOf('/');
      String name = slash < 0 ? spec : spec.substring(0, slash);
      XClass xclass = XClass.ofEventName(name);
      if (xclass == null) {
        continue; // xapi ignores classes it does not know
      }
      if (slash < 0) {
        parts.add(e -> e.xclass() == xclass);
      } else {
        String ref = String.valueOf(item).substring(slash + 1);
        parts.add(e -> e.xclass() == xclass && e.ref().equals(ref));
      }
    }
    return e -> parts.stream().anyMatch(p -> p.test(e));
  }

  private static double seconds(Object value) {
    if (value instanceof Number number) {
      return number.doubleValue();
    }
    try {
      return Double.parseDouble(String.valueOf(value));
    } catch (NumberFormatException e) {
      throw new XapiError("FIELD_TYPE_ERROR", "timeout");
    }
  }
}
