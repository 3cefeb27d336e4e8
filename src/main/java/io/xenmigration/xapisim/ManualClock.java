package io.xenmigration.xapisim;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/** A clock that moves only when a test calls {@link #advance}; due actions run in that call. */
public final class ManualClock implements SimClock {

  private record Entry(Instant at, long sequence, Runnable action) {}

  private final PriorityQueue<Entry> queue =
      new PriorityQueue<>(
          (a, b) -> {
            int byTime = a.at.compareTo(b.at);
            return byTime != 0 ? byTime : Long.compare(a.sequence, b.sequence);
          });
  private Instant now;
  private long sequence;

  public ManualClock(Instant start) {
    this.now = start;
  }

  @Override
  public synchronized Instant now() {
    return now;
  }

  @Override
  public synchronized Scheduled schedule(Instant at, Runnable action) {
    Entry entry = new Entry(at, sequence++, action);
    queue.add(entry);
    return () -> {
      synchronized (ManualClock.this) {
        queue.remove(entry);
      }
    };
  }

  /** Moves time forward, running every action that falls due, in time order. */
  public void advance(Duration duration) {
    Instant target;
    synchronized (this) {
      target = now.plus(duration);
    }
    while (true) {
      Entry next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.at.isAfter(target)) {
          now = target;
          return;
        }
        queue.poll();
        if (next.at.isAfter(now)) {
          now = next.at;
        }
      }
      next.action.run();
    }
  }

  /** How many actions wait for a later time. */
  public synchronized int pending() {
    return queue.size();
  }
}
