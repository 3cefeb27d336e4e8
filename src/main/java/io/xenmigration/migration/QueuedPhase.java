package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.PoolLimits;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.events.EventReason;
import io.xenmigration.pool.PoolStatusWriter;
import io.xenmigration.xen.HostInfo;
import io.xenmigration.xen.PoolInventory;
import io.xenmigration.xen.VmInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Queued: checks the spec, waits for Ready pools, and takes a slot when the VM is free and the
 * pool's and the source host's limits allow, higher priority first.
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
  public PhaseOutcome handle(MigrationContext context) {
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
    if (inventory == null) {
      return PhaseOutcome.to(
              MigrationPhase.Queued,
              "PoolNotReady",
              "waiting for the first read of " + spec.getPool())
          .requeue(WAIT);
    }
    // Migrations found active (after a restart, say) hold their slots before anyone is admitted.
    VmLookup vms = new VmLookup(inventory);
    List<Admission.Request> waiting = new ArrayList<>();
    for (LiveMigration other : context.others()) {
      if (other.getSpec() == null || !spec.getPool().equals(other.getSpec().getPool())) {
        continue;
      }
      MigrationPhase phase = other.getStatus() == null ? null : other.getStatus().getPhase();
      if (phase != null && phase.isActive()) {
        services.gate.restore(poolKey, request(other, vms));
      } else if (phase == null || phase == MigrationPhase.Queued) {
        waiting.add(request(other, vms));
      }
    }
    Admission.Request self = request(context.migration(), vms);
    waiting.add(self);
    PoolLimits limits = MigrationDefaults.limits(context.sourcePool().getSpec().getLimits());
    Admission.Decision decision =
        services.gate.tryAdmit(
            poolKey,
            self,
            waiting,
            limits.getMaxParallelMigrations(),
            limits.getMaxParallelPerHost());
    if (!decision.admitted()) {
      return PhaseOutcome.to(MigrationPhase.Queued, decision.reason().name(), decision.message())
          .requeue(WAIT);
    }
    return PhaseOutcome.to(MigrationPhase.Preparing, "Admitted", "choosing a destination")
        .event(EventReason.Preparing);
  }

  private static PhaseOutcome waitForPool(XenPool pool, String name, String which) {
    if (pool == null) {
      return PhaseOutcome.to(
              MigrationPhase.Queued,
              "PoolNotFound",
              "waiting for the " + which + "XenPool " + name + ", which does not exist")
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

  /** A migration as admission sees it: the VM by UUID where the inventory knows it. */
  /**
   * A pool's VMs by UUID and by name-label, and its hosts by ref: built once per reconcile, as the
   * queue of a pool evacuating a thousand VMs is looked up a thousand times.
   */
  static final class VmLookup {
    private final Map<String, VmInfo> vms = new HashMap<>();
    private final Map<String, HostInfo> hosts = new HashMap<>();

    VmLookup(PoolInventory inventory) {
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

    HostInfo host(String ref) {
      return hosts.get(ref);
    }
  }

  static Admission.Request request(LiveMigration migration, VmLookup lookup) {
    String named = migration.getSpec().getVm();
    VmInfo info = lookup.vm(named);
    String vm = info == null ? named : info.uuid();
    HostInfo resident = info == null ? null : lookup.host(info.residentOn());
    String created = migration.getMetadata().getCreationTimestamp();
    return new Admission.Request(
        migration.getMetadata().getNamespace() + "/" + migration.getMetadata().getName(),
        vm,
        resident == null ? null : resident.name(),
        MigrationDefaults.priority(migration.getSpec()),
        created == null ? Instant.EPOCH : Instant.parse(created),
        info == null ? 0 : info.memoryBytes());
  }
}
