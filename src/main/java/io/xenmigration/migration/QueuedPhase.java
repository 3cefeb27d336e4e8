package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.events.EventReason;
import io.xenmigration.pool.PoolStatusWriter;
import io.xenmigration.xen.HostInfo;
import io.xenmigration.xen.PoolInventory;
import io.xenmigration.xen.VmInfo;
import io.xenmigration.xen.XenApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Queued: checks the spec, waits for Ready pools, and takes a slot when the VM is free and the
 * limits of every pool it touches and of its source host allow, higher priority first. The slot is
 * claimed in the ledger at once and held by the written status from then on.
 */
final class QueuedPhase implements PhaseHandler {

  /**
   * How soon a waiting migration looks again. A look that changes nothing writes nothing, so a long
   * queue costs reconciles, not API writes.
   */
  static final Duration WAIT = Duration.ofSeconds(1);

  private final MigrationServices services;

  QueuedPhase(MigrationServices services) {
    this.services = services;
  }

  @Override
  public PhaseOutcome handle(MigrationContext context) throws XenApiException {
    LiveMigrationSpec spec = context.migration().getSpec();
    List<String> problems = SpecValidation.problems(spec);
    if (!problems.isEmpty()) {
      return PhaseOutcome.to(MigrationPhase.Failed, "InvalidSpec", String.join("; ", problems))
          .event(EventReason.Failed);
    }
    if (context.cancelRequested()) {
      return PhaseOutcome.to(MigrationPhase.Cancelled, "Cancelled", "cancelled before it started")
          .event(EventReason.Cancelled);
    }
    PhaseOutcome waitForPool = waitForPool(context.sourcePool(), spec.getPool(), "");
    if (waitForPool == null && spec.getDestinationPool() != null) {
      waitForPool =
          waitForPool(context.destinationPool(), spec.getDestinationPool(), "destination ");
    }
    if (waitForPool != null) {
      return waitForPool;
    }
    String poolKey = context.poolKey(spec.getPool());
    PoolInventory inventory = services.inventory(poolKey).orElse(null);
    String sourcePool = PoolIndex.uuidOf(context.sourcePool());
    String destinationPool =
        context.destinationPool() == null ? null : PoolIndex.uuidOf(context.destinationPool());
    if (inventory == null
        || sourcePool == null
        || (spec.getDestinationPool() != null && destinationPool == null)) {
      // Not read yet (after a restart, say): the queue waits rather than guess.
      return PhaseOutcome.to(
              MigrationPhase.Queued,
              "PoolNotReady",
              "waiting for the first read of " + spec.getPool())
          .requeue(WAIT);
    }
    List<String> pools = new ArrayList<>();
    pools.add(sourcePool);
    if (destinationPool != null) {
      if (destinationPool.equals(sourcePool)) {
        return PhaseOutcome.to(
                MigrationPhase.Failed,
                "InvalidSpec",
                "spec.destinationPool "
                    + spec.getDestinationPool()
                    + " describes the same pool as spec.pool "
                    + spec.getPool())
            .event(EventReason.Failed);
      }
      String refused =
          PoolPairing.refusal(spec.getPool(), context.destinationPool(), context.pools());
      if (refused != null) {
        return PhaseOutcome.to(MigrationPhase.Failed, "Forbidden", refused)
            .event(EventReason.Failed);
      }
      pools.add(destinationPool);
    }
    if (MigrationDefaults.dryRun(spec)) {
      // A dry run moves nothing: it takes no slot, and plans as soon as its pools are read.
      return new DryRunPlacement(services).plan(context);
    }
    VmLookup vms = VmLookup.of(inventory);
    VmLookup own = vms;
    if (vms.vm(spec.getVm()) == null) {
      // Newer than the last inventory (or misnamed): read it now, so that its host's limit and
      // its other migrations are counted by what it is, not by a name.
      own = fresh(services.driver(poolKey).orElse(null), spec.getVm(), inventory, vms);
    }
    Admission.Request self = request(context.migration(), own, pools);
    List<MigrationLedger.Claim> claimed = new ArrayList<>();
    Admission.Decision decision =
        services.ledger.admit(
            self,
            context.migrations(),
            context.pools(),
            other -> waitingIn(other, pools, context.pools(), vms),
            claimed);
    if (!decision.admitted()) {
      return PhaseOutcome.to(MigrationPhase.Queued, decision.reason().name(), decision.message())
          .requeue(WAIT);
    }
    VmInfo vm = own.vm(spec.getVm());
    HostInfo host = vm == null ? null : own.host(vm.residentOn());
    PhaseOutcome admitted =
        PhaseOutcome.to(MigrationPhase.Preparing, "Admitted", "choosing a destination")
            .event(EventReason.Preparing)
            .edit(w -> w.pools(sourcePool, destinationPool));
    if (vm != null) {
      admitted.edit(w -> w.vm(vm.uuid(), vm.name())).edit(w -> w.sizes(vm.memoryBytes(), 0));
    }
    if (host != null) {
      admitted.edit(w -> w.source(host.name(), host.uuid()));
    }
    claimed.forEach(admitted::claim);
    return admitted;
  }

