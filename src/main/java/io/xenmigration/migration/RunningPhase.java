package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.AttemptOutcome;
import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationMode;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.events.EventReason;
import io.xenmigration.xen.DestinationTicket;
import io.xenmigration.xen.HostInfo;
import io.xenmigration.xen.MigrationMaps;
import io.xenmigration.xen.MigrationTask;
import io.xenmigration.xen.PoolInventory;
import io.xenmigration.xen.VmFacts;
import io.xenmigration.xen.VmInfo;
import io.xenmigration.xen.XenApiDriver;
import io.xenmigration.xen.XenApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Running: starts the XenAPI task once (a recorded task is followed, never started again; a VM
 * already moving or already there is recognised), follows its progress, enforces the timeouts, and
 * on success checks the VM runs on its destination.
 */
final class RunningPhase implements PhaseHandler {

  /** How often a task waited on is looked at while nothing wakes its migration sooner. */
  static final Duration POLL = Duration.ofSeconds(1);

  /**
   * How often a running task is looked at besides its events: a safety net, since every change of a
   * followed task wakes its migration at once.
   */
  static final Duration FOLLOW = Duration.ofSeconds(5);

  private final MigrationServices services;

  RunningPhase(MigrationServices services) {
    this.services = services;
  }

  @Override
  public PhaseOutcome handle(MigrationContext context) throws XenApiException {
    LiveMigrationSpec spec = context.migration().getSpec();
    LiveMigrationStatus status = context.status();
    MigrationServices.Drivers pools = services.drivers(context).orElse(null);
    if (pools == null) {
      return PhaseOutcome.waitForPools(MigrationPhase.Running);
    }
    XenApiDriver source = pools.source();
    XenApiDriver destination = pools.destination();
    if (status.getTaskRef() == null) {
      return start(context, source, destination);
    }
    services.tasks.follow(context.poolKey(spec.getPool()), status.getTaskRef(), context.key());
    MigrationTask task = services.tasks.latest(status.getTaskRef()).orElse(null);
    if (task == null) {
      task = taskOrNull(source, status.getTaskRef());
    }
    if (task == null) {
      return vanished(context, source, destination);
    }
    switch (task.status()) {
      case SUCCESS:
        return arrived(context, source, destination, task);
      case FAILURE:
      case CANCELLED:
        XenApiException error = XenApiDriver.errorOf(task);
        boolean cancelled =
            task.status() == MigrationTask.Status.CANCELLED && context.cancelRequested();
        return rollBack(
            context,
            error.code(),
            error.getMessage(),
            cancelled ? AttemptOutcome.Cancelled : AttemptOutcome.Failed,
            !cancelled
                && FailureBlame.destinationFault(
                    error.code(), error.params(), sourceHostRef(context)));
      default:
        break;
    }
    Instant now = context.now();
    if (context.cancelRequested()) {
      return rollBack(
          context, "Cancelled", "cancel requested while running", AttemptOutcome.Cancelled, false);
    }
    Instant lastProgress =
        Instant.parse(
            status.getProgressTime() != null
                ? status.getProgressTime()
                : status.getPhaseTimestamps().get(MigrationPhase.Running.name()));
    boolean rose =
        status.getProgress() == null
            || (int) Math.floor(task.progress() * 100) > status.getProgress();
    if (!rose
        && Duration.between(lastProgress, now).compareTo(MigrationDefaults.progressTimeout(spec))
            > 0) {
      return rollBack(
          context,
          "ProgressTimeout",
          "no progress for " + MigrationDefaults.progressTimeout(spec).toSeconds() + " s",
          AttemptOutcome.TimedOut,
          false);
    }
    Instant started = Instant.parse(status.getPhaseTimestamps().get(MigrationPhase.Running.name()));
    Duration limit = MigrationDefaults.completionTimeout(spec, memoryOf(context), 0);
    if (Duration.between(started, now).compareTo(limit) > 0) {
      return rollBack(
          context,
          "CompletionTimeout",
          "not done after " + limit.toSeconds() + " s",
          AttemptOutcome.TimedOut,
          false);
    }
    double progress = task.progress();
    return PhaseOutcome.to(
            MigrationPhase.Running, "Migrating", String.format("%.0f%% moved", progress * 100))
        .edit(w -> w.progress(progress, now))
        .requeue(FOLLOW);
  }

