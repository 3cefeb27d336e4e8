package io.xenmigration.xapisim.model;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The pool's event stream for {@code event.from}: numbered changes with a record snapshot. */
public final class EventLog {

  /** How many events are kept; a token older than that gets EVENTS_LOST, as in xapi. */
  static final int RETAINED = 100_000;

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
            lastId, now, object.xclass(), operation, object.ref, object.uuid, object.record()));
    if (events.size() > RETAINED) {
      events.removeFirst();
    }
    List<Runnable> notify = new ArrayList<>(listeners);
    listeners.clear();
    notify.forEach(Runnable::run);
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

  /** Forgets a listener that has not run yet. */
  public void removeListener(Runnable listener) {
    listeners.remove(listener);
  }
}