  /** The lookup with the VM as the pool has it now, when it can be read; else as it was. */
  private static VmLookup fresh(
      io.xenmigration.xen.PoolApi driver, String named, PoolInventory inventory, VmLookup vms) {
    if (driver == null) {
      return vms;
    }
    try {
      return vms.with(named, driver.resolveVm(named));
    } catch (io.xenmigration.xen.XenApiException unknownOrUnreachable) {
      return vms; // Preparing says what is wrong with it, or the queue looks again
    }
  }

  /** A queued migration that competes for the same pools, as a request; null for any other. */
  private static Admission.Request waitingIn(
      LiveMigration other, List<String> pools, PoolIndex index, VmLookup vms) {
    if (other.getSpec() == null) {
      return null;
    }
    String namespace = other.getMetadata().getNamespace();
    List<String> touched = new ArrayList<>();
    String source = index.uuid(namespace, other.getSpec().getPool());
    if (source == null) {
      return null;
    }
    touched.add(source);
    if (other.getSpec().getDestinationPool() != null) {
      String destination = index.uuid(namespace, other.getSpec().getDestinationPool());
      if (destination == null) {
        return null;
      }
      touched.add(destination);
    }
    if (touched.stream().noneMatch(pools::contains)) {
      return null;
    }
    // Its VM is looked up in this pool: it is the same pool when it leaves from here.
    VmLookup lookup = source.equals(pools.get(0)) ? vms : VmLookup.EMPTY;
    return lookup.requestOf(other, touched);
  }

  private static PhaseOutcome waitForPool(XenPool pool, String name, String which) {
    if (pool == null) {
      return PhaseOutcome.to(
              MigrationPhase.Queued,
              "PoolNotFound",
              "waiting for the " + which + "XenPool " + name + ", which does not exist")
          .requeue(WAIT.multipliedBy(5));
    }
    if (pool.getMetadata().getDeletionTimestamp() != null) {
      return PhaseOutcome.to(
              MigrationPhase.Queued,
              "PoolDeleting",
              "the " + which + "XenPool " + name + " is being deleted; nothing new starts in it")
          .requeue(WAIT.multipliedBy(5));
    }
    var ready = PoolStatusWriter.readyCondition(pool.getStatus());
    if (ready == null || !"True".equals(ready.getStatus())) {
      return PhaseOutcome.to(
              MigrationPhase.Queued,
              "PoolNotReady",
              "waiting for the "
                  + which
                  + "XenPool "
                  + name
                  + " to be Ready"
                  + (ready == null
                      ? ""
                      : " (" + ready.getReason() + ": " + ready.getMessage() + ")"))
          .requeue(WAIT.multipliedBy(5));
    }
    return null;
  }

