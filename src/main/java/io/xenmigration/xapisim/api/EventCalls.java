package io.xenmigration.xapisim.api;

import io.xenmigration.xapisim.SimClock;
import io.xenmigration.xapisim.model.EventLog;
import io.xenmigration.xapisim.model.SimPool;
import io.xenmigration.xapisim.model.SimSession;
import io.xenmigration.xapisim.model.SimWorld;
import io.xenmigration.xapisim.model.XClass;
import io.xenmigration.xapisim.model.XObject;
import io.xenmigration.xapisim.wire.XmlRpc;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Events as xapi serves them ({@code xapi_event.ml}): {@code event.from} (the changes after a
 * token, or a wait without a thread until one happens or the timeout passes), {@code event.inject}
 * and the legacy per-session {@code event.register}/{@code unregister}/{@code next}.
 */
final class EventCalls {

  private EventCalls() {}

  static void register(Dispatcher dispatcher) {
    dispatcher.add("event.from", 3, 0, false, EventCalls::from);
    dispatcher.add("event.inject", 2, 0, false, EventCalls::inject);
    dispatcher.add("event.register", 1, 0, false, c -> subscribe(c, true));
    dispatcher.add("event.unregister", 1, 0, false, c -> subscribe(c, false));
    dispatcher.add("event.next", 0, 0, false, EventCalls::next);
    dispatcher.add("event.get_current_id", 0, 0, false, c -> c.pool.events.lastId());
  }

  /** xapi's token: the database generation and the message generation, zero-padded. */
  static String token(long generation) {
    return String.format(Locale.ROOT, "%020d,%020d", generation, 0);
  }

  private static long generation(String token) {
    int comma = token.indexOf(',');
    try {
      long generation = Long.parseLong(comma < 0 ? token : token.substring(0, comma));
      if (comma >= 0) {
        Long.parseLong(token.substring(comma + 1));
      }
      return generation;
    } catch (NumberFormatException e) {
      throw new XapiError("EVENT_FROM_TOKEN_PARSE_FAILURE", token);
    }
  }

  /**
   * Touches an object so that it shows as a {@code mod}, and returns the token just before that
   * change: {@code event.from} with it sees the change. The class is the exact name of the object's
   * table, as xapi requires ("VM", not "vm").
   */
  private static Object inject(CallContext context) {
    String className = context.string(0);
    String ref = context.string(1);
    XClass xclass = XClass.ofWireName(className);
    XObject object = xclass == null ? null : context.pool.find(xclass, ref);
    if (object == null) {
      throw new XapiError("HANDLE_INVALID", className, ref);
    }
    context.emit(object, "mod");
    return token(context.pool.events.lastId() - 1);
  }

  /**
   * Adds classes to (or removes them from) the session's legacy subscription. The first call starts
   * the session's queue at the present, as xapi's subscription record does.
   */
  private static Object subscribe(CallContext context, boolean add) {
    if (!(context.args.get(0) instanceof List<?> classes)) {
      throw new XapiError("FIELD_TYPE_ERROR", "classes");
    }
    SimSession session = context.session;
    if (session.legacyClasses == null) {
      session.legacyClasses = new LinkedHashSet<>();
      session.legacyCursor = context.pool.events.lastId();
    }
    for (Object name : classes) {
      String spec = String.valueOf(name).toLowerCase(Locale.ROOT);
      if (add) {
        session.legacyClasses.add(spec);
      } else {
        session.legacyClasses.remove(spec);
      }
    }
    return "";
  }

  /**
   * The events for the session's subscription since its last {@code event.next}, each change on its
   * own (not coalesced), waiting without a timeout until there is one; EVENTS_LOST when some were
   * dropped from the queue meanwhile.
   */
  private static Object next(CallContext context) {
    SimSession session = context.session;
    if (session.legacyClasses == null) {
      throw new XapiError(
          "SESSION_NOT_REGISTERED", "trackid=" + Integer.toHexString(session.uuid.hashCode()));
    }
    SimPool pool = context.pool;
    Object ready = legacyBatch(pool, session);
    if (ready != null) {
      return ready;
    }
    return park(pool, session, () -> legacyBatch(pool, session), null);
  }

