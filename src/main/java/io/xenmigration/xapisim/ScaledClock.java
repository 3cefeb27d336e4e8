package io.xenmigration.xapisim;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Simulated time that runs {@code scale} times faster than the wall clock: at scale 1000 a
 * 60-second migration takes 60 ms. Actions run on one daemon thread.
 */
public final class ScaledClock implements SimClock {

  private static final Logger LOG = Logger.getLogger(ScaledClock.class.getName());

  private final double scale;
  private final Instant start;
  private final long startNanos;
  private final ScheduledThreadPoolExecutor executor;

  public ScaledClock(double scale) {
    if (!(scale > 0)) {
      throw new IllegalArgumentException("time scale must be positive: " + scale);
    }
    this.scale = scale;
    this.start = Instant.now();
    this.startNanos = System.nanoTime();
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "xapisim-clock");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
  }

  /** How many simulated seconds pass per wall-clock second. */
  public double scale() {
    return scale;
  }

  @Override
  public Instant now() {
    long simulatedNanos = (long) ((System.nanoTime() - startNanos) * scale);
    return start.plusNanos(simulatedNanos);
  }

  @Override
  public Scheduled schedule(Instant at, Runnable action) {
    long simulatedNanos = Math.max(0, Duration.between(now(), at).toNanos());
    long wallNanos = (long) (simulatedNanos / scale);
    Runnable logged =
        () -> {
          try {
            action.run();
          } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "simulator action failed", e);
          }
        };
    var future = executor.schedule(logged, wallNanos, TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
