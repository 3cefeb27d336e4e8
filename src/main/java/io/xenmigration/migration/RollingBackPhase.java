package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.AttemptOutcome;
import io.xenmigration.api.v1alpha1.Leftover;
import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationAttempt;
import io.xenmigration.api.v1alpha1.MigrationMode;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.RollbackStep;
import io.xenmigration.events.EventReason;
import io.xenmigration.xen.DiskRecord;
import io.xenmigration.xen.HostInfo;
import io.xenmigration.xen.HostState;
import io.xenmigration.xen.MigrationTask;
import io.xenmigration.xen.PoolApi;
import io.xenmigration.xen.PoolInventory;
import io.xenmigration.xen.SrInfo;
import io.xenmigration.xen.TaskTag;
import io.xenmigration.xen.VmFacts;
import io.xenmigration.xen.XenApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RollingBack: stops the attempt's task if it still can be stopped (past its point of no return it
 * lets it finish and says so), forgets it once it has ended, removes the disk copies a failed
 * storage migration provably left, makes sure the VM runs on exactly one live host, and then tries
 * another host, fails or reports the cancel. Only a task carrying the attempt's tag is cancelled or
 * destroyed, and only VDIs {@link Leftovers} proves the attempt's are destroyed; anything else is
 * kept and listed. Every step is recorded in the status and as an event, one side effect per look.
 */
final class RollingBackPhase implements PhaseHandler {

  static final String CANCEL_TASK = "CancelTask";
  static final String LET_FINISH = "LetFinish";
  static final String KEEP_TASK = "KeepTask";
  static final String DESTROY_TASK = "DestroyTask";
  static final String CHECK_LEFTOVERS = "CheckLeftovers";
  static final String REMOVE_LEFTOVERS = "RemoveLeftovers";
  static final String VERIFY_SOURCE = "VerifySource";

  private final MigrationServices services;

  RollingBackPhase(MigrationServices services) {
    this.services = services;
  }

  /** Rollback steps taken in this reconcile, written to the status and told as events. */
  private static final class Steps {
    private record Step(String action, boolean succeeded, String message) {}

    private final List<Step> taken = new ArrayList<>();
    private final List<Leftover> kept = new ArrayList<>();
    private final Instant now;

    Steps(Instant now) {
      this.now = now;
    }

    void add(String action, boolean succeeded, String message) {
      taken.add(new Step(action, succeeded, message));
    }

    void keep(Leftover leftover) {
      kept.add(leftover);
    }

    PhaseOutcome onto(PhaseOutcome outcome) {
      for (Step step : taken) {
        outcome
            .edit(w -> w.rollbackStep(step.action(), step.succeeded(), step.message(), now))
            .note(EventReason.RollbackStep, step.action() + ": " + step.message());
      }
      for (Leftover leftover : kept) {
        outcome
            .edit(w -> w.leftover(leftover))
            .note(
                EventReason.LeftoverKept,
                leftover.getKind()
                    + " "
                    + leftover.getUuid()
                    + " ("
                    + leftover.getName()
                    + (leftover.getSr() == null ? "" : " on SR " + leftover.getSr())
                    + ") kept: "
                    + leftover.getReason());
      }
      return outcome;
    }
  }

  @Override
  public PhaseOutcome handle(MigrationContext context) throws XenApiException {
    LiveMigrationStatus status = context.status();
    MigrationServices.Drivers pools = services.drivers(context).orElse(null);
    if (pools == null) {
      return PhaseOutcome.waitForPools(MigrationPhase.RollingBack);
    }
    PoolApi source = pools.source();
    Steps steps = new Steps(context.now());
    TaskTag tag = context.tag();
    if (status.getTaskRef() != null) {
      MigrationTask task = RunningPhase.taskOrNull(source, status.getTaskRef());
      boolean owned = task != null && task.carries(tag);
      if (task != null && !task.status().finished()) {
        if (owned && task.cancellable() && mayAskToCancel(context)) {
          return steps
              .onto(stay(context))
              .act(
                  SideEffect.cancel(source, task.ref()),
                  result -> cancelled(context, task, result));
        }
        if (owned && !task.cancellable() && !took(context, LET_FINISH)) {
          steps.add(
              LET_FINISH,
              true,
              task.describe() + " is past its point of no return; letting it finish");
        }
        if (!owned && !took(context, KEEP_TASK)) {
          keepTask(steps, task);
        }
        return steps.onto(stay(context)).requeue(RunningPhase.POLL);
      }
      if (task != null && owned && !took(context, DESTROY_TASK)) {
        // The copies are judged while the task, whose tag seals what they are judged by, is
        // still there to prove it.
        PhaseOutcome copies = leftovers(context, pools, steps, task);
        if (copies != null) {
          return copies;
        }
        return steps
            .onto(stay(context))
            .act(
                SideEffect.destroyTask(source, task.ref()),
                result ->
                    recorded(
                        context,
                        DESTROY_TASK,
                        result,
                        "forgot " + task.describe(),
                        "could not forget " + task.describe()));
      }
      if (task != null && !took(context, KEEP_TASK)) {
        if (owned) {
          String why = "XenAPI refused to forget it";
          steps.add(KEEP_TASK, true, task.describe() + " is kept: " + why);
          steps.keep(Leftovers.task(task, why));
        } else {
          keepTask(steps, task);
        }
      }
    }
    PhaseOutcome leftovers = leftovers(context, pools, steps, null);
    if (leftovers != null) {
      return leftovers;
    }
    return verify(context, pools, steps);
  }

