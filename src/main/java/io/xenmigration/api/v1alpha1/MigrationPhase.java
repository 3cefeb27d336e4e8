package io.xenmigration.api.v1alpha1;

/** Where a {@link LiveMigration} is in its life; the phase shown by {@code kubectl get lm}. */
public enum MigrationPhase {
  /** Accepted and waiting for the pool, the VM or a migration slot to be free. */
  Queued,
  /** Choosing a destination host and running XenAPI's pre-checks against it. */
  Preparing,
  /** The XenAPI migration task is running; {@code status.progress} rises. */
  Running,
  /** The VM runs on the destination host. Terminal. */
  Completed,
  /** The migration failed or was cancelled after it started; the operator is undoing it. */
  RollingBack,
  /** The migration did not happen and the VM stayed where it was; the reason says why. Terminal. */
  Failed,
  /**
   * Cancelled through {@code spec.cancel} before completing; the VM stayed where it was. Terminal.
   */
  Cancelled
}