  /** The VM's memory from the pool's inventory, for the default completion timeout. */
  private long memoryOf(MigrationContext context) {
    String uuid = context.status().getVmUuid();
    return services
        .inventory(context.poolKey(context.migration().getSpec().getPool()))
        .flatMap(i -> i.vms().stream().filter(v -> v.uuid().equals(uuid)).findFirst())
        .map(VmInfo::memoryBytes)
        .orElse(0L);
  }

  /**
   * Starts the task, unless it already runs (a restart after the start, before its ref was written)
   * or already finished (the VM is on the destination).
   */
  private PhaseOutcome start(
      MigrationContext context, XenApiDriver source, XenApiDriver destination)
      throws XenApiException {
    LiveMigrationStatus status = context.status();
    LiveMigrationSpec spec = context.migration().getSpec();
    boolean crossPool = status.getMode() == MigrationMode.CrossPoolMigrate;
    PoolInventory destinationInventory = destinationInventory(context);
    HostInfo target = hostNamed(destinationInventory, status.getDestinationHost());
    if (crossPool) {
      try {
        VmInfo there = destination.resolveVm(status.getVmUuid());
        if (target.ref().equals(there.residentOn())) {
          return completed(context, "the VM was already on " + target.name());
        }
      } catch (XenApiException notThere) {
        if (notThere.isTransient()) {
          throw notThere;
        }
      }
    }
    VmInfo vm = source.resolveVm(status.getVmUuid());
    for (Map.Entry<String, String> operation : vm.currentOperations().entrySet()) {
      if (operation.getValue().equalsIgnoreCase("pool_migrate")
          || operation.getValue().equalsIgnoreCase("migrate_send")) {
        String adopted = operation.getKey();
        return PhaseOutcome.to(
                MigrationPhase.Running, "Migrating", "following the task already running")
            .edit(w -> w.task(adopted))
            .requeue(Duration.ZERO);
      }
    }
    if (!crossPool && target.ref().equals(vm.residentOn())) {
      return completed(context, "the VM was already on " + target.name());
    }
    if (context.cancelRequested()) {
      return rollBack(
          context,
          "Cancelled",
          "cancelled before the task started",
          AttemptOutcome.Cancelled,
          false);
    }
    String task;
    if (status.getMode() == MigrationMode.PoolMigrate) {
      task = source.startPoolMigrate(vm.ref(), target.ref());
    } else {
      // Disks and interfaces are read only where the maps need them.
      VmFacts facts = source.vmFacts(vm.ref());
      String network = destination.migrationNetwork(destinationNetworkName(context));
      DestinationTicket ticket = destination.prepareDestination(target.ref(), network);
      boolean copyAll =
          crossPool
              || MigrationDefaults.storagePolicy(spec)
                  == io.xenmigration.api.v1alpha1.StorageMigrationPolicy.Always;
      task =
          source.startMigrateSend(
              vm.ref(),
              ticket,
              MigrationMaps.disks(facts, target.storage(), status.getDestinationSR(), copyAll),
              MigrationMaps.interfaces(facts, crossPool, network));
    }
    String started = task;
    services.tasks.follow(context.poolKey(spec.getPool()), started, context.key());
    return PhaseOutcome.to(MigrationPhase.Running, "Migrating", "task " + task + " started")
        .edit(w -> w.task(started))
        .requeue(FOLLOW);
  }

  private PhaseOutcome arrived(
      MigrationContext context, XenApiDriver source, XenApiDriver destination, MigrationTask task)
      throws XenApiException {
    LiveMigrationStatus status = context.status();
    boolean crossPool = status.getMode() == MigrationMode.CrossPoolMigrate;
    LiveMigrationSpec spec = context.migration().getSpec();
    PoolInventory destinationInventory = destinationInventory(context);
    HostInfo target = hostNamed(destinationInventory, status.getDestinationHost());
    VmInfo vm = destination.resolveVm(status.getVmUuid());
    try {
      XenApiDriver.verifyArrived(vm, target.ref());
    } catch (XenApiException e) {
      if (e.isTransient()) {
        throw e;
      }
      return rollBack(context, e.code(), e.getMessage(), AttemptOutcome.Failed, true);
    }
    source.destroyTask(task.ref());
    return completed(context, vm.name() + " runs on " + target.name());
  }

