package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.AttemptOutcome;
import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.MigrationAttempt;
import io.xenmigration.api.v1alpha1.MigrationMode;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.PoolLimits;
import io.xenmigration.api.v1alpha1.StorageMigrationPolicy;
import io.xenmigration.events.EventReason;
import io.xenmigration.scheduler.Candidate;
import io.xenmigration.scheduler.HostFacts;
import io.xenmigration.scheduler.Placement;
import io.xenmigration.scheduler.PlacementRequest;
import io.xenmigration.scheduler.VmNeeds;
import io.xenmigration.xen.DestinationTicket;
import io.xenmigration.xen.HostInfo;
import io.xenmigration.xen.MigrationMaps;
import io.xenmigration.xen.PoolInventory;
import io.xenmigration.xen.VmFacts;
import io.xenmigration.xen.VmInfo;
import io.xenmigration.xen.XenApiDriver;
import io.xenmigration.xen.XenApiException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Preparing: resolves and checks the VM, decides the mode, asks the scheduler for a host and runs
 * XenAPI's pre-check on it; a host whose pre-check fails is excluded and the next is tried, up to
 * {@code maxAttempts}. Nothing moves here; the chosen host and attempt are recorded before Running
 * starts anything.
 */
final class PreparingPhase implements PhaseHandler {

  private final MigrationServices services;

  PreparingPhase(MigrationServices services) {
    this.services = services;
  }

  @Override
  public PhaseOutcome handle(MigrationContext context) throws XenApiException {
    if (context.cancelRequested()) {
      services.release(context.key());
      return PhaseOutcome.to(
              MigrationPhase.Cancelled, "Cancelled", "cancelled before anything moved")
          .event(EventReason.Cancelled);
    }
    LiveMigrationSpec spec = context.migration().getSpec();
    String poolKey = context.poolKey(spec.getPool());
    boolean crossPool = spec.getDestinationPool() != null;
    String destinationKey = crossPool ? context.poolKey(spec.getDestinationPool()) : poolKey;
    XenApiDriver source = services.driver(poolKey).orElse(null);
    XenApiDriver destination = services.driver(destinationKey).orElse(null);
    PoolInventory sourceInventory = services.inventory(poolKey).orElse(null);
    PoolInventory destinationInventory = services.inventory(destinationKey).orElse(null);
    if (source == null
        || destination == null
        || sourceInventory == null
        || destinationInventory == null) {
      services.release(context.key());
      return PhaseOutcome.to(
              MigrationPhase.Queued, "PoolNotReady", "a pool is not connected; back to the queue")
          .requeue(QueuedPhase.WAIT);
    }

    VmInfo vm = source.resolveVm(spec.getVm());
    VmFacts facts = source.vmFacts(vm.ref());
    if (!vm.powerState().equals("Running") && !vm.powerState().equals("Paused")) {
      return fail(
          context,
          "VMNotRunning",
          "VM "
              + vm.name()
              + " is "
              + vm.powerState()
              + "; only a running or paused VM can be live-migrated");
    }
    HostInfo sourceHost = sourceInventory.host(vm.residentOn());
    if (sourceHost == null || !sourceHost.live()) {
      return fail(context, "SourceHostDown", "the host running " + vm.name() + " is not live");
    }
    StorageMigrationPolicy policy = MigrationDefaults.storagePolicy(spec);
    PoolLimits limits =
        MigrationDefaults.limits(
            context.destinationPool() != null
                ? context.destinationPool().getSpec().getLimits()
                : context.sourcePool().getSpec().getLimits());
    String requestedSr =
        spec.getDestinationSR() == null ? null : destination.srRef(spec.getDestinationSR());

    List<HostFacts> hosts = new ArrayList<>();
    for (HostInfo host : destinationInventory.hosts()) {
      hosts.add(hostFacts(host));
    }
    VmNeeds needs =
        new VmNeeds(
            vm.uuid(),
            vm.name(),
            sourceHost.uuid(),
            sourceHost.platformName(),
            sourceHost.platformVersion(),
            vm.memoryBytes(),
            facts.vcpus(),
            facts.storage(),
            facts.networks());
    Set<String> excluded = excludedHosts(context, destinationInventory);
    int maxAttempts = MigrationDefaults.maxAttempts(spec);
    List<java.util.function.Consumer<MigrationStatusWriter>> tried = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    int attempts = context.status().getAttempts().size();
    String lastCode = null;
    String lastMessage = null;
    while (attempts < maxAttempts) {
      Placement placement =
          services.scheduler.place(
              new PlacementRequest(
                  context.key(),
                  needs,
                  hosts,
                  excluded,
                  spec.getDestinationHost(),
                  crossPool || policy != StorageMigrationPolicy.Never,
                  crossPool,
                  limits.getMaxInboundPerHost()));
      if (!placement.placed()) {
        PhaseOutcome failed =
            fail(
                context,
                "NoHostFits",
                lastCode == null
                    ? "no host can take "
                        + vm.name()
                        + "; see status.placement for each host's reason"
                    : "no host left to try after " + lastCode + ": " + lastMessage);
        failed.edit(w -> w.placement(null, 0, placement.rejected()));
        return withTries(failed, tried, refusals);
      }
      Candidate chosen = placement.chosen();
      HostInfo target = hostByUuid(destinationInventory, chosen.host().uuid());
      boolean copyAll = crossPool || policy == StorageMigrationPolicy.Always;
      MigrationMode mode =
          crossPool
              ? MigrationMode.CrossPoolMigrate
              : (copyAll || chosen.copiesDisks())
                  ? MigrationMode.StorageMigrate
                  : MigrationMode.PoolMigrate;
      String targetSr =
          mode == MigrationMode.PoolMigrate
              ? null
              : targetSr(requestedSr, destinationInventory, target);
      try {
        if (mode == MigrationMode.PoolMigrate) {
          source.assertCanBootHere(vm.ref(), target.ref());
        } else {
          String network =
              destination.migrationNetwork(RunningPhase.destinationNetworkName(context));
          DestinationTicket ticket = destination.prepareDestination(target.ref(), network);
          Map<String, String> disks =
              MigrationMaps.disks(facts, target.storage(), targetSr, copyAll);
          Map<String, String> nics = MigrationMaps.interfaces(facts, crossPool, network);
          source.assertCanMigrate(vm.ref(), ticket, disks, nics);
        }
      } catch (XenApiException e) {
        if (e.isTransient()) {
          services.scheduler.release(context.key());
          throw e;
        }
        String hostName = target.name();
        String code = e.code();
        String message = e.getMessage();
        tried.add(
            w ->
                w.attemptStarted(sourceHost.name(), hostName, context.now())
                    .attemptEnded(AttemptOutcome.PreCheckFailed, code, message, true));
        refusals.add(hostName + " refused: " + code + ": " + message);
        excluded.add(target.uuid());
        attempts++;
        lastCode = code;
        lastMessage = message;
        continue;
      }
      String hostName = target.name();
      MigrationMode chosenMode = mode;
      PhaseOutcome running =
          PhaseOutcome.to(
                  MigrationPhase.Running,
                  "Starting",
                  "moving "
                      + vm.name()
                      + " from "
                      + sourceHost.name()
                      + " to "
                      + hostName
                      + " ("
                      + mode
                      + ")")
              .event(EventReason.Started);
      return withTries(running, tried, refusals)
          .edit(w -> w.vm(vm.uuid(), vm.name()))
          .edit(w -> w.placement(hostName, placement.fitting(), placement.rejected()))
          .edit(w -> w.mode(chosenMode, targetSr))
          .edit(w -> w.attemptStarted(sourceHost.name(), hostName, context.now()));
    }
    PhaseOutcome exhausted =
        fail(
            context,
            lastCode == null ? "NoAttemptsLeft" : lastCode,
            "tried "
                + maxAttempts
                + " destination hosts"
                + (lastMessage == null ? "" : "; the last said " + lastMessage));
    return withTries(exhausted, tried, refusals);
  }

