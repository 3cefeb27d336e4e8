package io.xenmigration.xapisim.api;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Every call the simulator answered, with counters per method, for tests and benchmarks. */
public final class CallLog {

  /**
   * One answered call: when (on the simulator's clock, and on the wall clock when it was taken up),
   * which pool, which method, who called (the originator its session logged in with; empty when it
   * gave none), the error description if it failed, the object it named first after the session (or
   * null), and its answer when that is a reference or a list of them (or null).
   */
  public record Entry(
      Instant time,
      Instant wall,
      String pool,
      String method,
      String caller,
      List<String> error,
      String subject,
      Object answer) {
    /** Whether the call succeeded. */
    public boolean succeeded() {
      return error == null;
    }

    /** The error code, or null after a success. */
    public String errorCode() {
      return error == null ? null : error.get(0);
    }
  }

  private static final int RETAINED = 200_000;

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> transports = new ConcurrentHashMap<>();
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private final List<Hook> hooks = new java.util.concurrent.CopyOnWriteArrayList<>();

  private record Hook(String method, java.util.function.Consumer<Entry> action) {}

  /**
   * Runs an action after each call of a method, once the call has had its effect and before its
   * answer is sent: a test can, say, make the caller's next write fail right after a side effect.
   * The action runs under the simulator's lock, so it must not call the simulator.
   */
  public void onCall(String method, java.util.function.Consumer<Entry> action) {
    hooks.add(new Hook(method, action));
  }

  /** Removes every action added with {@link #onCall}. */
  public void clearHooks() {
    hooks.clear();
  }

  void record(
      Instant time,
      Instant wall,
      String pool,
      String method,
      String caller,
      List<String> error,
      String subject,
      Object answer) {
    Entry entry = new Entry(time, wall, pool, method, caller, error, subject, answer);
    for (Hook hook : hooks) {
      if (hook.method().equals(method)) {
        hook.action().accept(entry);
      }
    }
    counts.computeIfAbsent(method, m -> new LongAdder()).increment();
    synchronized (entries) {
      entries.addLast(entry);
      if (entries.size() > RETAINED) {
        entries.removeFirst();
      }
    }
  }

  /** Counts one request that reached a pool on a transport ({@code xml-rpc}, {@code json-rpc}). */
  public void countTransport(String transport) {
    transports.computeIfAbsent(transport, t -> new LongAdder()).increment();
  }

  /** Requests per transport since the last {@link #clear()}. */
  public Map<String, Long> transports() {
    Map<String, Long> snapshot = new TreeMap<>();
    transports.forEach((transport, adder) -> snapshot.put(transport, adder.sum()));
    return snapshot;
  }

  /** How many times a method was called since the last {@link #clear()}. */
  public long count(String method) {
    LongAdder adder = counts.get(method);
    return adder == null ? 0 : adder.sum();
  }

  /** Calls per method, sorted by method name. */
  public Map<String, Long> counts() {
    Map<String, Long> snapshot = new TreeMap<>();
    counts.forEach((method, adder) -> snapshot.put(method, adder.sum()));
    return snapshot;
  }

  /** Every call in the order answered (the most recent 200,000). */
  public List<Entry> entries() {
    synchronized (entries) {
      return new ArrayList<>(entries);
    }
  }

  /** The most recent call. */
  public Entry last() {
    synchronized (entries) {
      return entries.peekLast();
    }
  }

  /** The total number of calls. */
  public long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Forgets every call. */
  public void clear() {
    counts.clear();
    transports.clear();
    synchronized (entries) {
      entries.clear();
    }
  }
}
