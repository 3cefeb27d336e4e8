package io.xenmigration.maintenance;

import io.xenmigration.api.v1alpha1.BlockedPolicy;
import io.xenmigration.api.v1alpha1.BlockedVm;
import io.xenmigration.api.v1alpha1.HostMaintenance;
import io.xenmigration.api.v1alpha1.MaintenancePhase;
import io.xenmigration.events.EventReason;
import io.xenmigration.migration.HostsInMaintenance;
import io.xenmigration.xen.HostInfo;
import io.xenmigration.xen.PoolInventory;
import io.xenmigration.xen.VmInfo;
import io.xenmigration.xen.XenApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Planning: resolves the host, waits for any other maintenance of it, and plans the drain: a dry
 * run ends here, {@code onBlocked: Fail} fails here when a VM cannot move, and otherwise the host
 * is disabled next.
 */
final class PlanningPhase implements MaintenanceHandler {

  /** How soon a maintenance waiting for its pool or its host looks again. */
  static final Duration WAIT = Duration.ofSeconds(15);

  @Override
  public MaintenanceOutcome decide(MaintenanceLook look) throws XenApiException {
    if (look.endRequested()) {
      return MaintenanceOutcome.to(
              MaintenancePhase.Cancelled,
              look.deleting() ? "Deleted" : "Cancelled",
              "ended before anything was changed")
          .event(EventReason.MaintenanceCancelled, "ended before anything was changed");
    }
    if (look.pool() == null) {
      return stay("PoolNotFound", "XenPool " + look.spec().getPool() + " does not exist")
          .requeue(WAIT.multipliedBy(2));
    }
    PoolInventory inventory = look.inventory();
    if (look.driver() == null || inventory == null) {
      return stay("PoolNotReady", "XenPool " + look.spec().getPool() + " is not connected yet")
          .requeue(WAIT);
    }
    List<HostInfo> named = resolve(inventory, look.spec().getHost());
    if (named.isEmpty()) {
      return failed("HostNotFound", "pool has no host " + look.spec().getHost());
    }
    if (named.size() > 1) {
      return failed(
          "HostAmbiguous",
          named.size() + " hosts are named " + look.spec().getHost() + "; name it by UUID");
    }
    HostInfo host = named.get(0);
    HostMaintenance holder = holder(look, inventory.uuid(), host);
    if (holder != null && !Boolean.TRUE.equals(look.spec().getDryRun())) {
      String message =
          "HostMaintenance "
              + holder.getMetadata().getNamespace()
              + "/"
              + holder.getMetadata().getName()
              + " already holds host "
              + host.name()
              + "; this one waits for it to end";
      return stay("HostBusy", message)
          .edit(w -> w.host(host.uuid(), host.name(), inventory.uuid()))
          .event(EventReason.HostBusy, message)
          .requeue(WAIT.multipliedBy(2));
    }
    Map<String, String> held =
        HostsInMaintenance.of(others(look), look.pools()).held(inventory.uuid(), inventory.hosts());
    // The inventory may still place a VM that has just left (its move ended a moment ago) on the
    // host: only those XenAPI says run there now are planned. One that arrived and is not in the
    // inventory yet is planned once it is, as the drain plans every VM that arrives.
    java.util.Set<String> there = new java.util.HashSet<>(look.driver().residentVms(host.ref()));
    List<VmInfo> residents = new ArrayList<>();
    for (VmInfo vm : residents(inventory, host)) {
      if (there.contains(vm.ref())) {
        residents.add(vm);
      }
    }
    List<BlockedVm> earlier = look.status() == null ? List.of() : look.status().getBlocked();
    Planner.Plan plan = Planner.plan(look, host, residents, earlier, held);
    Instant now = look.now();
    String summary =
        plan.vms().size()
            + " VMs to move off "
            + host.name()
            + (plan.blocked().isEmpty() ? "" : ", " + plan.blocked().size() + " cannot move");
    MaintenanceOutcome outcome;
    if (Boolean.TRUE.equals(look.spec().getDryRun())) {
      outcome =
          MaintenanceOutcome.to(
              MaintenancePhase.Planned, "DryRun", summary + "; nothing was changed");
    } else if (look.spec().getOnBlocked() == BlockedPolicy.Fail && !plan.blocked().isEmpty()) {
      outcome =
          failed(
              "Blocked",
              summary + "; onBlocked is Fail, so nothing was changed (see status.blocked)");
    } else {
      outcome = MaintenanceOutcome.to(MaintenancePhase.Disabling, "Planned", summary);
    }
    outcome
        .edit(w -> w.host(host.uuid(), host.name(), inventory.uuid()))
        .edit(w -> w.hostEnabled(host.enabled()))
        .edit(w -> w.plan(plan.vms()))
        .edit(w -> w.blocked(plan.blocked()))
        .edit(w -> w.blockersReadAt(now))
        .edit(w -> w.progress(0, plan.vms().size(), plan.blocked().size(), 0))
        .event(EventReason.MaintenancePlanned, summary);
    for (BlockedVm blocked : plan.blocked()) {
      outcome.event(EventReason.VmBlocked, blocked.getMessage());
    }
    return outcome;
  }

  private static MaintenanceOutcome stay(String reason, String message) {
    return MaintenanceOutcome.to(MaintenancePhase.Planning, reason, message);
  }