  private static void keepTask(Steps steps, MigrationTask task) {
    String why = "it does not carry this attempt's tag, so it is not provably the operator's";
    steps.add(KEEP_TASK, true, task.describe() + " is left alone: " + why);
    steps.keep(Leftovers.task(task, why));
  }

  /** What a cancel request's answer means: asked (it lands in a moment), or refused. */
  private static PhaseOutcome cancelled(
      MigrationContext context, MigrationTask task, SideEffect.Result result) {
    Steps steps = new Steps(context.now());
    if (result.ok()) {
      steps.add(CANCEL_TASK, true, "asked XenAPI to cancel " + task.describe());
      return steps.onto(stay(context)).requeue(RunningPhase.POLL);
    }
    XenApiException error = result.error();
    if (error.isTransient()) {
      // Maybe asked, maybe not: the next look sees the task and asks again if it still can.
      return stay(context).requeue(MigrationFlow.AFTER_TRANSIENT);
    }
    steps.add(
        CANCEL_TASK,
        false,
        "XenAPI refused to cancel " + task.describe() + ": " + error.getMessage());
    return steps.onto(stay(context)).requeue(RunningPhase.POLL);
  }

  /** A side effect's result as a step: done, or (a terminal refusal) not done, and go on. */
  private static PhaseOutcome recorded(
      MigrationContext context,
      String action,
      SideEffect.Result result,
      String done,
      String notDone) {
    Steps steps = new Steps(context.now());
    if (result.ok()) {
      steps.add(action, true, done);
    } else if (result.error().isTransient()) {
      return stay(context).requeue(MigrationFlow.AFTER_TRANSIENT);
    } else {
      steps.add(action, false, notDone + ": " + result.error().getMessage());
    }
    return steps.onto(stay(context)).requeue(Duration.ZERO);
  }

