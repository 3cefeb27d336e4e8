package io.xenmigration.xen;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * Counts the XenAPI calls each driver operation makes, so tests and benchmarks can hold the driver
 * to a budget: a regression that reads the same record twice shows up as a number.
 */
public final class CallMeter {

  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();
  private final Map<String, LongAdder> byOperation = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> byMethod = new ConcurrentHashMap<>();
  private final BiConsumer<String, String> listener;

  /** A meter that only counts. */
  public CallMeter() {
    this((operation, method) -> {});
  }

  /** A meter that also tells a listener (operation, method) of every call, such as metrics. */
  public CallMeter(BiConsumer<String, String> listener) {
    this.listener = listener;
  }

  /** Marks the calls made on this thread until the scope closes as part of an operation. */
  public Scope operation(String name) {
    String outer = CURRENT.get();
    CURRENT.set(name);
    return () -> CURRENT.set(outer);
  }

  /** Closing a scope ends the operation it started. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  void count(String method) {
    String operation = CURRENT.get() == null ? "other" : CURRENT.get();
    byOperation.computeIfAbsent(operation, o -> new LongAdder()).increment();
    byMethod.computeIfAbsent(method, m -> new LongAdder()).increment();
    listener.accept(operation, method);
  }

  /** Calls made per operation, sorted by name. */
  public Map<String, Long> byOperation() {
    return snapshot(byOperation);
  }

  /** Calls made per XenAPI method, sorted by name. */
  public Map<String, Long> byMethod() {
    return snapshot(byMethod);
  }

  /** Calls made by one operation. */
  public long calls(String operation) {
    LongAdder adder = byOperation.get(operation);
    return adder == null ? 0 : adder.sum();
  }

  /** Forgets every count. */
  public void reset() {
    byOperation.clear();
    byMethod.clear();
  }

  private static Map<String, Long> snapshot(Map<String, LongAdder> counts) {
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }
}
