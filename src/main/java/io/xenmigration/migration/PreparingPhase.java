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
import io.xenmigration.xen.PoolApi;
import io.xenmigration.xen.PoolInventory;
import io.xenmigration.xen.SrInfo;
import io.xenmigration.xen.TaskTag;
import io.xenmigration.xen.VmFacts;
import io.xenmigration.xen.VmInfo;
import io.xenmigration.xen.XenApiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Preparing: resolves and checks the VM (a VM with any operation in progress waits, whoever runs
 * it), decides the mode, places it with the scheduler (counting what every active migration holds)
 * and runs XenAPI's pre-check on the chosen host; a host whose pre-check fails is excluded and the
 * next is tried, up to {@code maxAttempts}. Nothing moves here; the outcome names the start, which
 * is made once the attempt (host, token) is written.
 */
final class PreparingPhase implements PhaseHandler {

  /** How soon a migration waiting for its VM to be free looks again. */
  static final Duration WHILE_BUSY = Duration.ofSeconds(5);

  private final MigrationServices services;

  PreparingPhase(MigrationServices services) {
    this.services = services;
  }

  @Override
  public PhaseOutcome handle(MigrationContext context) throws XenApiException {
    if (context.cancelRequested()) {
      return PhaseOutcome.to(
              MigrationPhase.Cancelled, "Cancelled", "cancelled before anything moved")
          .event(EventReason.Cancelled);
    }
    LiveMigrationSpec spec = context.migration().getSpec();
    String poolKey = context.poolKey(spec.getPool());
    boolean crossPool = spec.getDestinationPool() != null;
    String destinationKey = MigrationServices.destinationKey(context);
    PoolApi source = services.driver(poolKey).orElse(null);
    PoolApi destination = services.driver(destinationKey).orElse(null);
    PoolInventory sourceInventory = services.inventory(poolKey).orElse(null);
    PoolInventory destinationInventory = services.inventory(destinationKey).orElse(null);
    if (source == null
        || destination == null
        || sourceInventory == null
        || destinationInventory == null) {
      return PhaseOutcome.to(
              MigrationPhase.Queued, "PoolNotReady", "a pool is not connected; back to the queue")
          .requeue(QueuedPhase.WAIT);
    }

    if (crossPool && context.destinationPool() == null) {
      // Not known is not refused: the queue waits for the destination XenPool to be seen again.
      return PhaseOutcome.to(
              MigrationPhase.Queued,
              "PoolNotFound",
              "the destination XenPool "
                  + spec.getDestinationPool()
                  + " is not known; back to the queue")
          .requeue(QueuedPhase.WAIT);
    }
    String refused =
        crossPool
            ? PoolPairing.refusal(spec.getPool(), context.destinationPool(), context.pools())
            : null;
    if (refused != null) {
      // The pairing was withdrawn while the migration waited: nothing has started yet.
      return fail("Forbidden", refused, List.of());
    }
    VmInfo vm = source.resolveVm(spec.getVm());
    List<Consumer<MigrationStatusWriter>> known = new ArrayList<>();
    known.add(w -> w.vm(vm.uuid(), vm.name()));
    HostInfo sourceHost = vm.residentOn() == null ? null : sourceInventory.host(vm.residentOn());
    if (sourceHost != null) {
      known.add(w -> w.source(sourceHost.name(), sourceHost.uuid()));
    }
    if (!vm.powerState().equals("Running") && !vm.powerState().equals("Paused")) {
      return fail(
          "VMNotRunning",
          "VM "
              + vm.name()
              + " is "
              + vm.powerState()
              + "; only a running or paused VM can be live-migrated",
          known);
    }
    if (sourceHost == null) {
      // The VM runs on a host the last inventory does not have: not known yet, so wait.
      return stay("InventoryStale", "the pool's inventory does not know the host of " + vm.name())
          .requeue(QueuedPhase.WAIT.multipliedBy(5));
    }
    String onlyFrom = HostsInMaintenance.fromHost(context.migration());
    if (onlyFrom != null && !onlyFrom.equalsIgnoreCase(sourceHost.uuid())) {
      // Made to empty a host the VM has left since (someone else moved it): moving it again
      // would move it twice.
      return fail(
          "VMLeftHost",
          "VM "
              + vm.name()
              + " no longer runs on the host this move was to empty (it runs on "
              + sourceHost.name()
              + "); it is not moved",
          known);
    }
    if (!sourceHost.live() && !source.host(sourceHost.ref()).live()) {
      return fail(
          "SourceHostDown",
          "host " + sourceHost.name() + ", which runs " + vm.name() + ", is not live",
          known);
    }
    if (!vm.currentOperations().isEmpty()) {
      return busy(context, source, vm, known);
    }
    VmFacts facts = source.vmFacts(vm.ref());
    StorageMigrationPolicy policy = MigrationDefaults.storagePolicy(spec);
    List<String> pools = pools(context);
    PoolLimits sourceLimits = context.pools().poolLimits(pools.get(0));
    PoolLimits limits = context.pools().poolLimits(pools.get(pools.size() - 1));
    SrInfo requestedSr =
        spec.getDestinationSR() == null ? null : destination.sr(spec.getDestinationSR());

    List<HostFacts> hosts = SchedulerFacts.hosts(destinationInventory);
    Map<String, String> held =
        context
            .maintenance()
            .held(destinationInventory.uuid(), destinationInventory.hosts(), context.migration());
    if (spec.getDestinationHost() != null) {
      for (HostInfo host : destinationInventory.hosts()) {
        String holder = held.get(host.uuid());
        boolean named =
            spec.getDestinationHost().equals(host.uuid())
                || spec.getDestinationHost().equals(host.name());
        if (named && holder != null) {
          // Nothing has moved: the user asked for a host that is being emptied.
          return fail(
              "DestinationInMaintenance",
              "host "
                  + host.name()
                  + " is under maintenance (HostMaintenance "
                  + holder
                  + "); name another host, leave spec.destinationHost empty, or wait for the"
                  + " maintenance to end",
              known);
        }
      }
    }
    VmNeeds needs = SchedulerFacts.needs(vm, sourceHost, facts);
    Set<String> excluded = excludedHosts(context);
    int maxAttempts = MigrationDefaults.maxAttempts(spec);
    List<Consumer<MigrationStatusWriter>> tried = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    int attempts = context.status().getAttempts().size();
    String lastCode = null;
    String lastMessage = null;
    boolean copyAll = crossPool || policy == StorageMigrationPolicy.Always;
    while (attempts < maxAttempts) {
      MigrationLedger.Placed placed =
          services.ledger.place(
              new PlacementRequest(
                  context.key(),
                  needs,
                  hosts,
                  excluded,
                  spec.getDestinationHost(),
                  crossPool || policy != StorageMigrationPolicy.Never,
                  crossPool,
                  limits.getMaxInboundPerHost(),
                  held),
              pools,
              copyAll,
              sourceLimits.getMaxParallelPerHost(),
              sourceLimits.getMaxStorageMigrationsPerHost(),
              destinationInventory.readAt(),
              context.migrations(),
              context.pools(),
              context.now());
      if (placed.hostLimited()) {
        // The VM runs on another host than the queue counted (it moved meanwhile), and that host
        // already sends as many migrations as its limit: this one waits here.
        return withTries(
            stay(
                    "HostLimit",
                    "host "
                        + sourceHost.name()
                        + " already sends "
                        + sourceLimits.getMaxParallelPerHost()
                        + " migrations, its limit")
                .requeue(QueuedPhase.WAIT),
            tried,
            refusals);
      }
      Placement placement = placed.placement();
      if (!placement.placed() && someHostBusy(placement)) {
        // A host turned down only for what it receives now will take the VM once that ends: the
        // migration waits for it, holding its slot, rather than failing for want of a free host.
        return withTries(
            stay(
                    "DestinationsBusy",
                    "every host that could take "
                        + vm.name()
                        + " already receives as many migrations as its limit allows; waiting for"
                        + " one to finish")
                .edit(w -> w.placement(null, 0, placement.rejected()))
                .requeue(QueuedPhase.WAIT),
            tried,
            refusals);
      }
      if (!placement.placed()) {
        PhaseOutcome failed =
            fail(
                "NoHostFits",
                lastCode == null
                    ? "no host can take "
                        + vm.name()
                        + "; see status.placement for each host's reason"
                    : "no host left to try after " + lastCode + ": " + lastMessage,
                known);
        failed.edit(w -> w.placement(null, 0, placement.rejected()));
        return withTries(failed, tried, refusals);
      }
      Candidate chosen = placement.chosen();
      if (placed.storageLimited()) {
        return withTries(
            stay(
                    "StorageMigrationLimit",
                    "host "
                        + sourceHost.name()
                        + " already sends "
                        + sourceLimits.getMaxStorageMigrationsPerHost()
                        + " storage migrations, the limit; "
                        + vm.name()
                        + " must copy its disks to reach "
                        + chosen.host().name())
                .requeue(QueuedPhase.WAIT),
            tried,
            refusals);
      }
      HostInfo target = destinationInventory.hostByUuid(chosen.host().uuid());
      MigrationMode mode =
          crossPool
              ? MigrationMode.CrossPoolMigrate
              : (copyAll || chosen.copiesDisks())
                  ? MigrationMode.StorageMigrate
                  : MigrationMode.PoolMigrate;
      SrInfo targetSr =
          mode == MigrationMode.PoolMigrate
              ? null
              : targetSr(requestedSr, destinationInventory, target);
      int attemptNumber = context.status().getAttempts().size() + tried.size() + 1;
      SideEffect start;
      TaskTag sealed;
      long diskBytes = 0;
      List<String> existing = null;
      try {
        if (mode == MigrationMode.PoolMigrate) {
          source.assertCanBootHere(vm.ref(), target.ref());
          sealed = tag(context, attemptNumber, mode, vm, target, null, null);
          start = SideEffect.startPoolMigrate(source, vm.ref(), target.ref(), sealed);
        } else {
          String network =
              destination.migrationNetwork(RunningPhase.destinationNetworkName(context));
          DestinationTicket ticket = destination.prepareDestination(target.ref(), network);
          Map<String, String> disks =
              MigrationMaps.disks(facts, target.storage(), targetSr.ref(), copyAll);
          Map<String, String> nics = MigrationMaps.interfaces(facts, crossPool, network);
          source.assertCanMigrate(vm.ref(), ticket, disks, nics);
          diskBytes = Leftovers.bytesCopied(facts, disks);
          existing =
              Leftovers.lookalikes(
                  facts, srUuids(sourceInventory), destination.disksOn(List.of(targetSr.ref())));
          sealed = tag(context, attemptNumber, mode, vm, target, targetSr, existing);
          start = SideEffect.startMigrateSend(source, vm.ref(), ticket, disks, nics, sealed);
        }
      } catch (XenApiException e) {
        services.ledger.settle(List.of(placed.claim()));
        if (e.isTransient()) {
          throw e;
        }
        String hostName = target.name();
        String hostUuid = target.uuid();
        String code = e.code();
        String message = e.getMessage();
        tried.add(w -> w.refused(hostName, hostUuid, code, message, context.now()));
        refusals.add(hostName + " refused: " + code + ": " + message);
        excluded.add(target.uuid());
        attempts++;
        lastCode = code;
        lastMessage = message;
        continue;
      }
      TaskTag tag = sealed;
      String hostName = target.name();
      String hostUuid = target.uuid();
      MigrationMode chosenMode = mode;
      long copied = diskBytes;
      List<String> before = existing;
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
              .event(EventReason.Started)
              .claim(placed.claim());
      known.forEach(running::edit);
      return withTries(running, tried, refusals)
          .edit(w -> w.placement(hostName, placement.fitting(), placement.rejected()))
          .edit(
              w ->
                  w.mode(
                      chosenMode,
                      targetSr == null ? null : targetSr.name(),
                      targetSr == null ? null : targetSr.uuid()))
          .edit(w -> w.sizes(vm.memoryBytes(), copied))
          .edit(w -> w.attemptStarted(hostName, hostUuid, tag.value(), before, context.now()))
          .act(start, result -> RunningPhase.started(context, services, tag, result));
    }
    PhaseOutcome exhausted =
        fail(
            lastCode == null ? "NoAttemptsLeft" : lastCode,
            "tried "
                + maxAttempts
                + " destination hosts"
                + (lastMessage == null ? "" : "; the last said " + lastMessage),
            known);
    return withTries(exhausted, tried, refusals);
  }