  /**
   * The disk copies a failed storage migration left: judged once per attempt, and only when the
   * attempt started a task (a migration that never started copied nothing). A copy goes only when
   * {@code proof}, a task carrying the attempt's tag, is there and its seal matches the status the
   * copies are judged by; otherwise every copy is kept and reported. Returns the outcome that
   * destroys the provable ones, or null to go on.
   */
  private PhaseOutcome leftovers(
      MigrationContext context, MigrationServices.Drivers pools, Steps steps, MigrationTask proof)
      throws XenApiException {
    LiveMigrationStatus status = context.status();
    MigrationAttempt attempt = context.attempt();
    if (!RunningPhase.copiesDisks(status.getMode())
        || attempt == null
        || context.tag() == null
        || status.getDestinationSRUuid() == null
        || took(context, CHECK_LEFTOVERS)
        || took(context, REMOVE_LEFTOVERS)) {
      return null;
    }
    if (status.getTaskRef() == null && attempt.getTaskUuid() == null) {
      // No task of the attempt is known. An unconfirmed start may have started one after all (its
      // answer lost before it could be tagged): what it copied cannot be proven the attempt's, so
      // it is only reported. An attempt refused before its start copied nothing.
      if (attempt.getOutcome() != AttemptOutcome.Unconfirmed) {
        return null;
      }
      return reportUnjudged(
              context,
              pools,
              steps,
              "the attempt may have started a storage migration that could not be found, so this"
                  + " copy is not provably its")
          ? null
          : PhaseOutcome.waitForPools(MigrationPhase.RollingBack);
    }
    String unsealed = unsealed(context, proof);
    if (unsealed != null) {
      // Checked before anything the status names is looked up, so that a patched SR or host
      // cannot make it destroy anything; what is found is only reported, as best it can be.
      if (!reportUnjudged(context, pools, steps, "not removed: " + unsealed)) {
        return PhaseOutcome.waitForPools(MigrationPhase.RollingBack);
      }
      steps.add(CHECK_LEFTOVERS, false, "no copies are judged or removed: " + unsealed);
      return null;
    }
    VmWhereabouts.Found found =
        VmWhereabouts.find(status.getVmUuid(), pools.source(), pools.destination());
    HostInfo target = target(context);
    if (target == null) {
      return steps.onto(RunningPhase.unknownTarget(context, MigrationPhase.RollingBack));
    }
    boolean home =
        found.vm() != null
            && !found.runsOn(target.ref())
            && (status.getMode() != MigrationMode.CrossPoolMigrate || !found.inDestinationPool());
    if (!home) {
      // The VM is gone or arrived: its disks cannot be told apart from copies, so none go.
      if (!reportUnjudged(
          context, pools, steps, "not removed: the VM is not where it was after the attempt")) {
        return PhaseOutcome.waitForPools(MigrationPhase.RollingBack);
      }
      steps.add(
          CHECK_LEFTOVERS, false, "the VM is not where it was; no copies are judged or removed");
      return null;
    }
    PoolApi destination = pools.destination();
    SrInfo sr = sr(context, destination, status.getDestinationSRUuid());
    VmFacts facts = pools.source().vmFacts(found.vm().ref());
    List<DiskRecord> onDestination = destination.disksOn(List.of(sr.ref()));
    boolean stillMigrating = !found.vm().currentOperations().isEmpty();
    PoolInventory sourceInventory =
        services.inventory(context.poolKey(context.migration().getSpec().getPool())).orElse(null);
    if (sourceInventory == null) {
      return PhaseOutcome.waitForPools(MigrationPhase.RollingBack);
    }
    Leftovers.Judgement judgement =
        Leftovers.judge(
            facts,
            PreparingPhase.srUuids(sourceInventory),
            onDestination,
            attempt.getExistingDisks(),
            stillMigrating);
    judgement.keep().forEach(steps::keep);
    if (judgement.destroy().isEmpty()) {
      steps.add(
          CHECK_LEFTOVERS,
          true,
          judgement.keep().isEmpty()
              ? "no copies left on SR " + sr.name()
              : judgement.keep().size() + " possible copies on SR " + sr.name() + " kept");
      return null;
    }
    return steps
        .onto(stay(context))
        .act(
            SideEffect.destroyDisks(destination, judgement.destroy()),
            result -> removed(context, sr, result));
  }

  /**
   * Reports, and never destroys, the copies of the VM's disks on the destination SR the status
   * names that were not there before the attempt, when they cannot be judged: a copy nobody can
   * prove is still listed. Returns false while the source pool's inventory is not known yet (the
   * look waits); a pool that fails for a passing reason throws, and the look is made again; an SR
   * or VM the pool does not know (a patched status) adds nothing and holds nothing up.
   */
  private boolean reportUnjudged(
      MigrationContext context, MigrationServices.Drivers pools, Steps steps, String reason)
      throws XenApiException {
    LiveMigrationStatus status = context.status();
    PoolInventory sourceInventory =
        services.inventory(context.poolKey(context.migration().getSpec().getPool())).orElse(null);
    if (sourceInventory == null) {
      return false;
    }
    if (status.getVmUuid() == null) {
      return true;
    }
    try {
      VmWhereabouts.Found found =
          VmWhereabouts.find(status.getVmUuid(), pools.source(), pools.destination());
      if (found.vm() == null
          || (status.getMode() == MigrationMode.CrossPoolMigrate && found.inDestinationPool())) {
        return true; // gone, or its disks are in the other pool now: nothing to tell copies by
      }
      PoolApi destination = pools.destination();
      SrInfo sr = destination.sr(status.getDestinationSRUuid());
      VmFacts facts = pools.source().vmFacts(found.vm().ref());
      Leftovers.unjudged(
              facts,
              PreparingPhase.srUuids(sourceInventory),
              destination.disksOn(List.of(sr.ref())),
              context.attempt().getExistingDisks(),
              reason)
          .forEach(steps::keep);
    } catch (XenApiException e) {
      if (e.isTransient()) {
        throw e;
      }
      // Not known to the pool (a status patched to name another SR, say): nothing more to list.
    }
    return true;
  }

