package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.HostVerdict;
import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.MigrationMode;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.StorageMigrationPolicy;
import io.xenmigration.events.EventReason;
import io.xenmigration.scheduler.Candidate;
import io.xenmigration.scheduler.HostFacts;
import io.xenmigration.scheduler.Placement;
import io.xenmigration.scheduler.PlacementRequest;
import io.xenmigration.scheduler.Reservations;
import io.xenmigration.scheduler.Scheduler;
import io.xenmigration.xen.DestinationTicket;
import io.xenmigration.xen.HostInfo;
import io.xenmigration.xen.MigrationMaps;
import io.xenmigration.xen.PoolApi;
import io.xenmigration.xen.PoolInventory;
import io.xenmigration.xen.SrInfo;
import io.xenmigration.xen.VmFacts;
import io.xenmigration.xen.VmInfo;
import io.xenmigration.xen.XenApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A dry run of a LiveMigration: the scheduler ranks the hosts (up to ten), XenAPI's own pre-check
 * runs against each ({@code assert_can_boot_here} for a move within shared storage, {@code
 * host.migrate_receive} and {@code VM.assert_can_migrate} where disks are copied), and the verdicts
 * go into {@code status.placement}. It takes no slot and reserves nothing: memory held by
 * migrations in flight is not counted, only what the inventory reports free.
 */
final class DryRunPlacement {

  private final MigrationServices services;

  DryRunPlacement(MigrationServices services) {
    this.services = services;
  }

  PhaseOutcome plan(MigrationContext context) throws XenApiException {
    LiveMigrationSpec spec = context.migration().getSpec();
    boolean crossPool = spec.getDestinationPool() != null;
    String destinationKey = MigrationServices.destinationKey(context);
    PoolApi source = services.driver(context.poolKey(spec.getPool())).orElse(null);
    PoolApi destination = services.driver(destinationKey).orElse(null);
    PoolInventory sourceInventory =
        services.inventory(context.poolKey(spec.getPool())).orElse(null);
    PoolInventory destinationInventory = services.inventory(destinationKey).orElse(null);
    if (source == null
        || destination == null
        || sourceInventory == null
        || destinationInventory == null) {
      return PhaseOutcome.to(MigrationPhase.Queued, "PoolNotReady", "a pool is not connected")
          .requeue(QueuedPhase.WAIT);
    }
    VmInfo vm;
    VmFacts facts;
    try {
      vm = source.resolveVm(spec.getVm());
      facts = source.vmFacts(vm.ref());
    } catch (XenApiException e) {
      if (e.isTransient()) {
        throw e;
      }
      return PhaseOutcome.to(MigrationPhase.Failed, e.code(), e.getMessage())
          .event(EventReason.Failed);
    }
    HostInfo sourceHost = vm.residentOn() == null ? null : sourceInventory.host(vm.residentOn());
    if (sourceHost == null || !vm.runsOn(sourceHost.ref())) {
      return PhaseOutcome.to(
              MigrationPhase.Failed,
              "VMNotRunning",
              "VM " + vm.name() + " is " + vm.powerState() + "; only a running VM can be planned")
          .event(EventReason.Failed);
    }
    StorageMigrationPolicy policy = MigrationDefaults.storagePolicy(spec);
    boolean copyAll = crossPool || policy == StorageMigrationPolicy.Always;
    List<HostFacts> hosts = SchedulerFacts.hosts(destinationInventory);
    Map<String, String> held =
        context
            .maintenance()
            .held(destinationInventory.uuid(), destinationInventory.hosts(), context.migration());
    Placement placement =
        new Scheduler(new Reservations())
            .place(
                new PlacementRequest(
                    "dry-run/" + context.key(),
                    SchedulerFacts.needs(vm, sourceHost, facts),
                    hosts,
                    Set.of(),
                    spec.getDestinationHost(),
                    crossPool || policy != StorageMigrationPolicy.Never,
                    crossPool,
                    Integer.MAX_VALUE,
                    held));
    List<HostVerdict> verdicts = new ArrayList<>();
    String first = null;
    String chosenHost = null;
    for (Candidate candidate : placement.candidates()) {
      HostInfo target = destinationInventory.hostByUuid(candidate.host().uuid());
      MigrationMode mode =
          crossPool
              ? MigrationMode.CrossPoolMigrate
              : (copyAll || candidate.copiesDisks())
                  ? MigrationMode.StorageMigrate
                  : MigrationMode.PoolMigrate;
      HostVerdict verdict = new HostVerdict();
      verdict.setHost(target.name());
      verdict.setHostUuid(target.uuid());
      verdict.setMode(mode);
      try {
        if (mode == MigrationMode.PoolMigrate) {
          source.assertCanBootHere(vm.ref(), target.ref());
        } else {
          String network =
              destination.migrationNetwork(RunningPhase.destinationNetworkName(context));
          DestinationTicket ticket = destination.prepareDestination(target.ref(), network);
          SrInfo sr =
              PreparingPhase.targetSr(
                  spec.getDestinationSR() == null ? null : destination.sr(spec.getDestinationSR()),
                  destinationInventory,
                  target);
          source.assertCanMigrate(
              vm.ref(),
              ticket,
              MigrationMaps.disks(facts, target.storage(), sr.ref(), copyAll),
              MigrationMaps.interfaces(facts, crossPool, network));
        }
        verdict.setAccepted(true);
        verdict.setMessage("XenAPI's pre-check passed");
        if (first == null) {
          first = target.name() + " (" + mode + ")";
          chosenHost = target.name();
        }
      } catch (XenApiException e) {
        if (e.isTransient()) {
          throw e;
        }
        verdict.setAccepted(false);
        verdict.setCode(e.code());
        verdict.setMessage(e.getMessage());
      }
      verdicts.add(verdict);
    }
    long accepted = verdicts.stream().filter(v -> Boolean.TRUE.equals(v.getAccepted())).count();
    String message =
        first == null
            ? "no host would take " + vm.name() + "; see status.placement; nothing moved"
            : accepted
                + " of "
                + verdicts.size()
                + " candidate hosts would take "
                + vm.name()
                + ", first "
                + first
                + "; nothing moved";
    String chosen = chosenHost;
    return PhaseOutcome.to(MigrationPhase.Planned, "DryRun", message)
        .edit(w -> w.vm(vm.uuid(), vm.name()))
        .edit(w -> w.source(sourceHost.name(), sourceHost.uuid()))
        .edit(w -> w.placement(chosen, placement.fitting(), placement.rejected()))
        .edit(w -> w.verdicts(verdicts));
  }
}