  /**
   * A pool's VMs by UUID and by name-label, and its hosts by ref: built once per reconcile, as the
   * queue of a pool evacuating a thousand VMs is looked up a thousand times.
   */
  static final class VmLookup {
    static final VmLookup EMPTY = new VmLookup(null);

    /**
     * The lookup of each pool's latest inventory, by pool UUID: an inventory never changes once
     * read, and every queued migration of a pool looks its VMs up in the same one. Only the latest
     * is kept, so an older inventory is not held once a newer one is read.
     */
    private static final Map<String, VmLookup> RECENT = new HashMap<>();

    static VmLookup of(PoolInventory inventory) {
      if (inventory == null) {
        return EMPTY;
      }
      String pool = inventory.uuid() == null ? "" : inventory.uuid();
      synchronized (RECENT) {
        VmLookup known = RECENT.get(pool);
        if (known == null || known.inventory != inventory) {
          known = new VmLookup(inventory);
          RECENT.put(pool, known);
        }
        return known;
      }
    }

    private final PoolInventory inventory;

    private final Map<String, VmInfo> vms = new HashMap<>();
    private final Map<String, HostInfo> hosts = new HashMap<>();
    private final Map<String, Waiting> requests = new ConcurrentHashMap<>();

    /** A queued migration's request, as worked out from one version of it. */
    private record Waiting(String resourceVersion, Admission.Request request) {}

    VmLookup(PoolInventory inventory) {
      this.inventory = inventory;
      if (inventory == null) {
        return;
      }
      for (VmInfo vm : inventory.vms()) {
        vms.putIfAbsent(vm.name(), vm);
      }
      for (VmInfo vm : inventory.vms()) {
        vms.put(vm.uuid(), vm); // a UUID wins over a name-label that looks like one
      }
      for (HostInfo host : inventory.hosts()) {
        hosts.put(host.ref(), host);
      }
    }

    VmInfo vm(String uuidOrName) {
      return vms.get(uuidOrName);
    }

    /** This lookup with one VM more, known by the name it was asked for and its UUID. */
    VmLookup with(String named, VmInfo vm) {
      VmLookup more = new VmLookup(null);
      more.vms.putAll(vms);
      more.hosts.putAll(hosts);
      more.vms.put(named, vm);
      more.vms.put(vm.uuid(), vm);
      return more;
    }

    HostInfo host(String ref) {
      return ref == null ? null : hosts.get(ref);
    }

    /**
     * A queued migration as admission sees it, worked out once per version: every admission orders
     * the whole queue of a pool against the same lookup.
     */
    Admission.Request requestOf(LiveMigration migration, List<String> pools) {
      String version = migration.getMetadata().getResourceVersion();
      if (this == EMPTY || version == null) {
        return request(migration, this, pools);
      }
      String id = MigrationLedger.id(migration);
      Waiting known = requests.get(id);
      if (known != null
          && version.equals(known.resourceVersion())
          && known.request().pools().equals(pools)) {
        return known.request();
      }
      Admission.Request request = request(migration, this, pools);
      requests.put(id, new Waiting(version, request));
      return request;
    }
  }

  /** A migration as admission sees it: the VM and its host by UUID where the inventory knows it. */
  static Admission.Request request(LiveMigration migration, VmLookup lookup, List<String> pools) {
    String named = migration.getSpec().getVm();
    VmInfo info = lookup.vm(named);
    String vm = info == null ? named : info.uuid();
    HostInfo resident = info == null ? null : lookup.host(info.residentOn());
    String created = migration.getMetadata().getCreationTimestamp();
    return new Admission.Request(
        migration.getMetadata().getNamespace() + "/" + migration.getMetadata().getName(),
        vm,
        pools,
        resident == null ? null : resident.uuid(),
        MigrationDefaults.priority(migration.getSpec()),
        created == null ? Instant.EPOCH : Instant.parse(created),
        info == null ? 0 : info.memoryBytes());
  }
}