  /**
   * Why the status cannot be trusted to destroy copies by, or null when it can: the attempt's task
   * is there, carries the attempt's tag, and the tag's seal was made of the mode, VM, host, SR and
   * lookalikes the status names now.
   */
  private static String unsealed(MigrationContext context, MigrationTask proof) {
    LiveMigrationStatus status = context.status();
    TaskTag tag = context.tag();
    if (proof == null || !proof.carries(tag)) {
      return "the attempt's task is no longer there to prove what the attempt copied (gone, or"
          + " xapi overwrote its tag)";
    }
    if (!DiskSeal.matches(
        tag.seal(),
        status.getMode(),
        status.getVmUuid(),
        status.getDestinationHostUuid(),
        status.getDestinationSRUuid(),
        context.attempt().getExistingDisks())) {
      return "the status does not match the seal on the attempt's task (it was changed since the"
          + " attempt started), so it is not trusted to destroy anything";
    }
    return null;
  }

  private static PhaseOutcome removed(
      MigrationContext context, SrInfo sr, SideEffect.Result result) {
    Steps steps = new Steps(context.now());
    if (!result.ok()) {
      if (result.error().isTransient()) {
        return stay(context).requeue(MigrationFlow.AFTER_TRANSIENT);
      }
      steps.add(REMOVE_LEFTOVERS, false, "could not remove copies: " + result.error().getMessage());
      return steps.onto(stay(context)).requeue(Duration.ZERO);
    }
    SideEffect.DisksDestroyed done = result.value(SideEffect.DisksDestroyed.class);
    for (Map.Entry<DiskRecord, XenApiException> refused : done.refused().entrySet()) {
      steps.keep(
          Leftovers.disk(
              refused.getKey(),
              "XenAPI refused to destroy it: " + refused.getValue().getMessage()));
    }
    steps.add(
        REMOVE_LEFTOVERS,
        done.refused().isEmpty(),
        "destroyed "
            + done.destroyed().size()
            + " copies the failed attempt left on SR "
            + sr.name()
            + ": "
            + String.join(", ", done.destroyed().stream().map(DiskRecord::uuid).toList()));
    return steps.onto(stay(context)).requeue(Duration.ZERO);
  }

  /** Where the VM is now decides how the rollback ends. */
  private PhaseOutcome verify(
      MigrationContext context, MigrationServices.Drivers pools, Steps steps)
      throws XenApiException {
    LiveMigrationStatus status = context.status();
    String reason = status.getReason();
    String message = status.getMessage();
    VmWhereabouts.Found found =
        VmWhereabouts.find(status.getVmUuid(), pools.source(), pools.destination());
    if (found.missing()) {
      steps.add(VERIFY_SOURCE, false, "the VM is in neither pool any more");
      return steps
          .onto(
              PhaseOutcome.to(
                  MigrationPhase.Failed,
                  "VMNotFound",
                  "the VM disappeared during the rollback of: " + message))
          .edit(w -> w.rollbackVerified(false, "the VM is in neither pool"))
          .event(EventReason.Failed);
    }
    HostInfo target = target(context);
    if (target == null && context.status().getDestinationHostUuid() != null) {
      return steps.onto(RunningPhase.unknownTarget(context, MigrationPhase.RollingBack));
    }
    if (target != null && found.inDestinationPool() && found.runsOn(target.ref())) {
      // The move finished before it could be stopped: the VM is where it was asked to go.
      String done = found.vm().name() + " arrived before the migration could be stopped";
      steps.add(VERIFY_SOURCE, true, done);
      return steps
          .onto(PhaseOutcome.to(MigrationPhase.Completed, "Completed", done + " (" + reason + ")"))
          .edit(w -> w.progress(1.0, context.now()))
          .edit(w -> w.rollbackVerified(true, done))
          .edit(w -> w.attemptEnded(AttemptOutcome.Succeeded, "Completed", done))
          .event(EventReason.Completed);
    }
    // Cross-pool, a VM found in the destination pool but not running there is not home either.
    boolean runs =
        found.runs()
            && (status.getMode() != MigrationMode.CrossPoolMigrate || !found.inDestinationPool());
    PoolApi where = found.inDestinationPool() ? pools.destination() : pools.source();
    HostState host = found.vm().residentOn() == null ? null : where.host(found.vm().residentOn());
    String hostName = host == null ? "no host" : "host " + host.name();
    boolean home = runs && host != null && host.live();
    String finding =
        home
            ? found.vm().name() + " is " + found.vm().powerState() + " on " + hostName
            : runs
                ? found.vm().name()
                    + " is reported "
                    + found.vm().powerState()
                    + " on "
                    + hostName
                    + ", which is not live: it may not be running"
                : found.vm().name() + " is " + found.vm().powerState() + ", on " + hostName;
    steps.add(VERIFY_SOURCE, home, finding);

    PhaseOutcome next;
    LiveMigrationSpec spec = context.migration().getSpec();
    if (!home) {
      next =
          PhaseOutcome.to(
                  MigrationPhase.Failed,
                  runs ? "SourceHostDown" : "VMNotRunning",
                  reason + ": " + message + "; afterwards " + finding)
              .event(EventReason.Failed);
    } else if (context.cancelRequested()) {
      next =
          PhaseOutcome.to(
                  MigrationPhase.Cancelled,
                  "Cancelled",
                  found.vm().name() + " stays on " + hostName)
              .event(EventReason.Cancelled);
    } else if (lastAttemptBlamesDestination(status)
        && status.getAttempts().size() < MigrationDefaults.maxAttempts(spec)) {
      next =
          PhaseOutcome.to(MigrationPhase.Preparing, reason, message + "; trying another host")
              .event(EventReason.Preparing)
              .edit(w -> w.task(null, null))
              .requeue(Duration.ZERO);
    } else {
      next = PhaseOutcome.to(MigrationPhase.Failed, reason, message).event(EventReason.Failed);
    }
    return steps.onto(next).edit(w -> w.rollbackVerified(home, finding));
  }