  /**
   * The VM has an operation in progress that is none of this migration's: nothing is started beside
   * it, and it is never touched. The migration waits, naming it.
   */
  private PhaseOutcome busy(
      MigrationContext context,
      PoolApi source,
      VmInfo vm,
      List<Consumer<MigrationStatusWriter>> known)
      throws XenApiException {
    String operations = VmWhereabouts.describeOperations(source, vm);
    PhaseOutcome busy =
        stay("VMBusy", vm.name() + " is busy with " + operations + "; waiting for it to end")
            .requeue(WHILE_BUSY);
    if (!"VMBusy".equals(context.status().getReason())) {
      busy.event(EventReason.VMBusy);
    }
    known.forEach(busy::edit);
    return busy;
  }

  /** An SR's UUID by its ref, from a pool's inventory (null for an SR it does not list). */
  static java.util.function.UnaryOperator<String> srUuids(PoolInventory inventory) {
    return ref -> {
      SrInfo sr = inventory.sr(ref);
      return sr == null ? null : sr.uuid();
    };
  }

  /** The pools the migration touches, by UUID: its own, then the destination pool if another. */
  static List<String> pools(MigrationContext context) {
    List<String> pools = new ArrayList<>();
    String source = context.status().getSourcePoolUuid();
    pools.add(source != null ? source : PoolIndex.uuidOf(context.sourcePool()));
    if (context.migration().getSpec().getDestinationPool() != null) {
      String destination = context.status().getDestinationPoolUuid();
      pools.add(destination != null ? destination : PoolIndex.uuidOf(context.destinationPool()));
    }
    return pools;
  }

