package io.xenmigration.maintenance;

import io.xenmigration.api.v1alpha1.BlockedVm;
import io.xenmigration.api.v1alpha1.PlannedVm;
import io.xenmigration.api.v1alpha1.StorageMigrationPolicy;
import io.xenmigration.migration.SchedulerFacts;
import io.xenmigration.scheduler.Candidate;
import io.xenmigration.scheduler.HostFacts;
import io.xenmigration.scheduler.Placement;
import io.xenmigration.scheduler.PlacementRequest;
import io.xenmigration.scheduler.Rejection;
import io.xenmigration.scheduler.Reservations;
import io.xenmigration.scheduler.Scheduler;
import io.xenmigration.scheduler.VmNeeds;
import io.xenmigration.xen.ErrorCatalog;
import io.xenmigration.xen.HostInfo;
import io.xenmigration.xen.PoolInventory;
import io.xenmigration.xen.VmFacts;
import io.xenmigration.xen.VmInfo;
import io.xenmigration.xen.XenApiException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Plans the emptying of a host: xapi's own blockers first, then our scheduler places every other
 * VM, largest first, each placement reserving its memory so that the next sees what is left. It
 * reads only.
 */
final class Planner {

  /** The plan: every VM with its destination or reason, and those that cannot move. */
  record Plan(List<PlannedVm> vms, List<BlockedVm> blocked) {}

  /** Largest first; the name, then the UUID, break ties so the same pool gives the same plan. */
  static final Comparator<VmInfo> LARGEST_FIRST =
      Comparator.comparingLong(VmInfo::memoryBytes)
          .reversed()
          .thenComparing(VmInfo::name)
          .thenComparing(VmInfo::uuid);

  private Planner() {}

  /**
   * Plans these VMs of the host.
   *
   * @param earlier blocked entries of an earlier plan, whose {@code since} is kept
   * @param held hosts other maintenances hold (UUID → maintenance), never destinations
   */
  static Plan plan(
      MaintenanceLook look,
      HostInfo host,
      Collection<VmInfo> vms,
      List<BlockedVm> earlier,
      Map<String, String> held)
      throws XenApiException {
    PoolInventory inventory = look.inventory();
    boolean disksMayMove = look.spec().getStorageMigration() == StorageMigrationPolicy.Auto;
    Map<String, List<String>> xapi = look.driver().evacuationBlockers(host.ref());
    List<HostFacts> hosts = SchedulerFacts.hosts(inventory);
    Scheduler scheduler = new Scheduler(new Reservations());
    List<VmInfo> sorted = new ArrayList<>(vms);
    sorted.sort(LARGEST_FIRST);
    List<PlannedVm> planned = new ArrayList<>();
    List<BlockedVm> blocked = new ArrayList<>();
    List<String> placeable = new ArrayList<>();
    for (VmInfo vm : sorted) {
      List<String> error = xapi.get(vm.ref());
      if (error == null
          || error.isEmpty()
          || !ErrorCatalog.pinsVmToHost(error.get(0), disksMayMove)) {
        placeable.add(vm.ref());
      }
    }
    // One read for all of them: a plan costs the pool a few calls, not a few per VM.
    Map<String, VmFacts> allFacts = look.driver().vmFacts(placeable);
    for (VmInfo vm : sorted) {
      List<String> error = xapi.get(vm.ref());
      if (error != null
          && !error.isEmpty()
          && ErrorCatalog.pinsVmToHost(error.get(0), disksMayMove)) {
        List<String> params = Blockers.named(error.subList(1, error.size()), inventory);
        String message = Blockers.explain(vm.name(), error.get(0), params);
        planned.add(entry(vm, null, message));
        blocked.add(blocked(vm, error.get(0), params, message, since(earlier, vm, look.now())));
        continue;
      }
      VmFacts facts = allFacts.get(vm.ref());
      if (facts == null) {
        continue; // gone since the inventory was read: nothing to move
      }
      VmNeeds needs = SchedulerFacts.needs(vm, host, facts);
      Placement placement =
          scheduler.place(
              new PlacementRequest(
                  "plan/" + vm.uuid(),
                  needs,
                  hosts,
                  Set.of(),
                  null,
                  disksMayMove,
                  false,
                  Integer.MAX_VALUE,
                  held));
      if (placement.placed()) {
        Candidate chosen = placement.chosen();
        String reason =
            chosen.copiesDisks()
                ? "its disks are copied to storage " + chosen.host().name() + " sees"
                : "the most free memory left after the move";
        if (error != null && !error.isEmpty()) {
          reason +=
              "; xapi's own evacuation would refuse it ("
                  + error.get(0)
                  + "), a LiveMigration moves it";
        }
        PlannedVm entry = entry(vm, chosen, reason);
        entry.setCopiesDisks(chosen.copiesDisks());
        planned.add(entry);
      } else {
        String message = "no host can take " + vm.name() + " now: " + rejections(placement);
        planned.add(entry(vm, null, message));
        blocked.add(
            blocked(vm, Blockers.NO_HOST_FITS, List.of(), message, since(earlier, vm, look.now())));
      }
    }
    return new Plan(planned, blocked);
  }

  private static String rejections(Placement placement) {
    return placement.rejected().stream()
        .filter(r -> r.reason() != Rejection.Reason.IsSource)
        .limit(5)
        .map(r -> r.host() + ": " + r.message())
        .collect(Collectors.joining("; "));
  }

  private static PlannedVm entry(VmInfo vm, Candidate chosen, String reason) {
    PlannedVm entry = new PlannedVm();
    entry.setVm(vm.name());
    entry.setUuid(vm.uuid());
    entry.setMemoryBytes(vm.memoryBytes());
    if (chosen != null) {
      entry.setDestination(chosen.host().name());
      entry.setDestinationUuid(chosen.host().uuid());
    }
    entry.setReason(reason);
    return entry;
  }

  static BlockedVm blocked(
      VmInfo vm, String code, List<String> params, String message, String since) {
    BlockedVm blocked = new BlockedVm();
    blocked.setVm(vm.name());
    blocked.setUuid(vm.uuid());
    blocked.setCode(code);
    blocked.setParams(List.copyOf(params));
    blocked.setMessage(message);
    blocked.setSince(since);
    return blocked;
  }

  private static String since(List<BlockedVm> earlier, VmInfo vm, Instant now) {
    for (BlockedVm before : earlier) {
      if (vm.uuid().equals(before.getUuid()) && before.getSince() != null) {
        return before.getSince();
      }
    }
    return now.toString();
  }
}
