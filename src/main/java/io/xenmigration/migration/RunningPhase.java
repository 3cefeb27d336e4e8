package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.AttemptOutcome;
import io.xenmigration.api.v1alpha1.IntentAction;
import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationIntent;
import io.xenmigration.api.v1alpha1.MigrationMode;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.events.EventReason;
import io.xenmigration.xen.ErrorCatalog;
import io.xenmigration.xen.HostInfo;
import io.xenmigration.xen.MigrationTask;
import io.xenmigration.xen.PoolApi;
import io.xenmigration.xen.PoolInventory;
import io.xenmigration.xen.StartedTask;
import io.xenmigration.xen.TaskTag;
import io.xenmigration.xen.VmInfo;
import io.xenmigration.xen.XenApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Running: follows the attempt's task (started by Preparing's outcome, never here), enforces the
 * timeouts, and on success checks the VM runs on its destination. When the start's result was never
 * recorded it finds the task by the attempt's tag before anything else, and judges by where the VM
 * is when no such task exists: it never starts a second migration in the same attempt.
 */
final class RunningPhase implements PhaseHandler {

  /** How often a task waited on is looked at while nothing wakes its migration sooner. */
  static final Duration POLL = Duration.ofSeconds(1);

  /**
   * How often a running task is looked at besides its events: a safety net, since every change of a
   * followed task wakes its migration at once.
   */
  static final Duration FOLLOW = Duration.ofSeconds(5);