  /** Adds the hosts whose pre-check refused the VM: an attempt each, and a Warning event each. */
  private static PhaseOutcome withTries(
      PhaseOutcome outcome, List<Consumer<MigrationStatusWriter>> tried, List<String> refusals) {
    tried.forEach(outcome::edit);
    refusals.forEach(refusal -> outcome.note(EventReason.PreCheckFailed, refusal));
    return outcome;
  }

  /** Nothing has moved yet: a XenAPI error here ends the migration with its code. */
  @Override
  public PhaseOutcome failed(MigrationContext context, XenApiException error) {
    return fail(error.code(), error.getMessage(), List.of());
  }

  /** Whether some host was turned down only because it already receives its limit. */
  static boolean someHostBusy(Placement placement) {
    return placement.rejected().stream()
        .anyMatch(r -> r.reason() == io.xenmigration.scheduler.Rejection.Reason.InboundLimit);
  }

  private static PhaseOutcome stay(String reason, String message) {
    return PhaseOutcome.to(MigrationPhase.Preparing, reason, message);
  }

  /**
   * The attempt's tag, sealed with the facts its rollback will judge disks by, as this look decided
   * them (not as a status says).
   */
  private static TaskTag tag(
      MigrationContext context,
      int attempt,
      MigrationMode mode,
      VmInfo vm,
      HostInfo target,
      SrInfo targetSr,
      List<String> existing) {
    return TaskTag.of(
        context.migration().getMetadata().getUid(),
        attempt,
        UUID.randomUUID().toString().substring(0, 8),
        DiskSeal.of(
            mode, vm.uuid(), target.uuid(), targetSr == null ? null : targetSr.uuid(), existing));
  }

