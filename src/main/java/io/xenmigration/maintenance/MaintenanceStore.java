package io.xenmigration.maintenance;

import io.xenmigration.api.v1alpha1.HostMaintenance;
import io.xenmigration.migration.StatusStore;

/**
 * Where a maintenance's status is written: conditionally on the resourceVersion it was read at, so
 * that a decision taken on a stale copy never lands.
 */
public interface MaintenanceStore {

  /** Writes the status as given; answers the object as written. */
  HostMaintenance write(HostMaintenance maintenance) throws StatusStore.WriteRefused;
}