  /**
   * How long after its intent a start that left no tagged task may still show up: a start call
   * still on its way (from a process that has since stopped) reaches the pool well within the
   * XenAPI reply timeout. Only after this is a missing task taken to mean the start never happened.
   */
  static final Duration START_GRACE = Duration.ofSeconds(60);

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
    if (status.getTaskRef() == null) {
      return resolveStart(context, pools);
    }
    PoolApi source = pools.source();
    services.tasks.follow(context.poolKey(spec.getPool()), status.getTaskRef(), context.key());
    MigrationTask task =
        services.tasks.latest(context.poolKey(spec.getPool()), status.getTaskRef()).orElse(null);
    if (task == null) {
      task = taskOrNull(source, status.getTaskRef());
    }
    if (task == null) {
      return vanished(context, pools);
    }
    TaskTag tag = context.tag();
    if (task.carries(tag)) {
      // Seen carrying the attempt's tag: proof enough for this process to put the tag back should
      // xapi overwrite it later, as for a task it started itself (a leader that took over and
      // adopted the task would otherwise lose it to the first forwarded progress).
      services.started(task.ref(), tag);
    }
    if (!task.carries(tag) && services.startedHere(task.ref(), tag)) {
      // The follower's copy may predate a tag just put back: the task itself says.
      task = taskOrNull(source, status.getTaskRef());
      if (task == null) {
        return vanished(context, pools);
      }
    }
    if (!task.carries(tag)
        && task.status() == MigrationTask.Status.PENDING
        && services.startedHere(task.ref(), tag)) {
      // xapi overwrote the tag (a forwarded migrate_send mirrors its subtask): put it back while
      // this process still knows the task is its own.
      String ref = task.ref();
      return PhaseOutcome.to(MigrationPhase.Running, "Migrating", status.getMessage())
          .act(
              SideEffect.tag(source, ref, tag),
              result ->
                  PhaseOutcome.to(MigrationPhase.Running, "Migrating", status.getMessage())
                      .requeue(POLL));
    }
    String taskUuid = task.uuid();
    if (status.getTaskUuid() == null && taskUuid != null) {
      // Known only once the task is read; recorded for people and for later proofs.
      PhaseOutcome recorded = follow(context, task);
      return recorded.edit(w -> w.task(status.getTaskRef(), taskUuid));
    }
    return follow(context, task);
  }

  /** What the task's state means: done, failed, cancelled, too slow, or still moving. */
  private PhaseOutcome follow(MigrationContext context, MigrationTask task) throws XenApiException {
    LiveMigrationStatus status = context.status();
    LiveMigrationSpec spec = context.migration().getSpec();
    switch (task.status()) {
      case SUCCESS:
        return arrived(context, task);
      case FAILURE:
      case CANCELLED:
        XenApiException error = ErrorCatalog.ofTask(task);
        boolean cancelled =
            task.status() == MigrationTask.Status.CANCELLED && context.cancelRequested();
        return rollBack(
            context,
            error.code(),
            error.getMessage(),
            cancelled ? AttemptOutcome.Cancelled : AttemptOutcome.Failed,
            !cancelled
                && ErrorCatalog.destinationFault(
                    error.code(), error.params(), sourceHostRef(context)));
      default:
        break;
    }
    Instant now = context.now();
    if (context.cancelRequested()) {
      return rollBack(
          context,
          "Cancelled",
          context.deleting() ? "deleted while running" : "cancel requested while running",
          AttemptOutcome.Cancelled,
          false);
    }
    Instant lastProgress =
        Instant.parse(
            status.getProgressTime() != null
                ? status.getProgressTime()
                : status.getPhaseTimestamps().get(MigrationPhase.Running.name()));
    Integer attemptProgress = context.attempt() == null ? null : context.attempt().getProgress();
    boolean rose =
        attemptProgress == null || (int) Math.floor(task.progress() * 100) > attemptProgress;
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
    Instant started = Instant.parse(context.attempt().getTime());
    Duration limit =
        MigrationDefaults.completionTimeout(
            spec,
            status.getMemoryBytes() == null ? 0 : status.getMemoryBytes(),
            status.getDiskBytes() == null ? 0 : status.getDiskBytes());
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

  /**
   * What a start's result means, recorded right after it was made: the task to follow, or why
   * nothing started, or (when the answer was lost) that the next look must find out.
   */
  static PhaseOutcome started(
      MigrationContext context, MigrationServices services, TaskTag tag, SideEffect.Result result) {
    if (result.ok()) {
      StartedTask task = result.value(StartedTask.class);
      services.started(task.ref(), tag);
      services.tasks.follow(
          context.poolKey(context.migration().getSpec().getPool()), task.ref(), context.key());
      PhaseOutcome running =
          PhaseOutcome.to(MigrationPhase.Running, "Migrating", "the migration task started")
              .edit(w -> w.task(task.ref(), task.uuid()))
              .requeue(FOLLOW);
      if (!task.tagged()) {
        running.note(
            EventReason.TaskNotTagged,
            "the migration task could not be tagged as this attempt's; it will not be cancelled"
                + " or destroyed by the operator unless the tag can be put back");
      }
      return running;
    }
    XenApiException error = result.error();
    if (ErrorCatalog.mayHaveTakenEffect(error)) {
      return PhaseOutcome.to(
              MigrationPhase.Running,
              "StartUnconfirmed",
              "the start got no answer ("
                  + error.code()
                  + "); looking for the attempt's task before anything else")
          .keepIntent()
          .requeue(MigrationFlow.AFTER_TRANSIENT);
    }
    // xapi refused the start, or it never reached the pool: nothing started.
    return rollBack(
        context,
        error.code(),
        error.getMessage(),
        AttemptOutcome.Failed,
        ErrorCatalog.destinationFault(error.code(), error.params(), null));
  }

  /**
   * The attempt's start was decided but its task is not recorded: the task is found by the
   * attempt's tag, in any state; failing that, the VM says what happened. Nothing is started here.
   */
  PhaseOutcome resolveStart(MigrationContext context, MigrationServices.Drivers pools)
      throws XenApiException {
    LiveMigrationStatus status = context.status();
    TaskTag tag = context.tag();
    Instant now = context.now();
    if (tag != null) {
      List<MigrationTask> found = pools.source().tasksTagged(tag);
      if (!found.isEmpty()) {
        MigrationTask task =
            found.stream()
                .filter(t -> t.status() == MigrationTask.Status.PENDING)
                .findFirst()
                .orElse(found.get(0));
        services.tasks.follow(
            context.poolKey(context.migration().getSpec().getPool()), task.ref(), context.key());
        services.started(task.ref(), tag); // found by the attempt's tag: provably its
        return PhaseOutcome.to(
                MigrationPhase.Running,
                "Migrating",
                "found the attempt's " + task.describe() + ", which its start left unrecorded")
            .edit(w -> w.task(task.ref(), task.uuid()))
            .edit(MigrationStatusWriter::intentDone)
            .requeue(Duration.ZERO);
      }
    }
    VmWhereabouts.Found found =
        VmWhereabouts.find(status.getVmUuid(), pools.source(), pools.destination());
    if (found.vm() != null && !found.vm().currentOperations().isEmpty()) {
      PoolApi where =
          found.inDestinationPool() && pools.destination() != pools.source()
              ? pools.destination()
              : pools.source();
      String operations = VmWhereabouts.describeOperations(where, found.vm());
      PhaseOutcome busy =
          PhaseOutcome.to(
                  MigrationPhase.Running,
                  "VMBusy",
                  found.vm().name()
                      + " is busy with "
                      + operations
                      + ", which does not carry this attempt's tag; waiting for it to end before"
                      + " judging the attempt")
              .requeue(PreparingPhase.WHILE_BUSY);
      if (!"VMBusy".equals(status.getReason())) {
        busy.event(EventReason.VMBusy);
      }
      return busy;
    }
    HostInfo target = target(context);
    if (target == null) {
      return unknownTarget(context, MigrationPhase.Running);
    }
    if (found.inDestinationPool() && found.runsOn(target.ref())) {
      return completed(
              context,
              found.vm().name() + " runs on " + target.name() + " (the attempt's task is gone)")
          .edit(MigrationStatusWriter::intentDone);
    }
    MigrationIntent intent = status.getIntent();
    Instant since =
        Instant.parse(
            intent != null && intent.getTime() != null
                ? intent.getTime()
                : context.attempt().getTime());
    if (Duration.between(since, now).compareTo(services.startGrace) < 0) {
      return PhaseOutcome.to(
              MigrationPhase.Running,
              "ConfirmingStart",
              "no task carries this attempt's tag yet; waiting for a start that may still be on"
                  + " its way")
          .requeue(MigrationFlow.AFTER_TRANSIENT);
    }
    return rollBack(
            context,
            "StartUnconfirmed",
            "no task carries this attempt's tag and the VM did not move: the start did not"
                + " happen, or failed before it could be tagged; nothing is started again",
            AttemptOutcome.Unconfirmed,
            false)
        .edit(MigrationStatusWriter::intentDone);
  }

  private PhaseOutcome arrived(MigrationContext context, MigrationTask task)
      throws XenApiException {
    MigrationServices.Drivers pools = services.drivers(context).orElseThrow();
    LiveMigrationStatus status = context.status();
    HostInfo target = target(context);
    if (target == null) {
      return unknownTarget(context, MigrationPhase.Running);
    }
    VmInfo vm = pools.destination().resolveVm(status.getVmUuid());
    if (!target.ref().equals(vm.residentOn()) || !"Running".equals(vm.powerState())) {
      String where = hostName(context, vm.residentOn());
      return rollBack(
          context,
          "VM_NOT_ON_DESTINATION",
          "the task succeeded but "
              + vm.name()
              + " is "
              + vm.powerState()
              + " on "
              + where
              + ", not Running on "
              + status.getDestinationHost(),
          AttemptOutcome.Failed,
          true);
    }
    String done = vm.name() + " runs on " + target.name();
    if (!task.carries(context.tag())) {
      // Not provably this attempt's task: it is left for xapi to expire, and said so.
      return completed(context, done)
          .edit(w -> w.leftover(Leftovers.task(task, "it does not carry this attempt's tag")));
    }
    // The end is written with the intent to forget the task: the VM is where it was asked to be,
    // and the slot is free, one write sooner than if the task were forgotten first.
    PoolApi source = pools.source();
    return completed(context, done)
        .act(
            SideEffect.destroyTask(source, task.ref()),
            result -> PhaseOutcome.to(MigrationPhase.Completed, "Completed", done));
  }

  private static PhaseOutcome completed(MigrationContext context, String message) {
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
        ErrorCatalog.destinationFault(error.code(), error.params(), sourceHostRef(context)));
  }

  /**
   * The recorded task is gone (destroyed before a restart, or by someone else): where the VM runs
   * tells how it ended.
   */
  private PhaseOutcome vanished(MigrationContext context, MigrationServices.Drivers pools)
      throws XenApiException {
    VmWhereabouts.Found found =
        VmWhereabouts.find(context.status().getVmUuid(), pools.source(), pools.destination());
    HostInfo target = target(context);
    if (target == null) {
      return unknownTarget(context, MigrationPhase.Running);
    }
    if (found.inDestinationPool() && found.runsOn(target.ref())) {
      return completed(context, "the task is gone and the VM runs on " + target.name());
    }
    return rollBack(
        context,
        "TaskLost",
        "the attempt's task no longer exists and the VM did not move",
        AttemptOutcome.Failed,
        false);
  }

  /**
   * The destination host is not in the pool's last inventory: where the VM is cannot be judged
   * against it, so the migration waits for the next read rather than guess.
   */
  static PhaseOutcome unknownTarget(MigrationContext context, MigrationPhase phase) {
    return PhaseOutcome.to(
            phase,
            "InventoryStale",
            "host "
                + context.status().getDestinationHost()
                + " is not in the pool's last inventory; waiting for the next read")
        .requeue(Duration.ofSeconds(5));
  }

  /** The destination host as the inventory has it (by UUID), or null when it is not known. */
  private HostInfo target(MigrationContext context) {
    String uuid = context.status().getDestinationHostUuid();
    PoolInventory inventory =
        services.inventory(MigrationServices.destinationKey(context)).orElse(null);
    return inventory == null || uuid == null ? null : inventory.hostByUuid(uuid);
  }

  private String hostName(MigrationContext context, String ref) {
    PoolInventory inventory =
        services.inventory(MigrationServices.destinationKey(context)).orElse(null);
    HostInfo host = inventory == null || ref == null ? null : inventory.host(ref);
    return host == null ? "no known host" : host.name();
  }

  /** The reference of the host the VM ran on when the attempt started, or null if unknown. */
  private String sourceHostRef(MigrationContext context) {
    String uuid = context.status().getSourceHostUuid();
    return services
        .inventory(context.poolKey(context.migration().getSpec().getPool()))
        .map(i -> uuid == null ? null : i.hostByUuid(uuid))
        .map(HostInfo::ref)
        .orElse(null);
  }

  static MigrationTask taskOrNull(PoolApi driver, String ref) throws XenApiException {
    try {
      return driver.task(ref);
    } catch (XenApiException e) {
      if ("HANDLE_INVALID".equals(e.code())) {
        return null; // destroyed already, by us before a restart or by someone else
      }
      throw e;
    }
  }

  static PhaseOutcome rollBack(
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

  /** Whether this mode copies disks, so a failed attempt may leave copies on the destination. */
  static boolean copiesDisks(MigrationMode mode) {
    return mode == MigrationMode.StorageMigrate || mode == MigrationMode.CrossPoolMigrate;
  }

  /** Whether the intent in flight is this one. */
  static boolean intends(LiveMigrationStatus status, IntentAction action) {
    return status.getIntent() != null && status.getIntent().getAction() == action;
  }
}
