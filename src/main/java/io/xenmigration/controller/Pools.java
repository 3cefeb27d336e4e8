package io.xenmigration.controller;

import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.XenPool;

/** How LiveMigrations and XenPools refer to each other, for the two controllers. */
final class Pools {

  private Pools() {}

  /** Whether a migration names this pool, as its own or as its destination. */
  static boolean names(LiveMigration migration, XenPool pool) {
    return migration.getSpec() != null
        && migration.getMetadata().getNamespace().equals(pool.getMetadata().getNamespace())
        && (pool.getMetadata().getName().equals(migration.getSpec().getPool())
            || pool.getMetadata().getName().equals(migration.getSpec().getDestinationPool()));
  }

  /** namespace/name of a migration. */
  static String key(LiveMigration migration) {
    return migration.getMetadata().getNamespace() + "/" + migration.getMetadata().getName();
  }

  /** namespace/name of a migration's own pool. */
  static String poolKey(LiveMigration migration) {
    return migration.getMetadata().getNamespace()
        + "/"
        + (migration.getSpec() == null ? null : migration.getSpec().getPool());
  }
}
