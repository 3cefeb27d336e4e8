package io.xenmigration.xapisim.engine;

import java.time.Duration;

/**
 * How fast simulated migrations go. Defaults follow a 10 GbE migration network and storage that
 * mirrors at 200 MiB/s.
 */
public final class SimSettings {

  /** Bytes of memory sent per simulated second. */
  public long memoryBandwidth = 1_000_000_000L;

  /** Bytes of disk mirrored per simulated second. */
  public long storageBandwidth = 200L << 20;

  /** Pre-copy ends when fewer dirty bytes than this remain; the rest goes with the VM paused. */
  public long stopCopyThreshold = 64L << 20;

  /** Pre-copy rounds before the last dirty pages are sent anyway. */
  public int maxPrecopyRounds = 30;

  /** Progress after which {@code task.cancel} no longer stops a migration. */
  public double pointOfNoReturn = 0.9;

  /** Progress is reported in steps of this size. */
  public double progressStep = 0.01;

  /** Progress is reported at least this often, even in very long migrations. */
  public Duration maxProgressInterval = Duration.ofSeconds(5);

  /**
   * Storage migrations one host may run at once; xapi refuses more with TOO_MANY_STORAGE_MIGRATES.
   */
  public int maxStorageMigrationsPerHost = 3;

  /**
   * Whether a failed storage migration leaves the VDIs it created on the destination SR (marked
   * with {@code sm_config["base_mirror"]}). xapi normally destroys them itself; a crash or a
   * failing clean-up leaves them, which is what the operator's rollback must cope with, so that is
   * the default here.
   */
  public boolean failedMirrorsLeaveCopies = true;
}
