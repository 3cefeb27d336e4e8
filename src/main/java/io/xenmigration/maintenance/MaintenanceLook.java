package io.xenmigration.maintenance;

import io.xenmigration.api.v1alpha1.HostMaintenance;
import io.xenmigration.api.v1alpha1.HostMaintenanceSpec;
import io.xenmigration.api.v1alpha1.HostMaintenanceStatus;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.migration.PoolIndex;
import io.xenmigration.xen.HostInfo;
import io.xenmigration.xen.PoolApi;
import io.xenmigration.xen.PoolInventory;
import java.time.Instant;
import java.util.List;

/**
 * What a phase handler of a maintenance sees.
 *
 * @param maintenance this look's own copy of the HostMaintenance
 * @param pool its XenPool, or null when there is none
 * @param driver the pool's driver, or null while the pool is not connected
 * @param inventory the pool's last inventory, or null before one was read
 * @param pools every XenPool, by the pool it describes (for the limits)
 * @param children the LiveMigrations this maintenance owns
 * @param maintenances every HostMaintenance the operator knows, this one among them
 * @param taken names this maintenance gives its children that other objects already have
 * @param deleting whether the HostMaintenance is being deleted (which ends it)
 * @param hostCheckDue whether the host's state is due to be read fresh rather than from the
 *     inventory
 * @param now the time of this look
 */
public record MaintenanceLook(
    HostMaintenance maintenance,
    XenPool pool,
    PoolApi driver,
    PoolInventory inventory,
    PoolIndex pools,
    List<LiveMigration> children,
    List<HostMaintenance> maintenances,
    java.util.Set<String> taken,
    boolean deleting,
    boolean hostCheckDue,
    Instant now) {

  public HostMaintenanceSpec spec() {
    return maintenance.getSpec();
  }

  public HostMaintenanceStatus status() {
    return maintenance.getStatus();
  }

  /** namespace/name of the maintenance. */
  public String key() {
    return maintenance.getMetadata().getNamespace() + "/" + maintenance.getMetadata().getName();
  }

  /** namespace/name of its pool, as drivers and inventories are kept. */
  public String poolKey() {
    return maintenance.getMetadata().getNamespace() + "/" + spec().getPool();
  }

  /** Whether the spec asks for the maintenance to end, or it is being deleted. */
  public boolean endRequested() {
    return deleting || Boolean.TRUE.equals(spec().getCancel());
  }

  /**
   * The host as the inventory has it, once resolved; null before, or when the inventory lacks it.
   */
  public HostInfo host() {
    String uuid = status() == null ? null : status().getHostUuid();
    return uuid == null || inventory == null ? null : inventory.hostByUuid(uuid);
  }
}