  /** Adds the hosts whose pre-check refused the VM: an attempt each, and a Warning event each. */
  private static PhaseOutcome withTries(
      PhaseOutcome outcome,
      List<java.util.function.Consumer<MigrationStatusWriter>> tried,
      List<String> refusals) {
    tried.forEach(outcome::edit);
    refusals.forEach(refusal -> outcome.note(EventReason.PreCheckFailed, refusal));
    return outcome;
  }

  /** Nothing has moved yet: a XenAPI error here ends the migration with its code. */
  @Override
  public PhaseOutcome failed(MigrationContext context, XenApiException error) {
    return fail(context, error.code(), error.getMessage());
  }

  private PhaseOutcome fail(MigrationContext context, String reason, String message) {
    services.release(context.key());
    return PhaseOutcome.to(MigrationPhase.Failed, reason, message).event(EventReason.Failed);
  }

  /** Hosts excluded by earlier attempts: every destination that failed, by UUID. */
  private static Set<String> excludedHosts(MigrationContext context, PoolInventory inventory) {
    Set<String> excluded = new HashSet<>();
    for (MigrationAttempt attempt : context.status().getAttempts()) {
      if (attempt.getOutcome() != null && attempt.getOutcome() != AttemptOutcome.Succeeded) {
        for (HostInfo host : inventory.hosts()) {
          if (host.name().equals(attempt.getHost())) {
            excluded.add(host.uuid());
          }
        }
      }
    }
    return excluded;
  }

  /**
   * Where copied disks go: the SR asked for, the default SR if the host sees it, else one it sees.
   */
  private static String targetSr(String requested, PoolInventory inventory, HostInfo host) {
    if (requested != null) {
      return requested;
    }
    if (inventory.defaultSr() != null && host.storage().contains(inventory.defaultSr())) {
      return inventory.defaultSr();
    }
    return new TreeSet<>(host.storage()).first();
  }

  private static HostInfo hostByUuid(PoolInventory inventory, String uuid) {
    for (HostInfo host : inventory.hosts()) {
      if (host.uuid().equals(uuid)) {
        return host;
      }
    }
    throw new IllegalStateException(
        "the scheduler chose a host the inventory does not have: " + uuid);
  }

  private static HostFacts hostFacts(HostInfo host) {
    return new HostFacts(
        host.uuid(),
        host.name(),
        host.enabled(),
        host.live(),
        host.platformName(),
        host.platformVersion(),
        host.memoryFreeBytes(),
        host.cpuCount(),
        host.storage(),
        host.networks());
  }
}
