package io.xenmigration.xapisim.model;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The pool's event stream for {@code event.from}: numbered changes with a record snapshot. */
public final class EventLog {

  /**
   * How many events are kept by default: what {@code event.next} can still deliver (EVENTS_LOST
   * past it) and {@code event.from} can answer change by change (past it, with every object).
   */
  static final int RETAINED = 100_000;

  private int capacity = RETAINED;

  /** One change to one object. */
  public record Event(
      long id,
      Instant timestamp,
      XClass xclass,
      String operation,
      String ref,
      String uuid,
      Map<String, Object> snapshot) {}

  private final ArrayDeque<Event> events = new ArrayDeque<>();
  private final List<Runnable> listeners = new ArrayList<>();
  private long lastId;

  /** The id of the newest event; the token that means "nothing seen after now". */
  public long lastId() {
    return lastId;
  }

  /** Records a change; operation is {@code add}, {@code mod} or {@code del}. */
  public void emit(XObject object, String operation, Instant now) {
    lastId++;
    events.addLast(
        new Event(
            lastId,
            now,
            object.xclass(),
            operation,
            object.ref,
            object.uuid,
            frozen(object.record())));
    while (events.size() > capacity) {
      events.removeFirst();
    }
    wake();
  }

  /**
   * Runs every listener once, as at an event: the listeners of calls waiting for events look again
   * (a session gone ends them). One that fails does not keep the others from running.
   */
  public void wake() {
    List<Runnable> notify = new ArrayList<>(listeners);
    listeners.clear();
    for (Runnable listener : notify) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        // A waiter's own failure is its own; the other waiters still hear of the change.
      }
    }
  }

  /** Keeps at most this many events from now on (tests lose events with a small number). */
  public void setCapacity(int events) {
    capacity = Math.max(1, events);
  }

  /**
   * A record as it is now: records hold the objects' live maps and lists, which later changes would
   * otherwise show through an older event.
   */
  @SuppressWarnings("unchecked")
  static <T> T frozen(T value) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new java.util.LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(k, frozen(v)));
      return (T) java.util.Collections.unmodifiableMap(copy);
    }
    if (value instanceof java.util.Collection<?> items) {
      List<Object> copy = new ArrayList<>(items.size());
      items.forEach(item -> copy.add(frozen(item)));
      return (T) java.util.Collections.unmodifiableList(copy);
    }
    return value;
  }

  /** Whether events after this id are still all retained. */
  public boolean retains(long afterId) {
    return events.isEmpty() || events.peekFirst().id() <= afterId + 1;
  }

  /** The retained events after an id that match a filter, oldest first. */
  public List<Event> since(long afterId, Predicate<Event> filter) {
    List<Event> result = new ArrayList<>();
    for (var it = events.descendingIterator(); it.hasNext(); ) {
      Event event = it.next();
      if (event.id() <= afterId) {
        break;
      }
      if (filter.test(event)) {
        result.add(0, event);
      }
    }
    return result;
  }

  /** Runs the listener once, at the next event. */
  public void onNextEvent(Runnable listener) {
    listeners.add(listener);
  }

  /** How many listeners wait for the next event: calls parked until something changes. */
  public int waiting() {
    return listeners.size();
  }

  /** Forgets a listener that has not run yet. */
  public void removeListener(Runnable listener) {
    listeners.remove(listener);
  }
}
