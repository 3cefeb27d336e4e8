package io.xenmigration.api.v1alpha1;

/** The XenAPI operation a migration uses, decided while it is prepared. */
public enum MigrationMode {
  /** Within one pool on shared storage: {@code VM.pool_migrate}, memory only. */
  PoolMigrate,
  /** Within one pool, copying disks: {@code VM.migrate_send}. */
  StorageMigrate,
  /** To a host of another pool: {@code VM.migrate_send} to that pool's master. */
  CrossPoolMigrate
}
