package io.xenmigration.xapisim;

import java.time.Instant;

/**
 * The simulator's time. Migrations, progress and long polls are scheduled on it, so a test can step
 * it by hand and the sandbox can run it faster than the wall clock, with every ratio kept.
 */
public interface SimClock {

  /** The current simulated time. */
  Instant now();

  /**
   * Runs an action once the simulated time reaches {@code at}; an instant in the past runs at the
   * next opportunity. Actions run one at a time, never on the caller's thread.
   */
  Scheduled schedule(Instant at, Runnable action);

  /** Stops running scheduled actions and releases any thread. */
  default void close() {}

  /** A scheduled action that may still be called off. */
  interface Scheduled {
    /** Calls the action off if it has not run. */
    void cancel();
  }
}
