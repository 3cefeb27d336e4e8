package io.xenmigration.api.v1alpha1;

/** How trying one destination host ended. */
public enum AttemptOutcome {
  /** The VM now runs on this host. */
  Succeeded,
  /** XenAPI's pre-check refused the host before anything moved; the next candidate is tried. */
  PreCheckFailed,
  /** The migration task failed on this host and was rolled back. */
  Failed,
  /** The migration made no progress, or took too long, and was aborted. */
  TimedOut,
  /** The user cancelled the migration while this host was being tried. */
  Cancelled,
  /**
   * The operator could not tell whether its start reached the pool (the answer was lost and no task
   * carrying the attempt's mark exists); the VM did not move, and nothing is started again.
   */
  Unconfirmed
}
