package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationAttempt;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.xen.TaskTag;
import java.time.Instant;
import java.util.List;

/**
 * What a phase handler sees: the migration, its pools as the cluster has them, every migration and
 * pool the operator knows (for the limits), whether it is being deleted, and the time.
 *
 * @param migration the LiveMigration
 * @param sourcePool its spec.pool, or null when there is no such XenPool
 * @param destinationPool its spec.destinationPool, or null (same pool, or missing)
 * @param migrations the LiveMigrations in the operator's cache, this one among them
 * @param pools every XenPool, by the pool it describes
 * @param deleting whether the LiveMigration is being deleted (which cancels it)
 * @param now the time of this reconcile
 * @param maintenance the hosts HostMaintenances hold, never destinations
 */
public record MigrationContext(
    LiveMigration migration,
    XenPool sourcePool,
    XenPool destinationPool,
    MigrationView migrations,
    PoolIndex pools,
    boolean deleting,
    Instant now,
    HostsInMaintenance maintenance) {

  /** A look while no host is under maintenance. */
  public MigrationContext(
      LiveMigration migration,
      XenPool sourcePool,
      XenPool destinationPool,
      MigrationView migrations,
      PoolIndex pools,
      boolean deleting,
      Instant now) {
    this(
        migration,
        sourcePool,
        destinationPool,
        migrations,
        pools,
        deleting,
        now,
        HostsInMaintenance.NONE);
  }

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

  /** Whether the spec asks for the migration to stop, or the LiveMigration is being deleted. */
  public boolean cancelRequested() {
    return deleting || MigrationDefaults.cancelled(migration.getSpec());
  }

  /** The attempt under way (the last one), or null. */
  public MigrationAttempt attempt() {
    List<MigrationAttempt> attempts = migration.getStatus().getAttempts();
    return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
  }

  /**
   * The current attempt's tag, which only its task carries, or null when the attempt has none (a
   * status written before tokens existed, or one whose token is not this object's).
   */
  public TaskTag tag() {
    MigrationAttempt attempt = attempt();
    if (attempt == null || attempt.getToken() == null || attempt.getToken().isBlank()) {
      return null;
    }
    TaskTag tag = new TaskTag(attempt.getToken());
    // A token copied from another LiveMigration's status is not this one's to act on.
    return tag.belongsTo(migration.getMetadata().getUid()) ? tag : null;
  }
}