  /**
   * Parks a call until {@code ready} has an answer (null: not yet), the session goes
   * (SESSION_INVALID, as xapi answers a waiter whose session is destroyed), or the deadline (null:
   * none) passes, when {@code ready}'s empty answer comes from {@code atDeadline}. No thread waits
   * meanwhile; a caller that goes away cancels the future, which forgets its listener and timer.
   */
  private static CompletableFuture<Object> park(
      SimPool pool,
      SimSession session,
      java.util.function.Supplier<Object> ready,
      Deadline deadline) {
    SimWorld world = pool.world;
    CompletableFuture<Object> answer = new CompletableFuture<>();
    Runnable[] listener = new Runnable[1];
    listener[0] =
        () -> {
          if (answer.isDone()) {
            return;
          }
          if (!session.valid) {
            answer.completeExceptionally(new XapiError("SESSION_INVALID", session.ref));
            return;
          }
          try {
            Object batch = ready.get();
            if (batch == null) {
              pool.events.onNextEvent(listener[0]);
            } else {
              answer.complete(batch);
            }
          } catch (XapiError e) {
            answer.completeExceptionally(e);
          }
        };
    pool.events.onNextEvent(listener[0]);
    SimClock.Scheduled timer =
        deadline == null
            ? null
            : world.clock.schedule(
                deadline.at(),
                () -> {
                  synchronized (world) {
                    answer.complete(deadline.answer().get());
                  }
                });
    answer.whenComplete(
        (value, error) -> {
          synchronized (world) {
            pool.events.removeListener(listener[0]);
          }
          if (timer != null) {
            timer.cancel();
          }
        });
    return answer;
  }

  /** When a parked call gives up, and what it answers then. */
  private record Deadline(Instant at, java.util.function.Supplier<Object> answer) {}

  /** The session's pending legacy events, or null when there are none yet. */
  private static Object legacyBatch(SimPool pool, SimSession session) {
    // The subscription as it is now: classes registered while a call waits count at once.
    Predicate<EventLog.Event> filter = filter(List.copyOf(session.legacyClasses));
    if (!pool.events.retains(session.legacyCursor)) {
      session.legacyCursor = pool.events.lastId();
      throw new XapiError("EVENTS_LOST");
    }
    List<EventLog.Event> events = pool.events.since(session.legacyCursor, filter);
    session.legacyCursor = pool.events.lastId();
    if (events.isEmpty()) {
      return null;
    }
    List<Object> records = new ArrayList<>(events.size());
    for (EventLog.Event event : events) {
      records.add(eventRecord(event));
    }
    return records;
  }

  private static Object from(CallContext context) {
    SimPool pool = context.pool;
    Predicate<EventLog.Event> filter = filter(context.args.get(0));
    String token = context.string(1);
    double timeoutSeconds = seconds(context.args.get(2));
    if (token.isEmpty()) {
      return initialState(pool, filter, "add");
    }
    long after = generation(token);
    if (!pool.events.retains(after)) {
      // xapi answers an old token from its objects' modification counters: every object changed
      // since then, deletions past the ones it keeps lost. Every object is a superset of that.
      return initialState(pool, filter, "mod");
    }
    List<EventLog.Event> events = pool.events.since(after, filter);
    if (!events.isEmpty() || timeoutSeconds <= 0) {
      return batch(pool, events);
    }
    Instant deadline = pool.world.clock.now().plus(Duration.ofNanos((long) (timeoutSeconds * 1e9)));
    return park(
        pool,
        context.session,
        () -> {
          List<EventLog.Event> changes = pool.events.since(after, filter);
          return changes.isEmpty() ? null : batch(pool, changes);
        },
        new Deadline(deadline, () -> batch(pool, List.of())));
  }

  /** Every object of the classes asked for, as {@code add} for an empty token. */
  private static Object initialState(
      SimPool pool, Predicate<EventLog.Event> filter, String operation) {
    List<EventLog.Event> events = new ArrayList<>();
    Instant now = pool.world.clock.now();
    for (XClass xclass : XClass.values()) {
      if (xclass == XClass.SESSION) {
        continue;
      }
      for (XObject object : pool.<XObject>all(xclass)) {
        EventLog.Event event =
            new EventLog.Event(
                pool.events.lastId(),
                now,
                xclass,
                operation,
                object.ref,
                object.uuid,
                object.record());
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
      records.add(eventRecord(event));
    }
    // Every table, sessions included, as xapi folds over its whole database.
    Map<String, Object> counts = new LinkedHashMap<>();
    for (XClass xclass : XClass.values()) {
      counts.put(xclass.eventName(), new XmlRpc.I4(pool.count(xclass)));
    }
    Map<String, Object> batch = new LinkedHashMap<>();
    batch.put("events", records);
    batch.put("valid_ref_counts", counts);
    batch.put("token", token(pool.events.lastId()));
    return batch;
  }

  /** One event as xapi sends it; the id is a string, as xapi's event records have it. */
  private static Map<String, Object> eventRecord(EventLog.Event event) {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("id", Long.toString(event.id()));
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
    return record;
  }

  /** {@code "*"}, a class such as {@code "vm"}, or one object as {@code "vm/OpaqueRef:..."}. */
  static Predicate<EventLog.Event> filter(Object classesArgument) {
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
