package io.xenmigration.migration;

import io.xenmigration.pool.PoolDrivers;
import io.xenmigration.pool.PoolInventories;
import io.xenmigration.xen.PoolApi;
import io.xenmigration.xen.PoolInventory;
import io.xenmigration.xen.TaskTag;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the phase handlers use of the rest of the operator: pools, the ledger of what migrations
 * hold, the task follower. A plain singleton, without a client proxy, so the handlers may read its
 * fields.
 */
@Singleton
public class MigrationServices {

  final PoolDrivers drivers;
  final PoolInventories inventories;
  final MigrationLedger ledger;
  final TaskFollower tasks;
  private volatile Wakeups wakeups = Wakeups.NONE;

  /**
   * Tasks this process started, with their tags: the only knowledge, besides a tag on the task
   * itself, that lets it tag a task again after xapi overwrote its {@code other_config}. Gone with
   * the process, as it should be: a status cannot stand in for it.
   */
  private final Map<String, TaskTag> startedHere = new ConcurrentHashMap<>();

  /**
   * How long after its intent a start that left no tagged task may still show up: a start call on
   * its way (from a process that has since stopped) reaches the pool within the XenAPI reply
   * timeout, so twice that. Only after this is a missing task taken to mean nothing started.
   */
  final java.time.Duration startGrace;

  @Inject
  public MigrationServices(
      PoolDrivers drivers,
      PoolInventories inventories,
      MigrationLedger ledger,
      TaskFollower tasks,
      io.xenmigration.config.OperatorConfig config) {
    this(drivers, inventories, ledger, tasks, config.pools().replyTimeout().multipliedBy(2));
  }

  public MigrationServices(
      PoolDrivers drivers,
      PoolInventories inventories,
      MigrationLedger ledger,
      TaskFollower tasks,
      java.time.Duration startGrace) {
    this.drivers = drivers;
    this.inventories = inventories;
    this.ledger = ledger;
    this.tasks = tasks;
    this.startGrace = startGrace;
  }

  /** Who to wake when a task changes or a slot frees up: the controller, once it runs. */
  public void wakeWith(Wakeups wakeups) {
    this.wakeups = wakeups;
    tasks.wakeWith(wakeups);
  }

  /** The driver of a pool (namespace/name) the XenPool controller has connected, or empty. */
  Optional<PoolApi> driver(String poolKey) {
    return Optional.ofNullable(drivers.existing(poolKey));
  }

  /** The last inventory of a pool (namespace/name), or empty. */
  Optional<PoolInventory> inventory(String poolKey) {
    return inventories.get(poolKey);
  }

  /** The drivers of a migration's source and destination pools (the same one within a pool). */
  record Drivers(PoolApi source, PoolApi destination) {}

  /**
   * Both drivers, or empty while either pool is not connected or not read yet: a pool whose
   * inventory is not there cannot tell where a VM is, and "not known" must never read as "home".
   */
  Optional<Drivers> drivers(MigrationContext context) {
    var spec = context.migration().getSpec();
    String sourceKey = context.poolKey(spec.getPool());
    String destinationKey = destinationKey(context);
    PoolApi source = drivers.existing(sourceKey);
    PoolApi destination = drivers.existing(destinationKey);
    return source == null
            || destination == null
            || inventory(sourceKey).isEmpty()
            || inventory(destinationKey).isEmpty()
        ? Optional.empty()
        : Optional.of(new Drivers(source, destination));
  }

  /** The inventories of a migration's pools, as far as they were read. */
  java.util.List<PoolInventory> inventoriesOf(MigrationContext context) {
    java.util.List<PoolInventory> found = new java.util.ArrayList<>();
    inventory(context.poolKey(context.migration().getSpec().getPool())).ifPresent(found::add);
    if (context.migration().getSpec().getDestinationPool() != null) {
      inventory(destinationKey(context)).ifPresent(found::add);
    }
    return found;
  }

  /** namespace/name of the pool the VM goes to. */
  static String destinationKey(MigrationContext context) {
    var spec = context.migration().getSpec();
    return context.poolKey(
        spec.getDestinationPool() != null ? spec.getDestinationPool() : spec.getPool());
  }

  /** Stops following a migration's task and forgets having started it. */
  void forgetTask(MigrationContext context, String taskRef) {
    tasks.forget(context.key());
    if (taskRef != null) {
      startedHere.remove(taskRef);
    }
  }

  /**
   * Notes a task this process knows to be the attempt's: it started it, or read it carrying the
   * attempt's tag. Such a task gets its tag back when xapi overwrites it.
   */
  void started(String taskRef, TaskTag tag) {
    startedHere.put(taskRef, tag);
  }

  /** Whether this process started this task for this tag, or saw it carry the tag. */
  boolean startedHere(String taskRef, TaskTag tag) {
    return tag != null && tag.equals(startedHere.get(taskRef));
  }

  /**
   * A migration's end was written: its task is no longer followed, and the migrations queued in its
   * pools are woken for the slot it gave back.
   */
  void ended(MigrationContext context, String taskRef) {
    forgetTask(context, taskRef);
    var spec = context.migration().getSpec();
    wakeups.queuedIn(context.poolKey(spec.getPool()));
    if (spec.getDestinationPool() != null) {
      wakeups.queuedIn(context.poolKey(spec.getDestinationPool()));
    }
  }
}
