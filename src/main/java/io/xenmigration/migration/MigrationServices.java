package io.xenmigration.migration;

import io.xenmigration.pool.PoolDrivers;
import io.xenmigration.pool.PoolInventories;
import io.xenmigration.scheduler.Scheduler;
import io.xenmigration.xen.PoolInventory;
import io.xenmigration.xen.XenApiDriver;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * What the phase handlers use of the rest of the operator: pools, the scheduler, the slots. A plain
 * singleton, without a client proxy, so the handlers may read its fields.
 */
@Singleton
public class MigrationServices {

  final PoolDrivers drivers;
  final PoolInventories inventories;
  final Scheduler scheduler;
  final AdmissionGate gate;
  final TaskFollower tasks;
  private volatile Wakeups wakeups = Wakeups.NONE;

  @Inject
  public MigrationServices(
      PoolDrivers drivers,
      PoolInventories inventories,
      Scheduler scheduler,
      AdmissionGate gate,
      TaskFollower tasks) {
    this.drivers = drivers;
    this.inventories = inventories;
    this.scheduler = scheduler;
    this.gate = gate;
    this.tasks = tasks;
  }

  /** Who to wake when a task changes or a slot frees up: the controller, once it runs. */
  public void wakeWith(Wakeups wakeups) {
    this.wakeups = wakeups;
    tasks.wakeWith(wakeups);
  }

  /** The driver of a pool (namespace/name) the XenPool controller has connected, or empty. */
  Optional<XenApiDriver> driver(String poolKey) {
    return Optional.ofNullable(drivers.existing(poolKey));
  }

  /** The last inventory of a pool (namespace/name), or empty. */
  Optional<PoolInventory> inventory(String poolKey) {
    return inventories.get(poolKey);
  }

  /** The drivers of a migration's source and destination pools (the same one within a pool). */
  record Drivers(XenApiDriver source, XenApiDriver destination) {}

  /** Both drivers, or empty while either pool is not connected. */
  Optional<Drivers> drivers(MigrationContext context) {
    var spec = context.migration().getSpec();
    XenApiDriver source = drivers.existing(context.poolKey(spec.getPool()));
    XenApiDriver destination = drivers.existing(destinationKey(context));
    return source == null || destination == null
        ? Optional.empty()
        : Optional.of(new Drivers(source, destination));
  }

  /** namespace/name of the pool the VM goes to. */
  static String destinationKey(MigrationContext context) {
    var spec = context.migration().getSpec();
    return context.poolKey(
        spec.getDestinationPool() != null ? spec.getDestinationPool() : spec.getPool());
  }

  /**
   * Gives back everything a migration holds: its slot, its memory reservation, the following of its
   * task; and wakes the migrations queued for that slot.
   */
  void release(String migration) {
    String pool = gate.release(migration);
    scheduler.release(migration);
    tasks.forget(migration);
    if (pool != null) {
      wakeups.queuedIn(pool);
    }
  }
}
