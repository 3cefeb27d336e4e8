package io.xenmigration.sandbox;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults a test injects into the embedded API's writes of one object's status, as a real API
 * server, its network or a crash can produce them: the write refused with 409, the write applied
 * but its answer lost (the client times out), or the write failing with 500.
 */
public final class StoreFaults {

  /** What happens to a status write. */
  public enum Kind {
    /** Refused with 409 Conflict, as when another writer got there first. */
    CONFLICT,
    /**
     * Applied, but answered only after the client has given up: the writer cannot tell whether its
     * write landed.
     */
    TIMEOUT,
    /** Refused with 500 Internal Server Error. */
    SERVER_ERROR
  }

  /** How long a {@link Kind#TIMEOUT} answer is held back; longer than the clients wait. */
  private volatile Duration answerDelay = Duration.ofSeconds(5);

  private final Map<String, Queue<Kind>> pending = new HashMap<>();
  private final AtomicInteger injected = new AtomicInteger();

  private java.util.Random random;
  private double probability;

  /**
   * Makes every status write fail with this probability, beyond the faults queued for it, with one
   * of the three kinds drawn from the random source (a seeded one replays the same draws).
   */
  public synchronized void failStatusWritesAtRandom(java.util.Random random, double probability) {
    this.random = random;
    this.probability = probability;
  }

  /** Makes the next status writes of an object fail, one fault per write, in order. */
  public synchronized void failNextStatusWrites(
      String namespace, String name, Kind kind, int count) {
    Queue<Kind> queue = pending.computeIfAbsent(namespace + "/" + name, k -> new ArrayDeque<>());
    for (int i = 0; i < count; i++) {
      queue.add(kind);
    }
  }

  /** Makes the next status write of an object fail. */
  public void failNextStatusWrite(String namespace, String name, Kind kind) {
    failNextStatusWrites(namespace, name, kind, 1);
  }

  /** How long a timed-out write's answer is held back. */
  public void answerDelay(Duration delay) {
    this.answerDelay = delay;
  }

  Duration answerDelay() {
    return answerDelay;
  }

  /** How many faults have been injected so far. */
  public int injected() {
    return injected.get();
  }

  /** Forgets the faults not yet injected, and stops failing writes at random. */
  public synchronized void clear() {
    pending.clear();
    random = null;
  }

  /** The fault for this status write, or null; taking it uses it up. */
  synchronized Kind take(String namespace, String name) {
    Queue<Kind> queue = pending.get(namespace + "/" + name);
    Kind kind = queue == null ? null : queue.poll();
    if (kind == null && random != null && random.nextDouble() < probability) {
      kind = Kind.values()[random.nextInt(Kind.values().length)];
    }
    if (kind != null) {
      injected.incrementAndGet();
    }
    return kind;
  }
}