  private static MaintenanceOutcome failed(String reason, String message) {
    return MaintenanceOutcome.to(MaintenancePhase.Failed, reason, message)
        .event(EventReason.MaintenanceFailed, message);
  }

  /** The hosts a spec's {@code host} names: by UUID, else by name-label. */
  static List<HostInfo> resolve(PoolInventory inventory, String named) {
    HostInfo byUuid = inventory.hostByUuid(named);
    if (byUuid != null) {
      return List.of(byUuid);
    }
    List<HostInfo> hosts = new ArrayList<>();
    for (HostInfo host : inventory.hosts()) {
      if (host.name().equals(named)) {
        hosts.add(host);
      }
    }
    return hosts;
  }

  /** The VMs running (or paused) on the host, as the inventory has them. */
  static List<VmInfo> residents(PoolInventory inventory, HostInfo host) {
    List<VmInfo> vms = new ArrayList<>();
    for (VmInfo vm : inventory.vms()) {
      if (vm.runsOn(host.ref())) {
        vms.add(vm);
      }
    }
    return vms;
  }

  /** Every other maintenance the operator knows. */
  static List<HostMaintenance> others(MaintenanceLook look) {
    String uid = look.maintenance().getMetadata().getUid();
    return look.maintenances().stream()
        .filter(hm -> !uid.equals(hm.getMetadata().getUid()))
        .toList();
  }

  /**
   * Another maintenance of the same host that goes first: one past planning (an exiting one too: it
   * is about to enable the host), or an older one still planning.
   */
  static HostMaintenance holder(MaintenanceLook look, String poolUuid, HostInfo host) {
    HostMaintenance self = look.maintenance();
    for (HostMaintenance other : sameHostOthers(look, poolUuid, host)) {
      MaintenancePhase phase = other.getStatus() == null ? null : other.getStatus().getPhase();
      boolean planning = phase == null || phase == MaintenancePhase.Planning;
      if (!planning || (HostsInMaintenance.holdsHost(other) && older(other, self))) {
        return other;
      }
    }
    return null;
  }

  /**
   * An older maintenance of the same host that is past planning too and not ending, or null. Two
   * can get there only when each planned before the other reached this process's cache (created at
   * the same moment in namespaces watched apart); the younger then stops. One that is exiting stops
   * nobody: it is leaving the host to the other.
   */
  static HostMaintenance rival(MaintenanceLook look, String poolUuid, HostInfo host) {
    HostMaintenance self = look.maintenance();
    for (HostMaintenance other : sameHostOthers(look, poolUuid, host)) {
      MaintenancePhase phase = other.getStatus() == null ? null : other.getStatus().getPhase();
      if (phase != null
          && phase != MaintenancePhase.Planning
          && phase != MaintenancePhase.Exiting
          && older(other, self)) {
        return other;
      }
    }
    return null;
  }

  /** The other maintenances of this host that have not ended, dry runs left out. */
  private static List<HostMaintenance> sameHostOthers(
      MaintenanceLook look, String poolUuid, HostInfo host) {
    List<HostMaintenance> found = new ArrayList<>();
    for (HostMaintenance other : others(look)) {
      if (other.getSpec() == null || Boolean.TRUE.equals(other.getSpec().getDryRun())) {
        continue;
      }
      MaintenancePhase phase = other.getStatus() == null ? null : other.getStatus().getPhase();
      if ((phase == null || !phase.isTerminal()) && sameHost(look, other, poolUuid, host)) {
        found.add(other);
      }
    }
    return found;
  }

  private static boolean sameHost(
      MaintenanceLook look, HostMaintenance other, String poolUuid, HostInfo host) {
    var status = other.getStatus();
    if (status != null && status.getHostUuid() != null) {
      String otherPool =
          status.getPoolUuid() != null
              ? status.getPoolUuid()
              : look.pools().uuid(other.getMetadata().getNamespace(), other.getSpec().getPool());
      return host.uuid().equals(status.getHostUuid()) && poolUuid.equals(otherPool);
    }
    String otherPool =
        look.pools().uuid(other.getMetadata().getNamespace(), other.getSpec().getPool());
    boolean samePool =
        otherPool != null
            ? otherPool.equals(poolUuid)
            : other
                    .getMetadata()
                    .getNamespace()
                    .equals(look.maintenance().getMetadata().getNamespace())
                && other.getSpec().getPool().equals(look.spec().getPool());
    String named = other.getSpec().getHost();
    return samePool && (named.equals(host.uuid()) || named.equals(host.name()));
  }

  /** Older first, then by namespace and name, so that every replica agrees. */
  private static boolean older(HostMaintenance a, HostMaintenance b) {
    String at = a.getMetadata().getCreationTimestamp();
    String bt = b.getMetadata().getCreationTimestamp();
    Instant ai = at == null ? Instant.MAX : Instant.parse(at);
    Instant bi = bt == null ? Instant.MAX : Instant.parse(bt);
    if (!ai.equals(bi)) {
      return ai.isBefore(bi);
    }
    String ak = a.getMetadata().getNamespace() + "/" + a.getMetadata().getName();
    String bk = b.getMetadata().getNamespace() + "/" + b.getMetadata().getName();
    return ak.compareTo(bk) < 0;
  }
}