  private static PhaseOutcome fail(
      String reason, String message, List<Consumer<MigrationStatusWriter>> known) {
    PhaseOutcome failed =
        PhaseOutcome.to(MigrationPhase.Failed, reason, message).event(EventReason.Failed);
    known.forEach(failed::edit);
    return failed;
  }

  /** Hosts excluded by earlier attempts: every destination that failed, by UUID. */
  private static Set<String> excludedHosts(MigrationContext context) {
    Set<String> excluded = new HashSet<>();
    for (MigrationAttempt attempt : context.status().getAttempts()) {
      if (attempt.getOutcome() != null
          && attempt.getOutcome() != AttemptOutcome.Succeeded
          && attempt.getHostUuid() != null) {
        excluded.add(attempt.getHostUuid());
      }
    }
    return excluded;
  }

  /**
   * Where copied disks go: the SR asked for, the default SR if the host sees it, else one it sees.
   */
  static SrInfo targetSr(SrInfo requested, PoolInventory inventory, HostInfo host) {
    if (requested != null) {
      return requested;
    }
    if (inventory.defaultSr() != null && host.storage().contains(inventory.defaultSr())) {
      return srOf(inventory, inventory.defaultSr());
    }
    return srOf(inventory, new TreeSet<>(host.storage()).first());
  }

  private static SrInfo srOf(PoolInventory inventory, String ref) {
    SrInfo sr = inventory.sr(ref);
    return sr != null ? sr : new SrInfo(ref, null, null);
  }
}