  private PhaseOutcome completed(MigrationContext context, String message) {
    services.release(context.key());
    Instant now = context.now();
    return PhaseOutcome.to(MigrationPhase.Completed, "Completed", message)
        .edit(w -> w.progress(1.0, now))
        .edit(w -> w.attemptEnded(AttemptOutcome.Succeeded, "Completed", message))
        .event(EventReason.Completed);
  }

  /**
   * A XenAPI error this phase did not expect, such as the VM halted between the pre-check and the
   * start: the attempt failed, and the rollback makes sure the VM is where it was.
   */
  @Override
  public PhaseOutcome failed(MigrationContext context, XenApiException error) {
    if (context.status().getAttempts().isEmpty()) {
      // Not written by this operator; the rollback still checks where the VM is.
      return PhaseOutcome.to(MigrationPhase.RollingBack, error.code(), error.getMessage())
          .event(EventReason.RollingBack)
          .requeue(Duration.ZERO);
    }
    return rollBack(
        context,
        error.code(),
        error.getMessage(),
        AttemptOutcome.Failed,
        FailureBlame.destinationFault(error.code(), error.params(), sourceHostRef(context)));
  }

  /**
   * The recorded task is gone (destroyed before a restart, or by someone else): where the VM runs
   * tells how it ended.
   */
  private PhaseOutcome vanished(
      MigrationContext context, XenApiDriver source, XenApiDriver destination)
      throws XenApiException {
    VmWhereabouts.Found found =
        VmWhereabouts.find(context.status().getVmUuid(), source, destination);
    HostInfo target =
        hostNamed(destinationInventory(context), context.status().getDestinationHost());
    if (found.inDestinationPool() && found.runsOn(target.ref())) {
      return completed(context, "the task is gone and the VM runs on " + target.name());
    }
    return rollBack(
        context,
        "TaskLost",
        "task " + context.status().getTaskRef() + " no longer exists and the VM did not move",
        AttemptOutcome.Failed,
        false);
  }

  private PoolInventory destinationInventory(MigrationContext context) {
    return services.inventory(MigrationServices.destinationKey(context)).orElseThrow();
  }

  /** The reference of the host the VM ran on when the attempt started, or null if unknown. */
  private String sourceHostRef(MigrationContext context) {
    return services
        .inventory(context.poolKey(context.migration().getSpec().getPool()))
        .flatMap(
            i ->
                i.hosts().stream()
                    .filter(h -> h.name().equals(context.status().getSourceHost()))
                    .findFirst())
        .map(HostInfo::ref)
        .orElse(null);
  }

  static MigrationTask taskOrNull(XenApiDriver driver, String ref) throws XenApiException {
    try {
      return driver.task(ref);
    } catch (XenApiException e) {
      if ("HANDLE_INVALID".equals(e.code())) {
        return null; // destroyed already, by us before a restart or by someone else
      }
      throw e;
    }
  }

  private static PhaseOutcome rollBack(
      MigrationContext context,
      String code,
      String message,
      AttemptOutcome outcome,
      boolean destinationFault) {
    return PhaseOutcome.to(MigrationPhase.RollingBack, code, message)
        .edit(w -> w.attemptEnded(outcome, code, message, destinationFault))
        .event(EventReason.RollingBack)
        .requeue(Duration.ZERO);
  }

  static String destinationNetworkName(MigrationContext context) {
    var pool = context.destinationPool() != null ? context.destinationPool() : context.sourcePool();
    return pool.getSpec().getMigrationNetwork();
  }

  static HostInfo hostNamed(PoolInventory inventory, String name) {
    for (HostInfo host : inventory.hosts()) {
      if (host.name().equals(name)) {
        return host;
      }
    }
    throw new IllegalStateException("host " + name + " is no longer in the pool's inventory");
  }
}