  private static PhaseOutcome stay(MigrationContext context) {
    return PhaseOutcome.to(
        MigrationPhase.RollingBack, context.status().getReason(), context.status().getMessage());
  }

  private SrInfo sr(MigrationContext context, PoolApi destination, String uuid)
      throws XenApiException {
    PoolInventory inventory =
        services.inventory(MigrationServices.destinationKey(context)).orElse(null);
    SrInfo known = inventory == null ? null : inventory.srByUuid(uuid);
    return known != null ? known : destination.sr(uuid);
  }

  /** The destination host as the inventory has it (by UUID), or null when it is not known. */
  private HostInfo target(MigrationContext context) {
    String uuid = context.status().getDestinationHostUuid();
    return services
        .inventory(MigrationServices.destinationKey(context))
        .map(i -> uuid == null ? null : i.hostByUuid(uuid))
        .orElse(null);
  }

  private static boolean lastAttemptBlamesDestination(LiveMigrationStatus status) {
    List<MigrationAttempt> attempts = status.getAttempts();
    return !attempts.isEmpty()
        && Boolean.TRUE.equals(attempts.get(attempts.size() - 1).getDestinationFault());
  }

  /** How long a cancel that left the task running waits before it is asked again. */
  static final Duration CANCEL_AGAIN_AFTER = Duration.ofSeconds(60);

  /** How often a cancel is asked for one attempt at most. */
  static final int MOST_CANCELS = 5;

  /**
   * Whether to ask for the attempt's task to be cancelled now: not asked yet, or asked a while ago
   * and the task still runs (a cancel whose answer was lost may never have reached the pool).
   */
  static boolean mayAskToCancel(MigrationContext context) {
    LiveMigrationStatus status = context.status();
    if (status.getRollback() == null) {
      return true;
    }
    int attempt = status.getAttempts().size();
    List<RollbackStep> asked =
        status.getRollback().getSteps().stream()
            .filter(s -> CANCEL_TASK.equals(s.getAction()))
            .filter(s -> s.getAttempt() != null && s.getAttempt() == attempt)
            .toList();
    if (asked.isEmpty()) {
      return true;
    }
    if (asked.size() >= MOST_CANCELS) {
      return false;
    }
    Instant last = Instant.parse(asked.get(asked.size() - 1).getTime());
    return !context.now().isBefore(last.plus(CANCEL_AGAIN_AFTER));
  }

  /** Whether this step was already taken for the current attempt. */
  static boolean took(MigrationContext context, String action) {
    LiveMigrationStatus status = context.status();
    if (status.getRollback() == null) {
      return false;
    }
    int attempt = status.getAttempts().size();
    for (RollbackStep step : status.getRollback().getSteps()) {
      if (action.equals(step.getAction())
          && step.getAttempt() != null
          && step.getAttempt() == attempt) {
        return true;
      }
    }
    return false;
  }
}
