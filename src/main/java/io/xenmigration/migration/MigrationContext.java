package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.XenPool;
import java.time.Instant;
import java.util.List;

/**
 * What a phase handler sees: the migration, its pools as the cluster has them, the other migrations
 * of the namespace, and the time.
 *
 * @param migration the LiveMigration
 * @param sourcePool its spec.pool, or null when there is no such XenPool
 * @param destinationPool its spec.destinationPool, or null (same pool, or missing)
 * @param others every other LiveMigration in the namespace
 * @param now the time of this reconcile
 */
public record MigrationContext(
    LiveMigration migration,
    XenPool sourcePool,
    XenPool destinationPool,
    List<LiveMigration> others,
    Instant now) {

  /** namespace/name, the key of this migration in slots and reservations. */
  public String key() {
    return migration.getMetadata().getNamespace() + "/" + migration.getMetadata().getName();
  }

  /** namespace/name of a pool named in this migration's namespace. */
  public String poolKey(String pool) {
    return migration.getMetadata().getNamespace() + "/" + pool;
  }

  public LiveMigrationStatus status() {
    return migration.getStatus();
  }

  /** Whether the spec asks for the migration to stop. */
  public boolean cancelRequested() {
    return MigrationDefaults.cancelled(migration.getSpec());
  }
}
