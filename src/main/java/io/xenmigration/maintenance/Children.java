package io.xenmigration.maintenance;

import io.xenmigration.api.v1alpha1.LiveMigration;

/** Where a maintenance's child LiveMigrations are created and cancelled: the API server. */
public interface Children {

  /** Creates a child; one that already exists under its name is left as it is. */
  void create(LiveMigration child);

  /** Sets a child's {@code spec.cancel}. */
  void cancel(String namespace, String name);
}
