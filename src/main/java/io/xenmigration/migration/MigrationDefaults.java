package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.MigrationTimeouts;
import io.xenmigration.api.v1alpha1.PoolLimits;
import io.xenmigration.api.v1alpha1.StorageMigrationPolicy;
import java.time.Duration;

/** The values a spec leaves out, in one place; the CRD's schema defaults say the same. */
public final class MigrationDefaults {

  /** Completion budget per GiB of memory and of disk to copy. */
  static final Duration PER_GIB = Duration.ofSeconds(150);

  /** The shortest completion budget. */
  static final Duration MIN_COMPLETION = Duration.ofSeconds(300);

  private static final long GIB = 1L << 30;

  private MigrationDefaults() {}

  /**
   * The longest a migration may run: {@code spec.timeouts.completionSeconds}, or 150 s per GiB of
   * memory plus disks to copy, and never less than 300 s.
   */
  public static Duration completionTimeout(
      LiveMigrationSpec spec, long memoryBytes, long diskBytesToCopy) {
    MigrationTimeouts timeouts = spec.getTimeouts();
    if (timeouts != null && timeouts.getCompletionSeconds() != null) {
      return Duration.ofSeconds(timeouts.getCompletionSeconds());
    }
    double gib = (memoryBytes + diskBytesToCopy) / (double) GIB;
    Duration computed = Duration.ofMillis((long) Math.ceil(gib * PER_GIB.toMillis()));
    return computed.compareTo(MIN_COMPLETION) < 0 ? MIN_COMPLETION : computed;
  }

  /** The longest a migration may go without progress. */
  public static Duration progressTimeout(LiveMigrationSpec spec) {
    MigrationTimeouts timeouts = spec.getTimeouts();
    int seconds =
        timeouts == null || timeouts.getProgressSeconds() == null
            ? MigrationTimeouts.DEFAULT_PROGRESS_SECONDS
            : timeouts.getProgressSeconds();
    return Duration.ofSeconds(seconds);
  }

  public static int maxAttempts(LiveMigrationSpec spec) {
    return spec.getMaxAttempts() == null
        ? LiveMigrationSpec.DEFAULT_MAX_ATTEMPTS
        : spec.getMaxAttempts();
  }

  public static int priority(LiveMigrationSpec spec) {
    return spec.getPriority() == null ? 0 : spec.getPriority();
  }

  public static StorageMigrationPolicy storagePolicy(LiveMigrationSpec spec) {
    return spec.getStorageMigration() == null
        ? StorageMigrationPolicy.Auto
        : spec.getStorageMigration();
  }

  /** Whether the migration only plans (spec.dryRun). */
  public static boolean dryRun(LiveMigrationSpec spec) {
    return Boolean.TRUE.equals(spec.getDryRun());
  }

  public static boolean cancelled(LiveMigrationSpec spec) {
    return Boolean.TRUE.equals(spec.getCancel());
  }

  /** The pool's limits with defaults filled in. */
  public static PoolLimits limits(PoolLimits given) {
    PoolLimits limits = new PoolLimits();
    limits.setMaxParallelMigrations(
        given == null || given.getMaxParallelMigrations() == null
            ? PoolLimits.DEFAULT_MAX_PARALLEL_MIGRATIONS
            : given.getMaxParallelMigrations());
    limits.setMaxParallelPerHost(
        given == null || given.getMaxParallelPerHost() == null
            ? PoolLimits.DEFAULT_MAX_PARALLEL_PER_HOST
            : given.getMaxParallelPerHost());
    limits.setMaxInboundPerHost(
        given == null || given.getMaxInboundPerHost() == null
            ? PoolLimits.DEFAULT_MAX_INBOUND_PER_HOST
            : given.getMaxInboundPerHost());
    limits.setMaxStorageMigrationsPerHost(
        given == null || given.getMaxStorageMigrationsPerHost() == null
            ? PoolLimits.XAPI_MAX_STORAGE_MIGRATIONS_PER_HOST
            : given.getMaxStorageMigrationsPerHost());
    return limits;
  }
}
