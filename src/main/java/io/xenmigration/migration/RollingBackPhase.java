package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.AttemptOutcome;
import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationAttempt;
import io.xenmigration.api.v1alpha1.MigrationMode;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.RollbackStep;
import io.xenmigration.events.EventReason;
import io.xenmigration.xen.HostInfo;
import io.xenmigration.xen.MigrationTask;
import io.xenmigration.xen.VmFacts;
import io.xenmigration.xen.XenApiDriver;
import io.xenmigration.xen.XenApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RollingBack: stops the task if it still can be stopped (past its point of no return it lets it
 * finish and says so), makes sure the VM runs on exactly one host, removes copies a failed mirror
 * left, and then tries another host, fails or reports the cancel. Every step is recorded in the
 * status and as an event.
 */
final class RollingBackPhase implements PhaseHandler {

  static final String CANCEL_TASK = "CancelTask";
  static final String LET_FINISH = "LetFinish";
  static final String VERIFY_SOURCE = "VerifySource";
  static final String REMOVE_LEFTOVERS = "RemoveLeftovers";

  private final MigrationServices services;

  RollingBackPhase(MigrationServices services) {
    this.services = services;
  }

  /** Rollback steps taken in this reconcile, written to the status and told as events. */
  private static final class Steps {
    private record Step(String action, boolean succeeded, String message) {}

    private final List<Step> taken = new ArrayList<>();
    private final Instant now;

    Steps(Instant now) {
      this.now = now;
    }

    void add(String action, boolean succeeded, String message) {
      taken.add(new Step(action, succeeded, message));
    }

    PhaseOutcome onto(PhaseOutcome outcome) {
      for (Step step : taken) {
        outcome
            .edit(w -> w.rollbackStep(step.action(), step.succeeded(), step.message(), now))
            .note(EventReason.RollbackStep, step.action() + ": " + step.message());
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
    XenApiDriver source = pools.source();
    XenApiDriver destination = pools.destination();
    String reason = status.getReason();
    String message = status.getMessage();
    Steps steps = new Steps(context.now());
    if (status.getTaskRef() != null) {
      MigrationTask task = RunningPhase.taskOrNull(source, status.getTaskRef());
      if (task != null && !task.status().finished()) {
        // Asked once per task: a cancel takes a moment to land, and asking again adds nothing.
        boolean cancellable = task.cancellable();
        if (cancellable && !tookStep(status, CANCEL_TASK, task.ref())) {
          try {
            source.cancel(task.ref());
            steps.add(CANCEL_TASK, true, "asked XenAPI to cancel " + task.ref());
          } catch (XenApiException e) {
            if (e.isTransient()) {
              throw e;
            }
            cancellable = false; // it passed its point of no return since we looked
          }
        }
        if (!cancellable && !tookStep(status, LET_FINISH, task.ref())) {
          steps.add(
              LET_FINISH,
              true,
              "task " + task.ref() + " is past its point of no return; letting it finish");
        }
        return steps
            .onto(PhaseOutcome.to(MigrationPhase.RollingBack, reason, message))
            .requeue(RunningPhase.POLL);
      }
      if (task != null) {
        source.destroyTask(task.ref());
      }
    }
    VmWhereabouts.Found found = VmWhereabouts.find(status.getVmUuid(), source, destination);
    if (found.missing()) {
      services.release(context.key());
      steps.add(VERIFY_SOURCE, false, "the VM is in neither pool any more");
      return steps
          .onto(
              PhaseOutcome.to(
                  MigrationPhase.Failed,
                  "VMNotFound",
                  "the VM disappeared during the rollback of: " + message))
          .edit(w -> w.rollbackVerified(false))
          .event(EventReason.Failed);
    }
    String target = targetRef(context);
    if (found.inDestinationPool() && target != null && found.runsOn(target)) {
      // The move finished before it could be stopped: the VM is where it was asked to go.
      services.release(context.key());
      String done = found.vm().name() + " arrived before the migration could be stopped";
      steps.add(VERIFY_SOURCE, true, done);
      return steps
          .onto(PhaseOutcome.to(MigrationPhase.Completed, "Completed", done + " (" + reason + ")"))
          .edit(w -> w.progress(1.0, context.now()))
          .edit(w -> w.rollbackVerified(true))
          .edit(w -> w.attemptEnded(AttemptOutcome.Succeeded, "Completed", done))
          .event(EventReason.Completed);
    }
    // Cross-pool, a VM found in the destination pool but not running there is not home either.
    boolean home =
        found.runs()
            && (status.getMode() != MigrationMode.CrossPoolMigrate || !found.inDestinationPool());
    steps.add(
        VERIFY_SOURCE,
        home,
        found.vm().name() + " is " + found.vm().powerState() + " on " + found.vm().residentOn());
    removeLeftovers(status, source, destination, found, steps);

    PhaseOutcome next;
    LiveMigrationSpec spec = context.migration().getSpec();
    if (!home) {
      services.release(context.key());
      next =
          PhaseOutcome.to(
                  MigrationPhase.Failed,
                  reason,
                  message + "; afterwards the VM is " + found.vm().powerState() + ", not running")
              .event(EventReason.Failed);
    } else if (context.cancelRequested()) {
      services.release(context.key());
      next =
          PhaseOutcome.to(
                  MigrationPhase.Cancelled,
                  "Cancelled",
                  found.vm().name() + " stays on its source host")
              .event(EventReason.Cancelled);
    } else if (lastAttemptBlamesDestination(status)
        && status.getAttempts().size() < MigrationDefaults.maxAttempts(spec)) {
      services.scheduler.release(context.key());
      next =
          PhaseOutcome.to(MigrationPhase.Preparing, reason, message + "; trying another host")
              .event(EventReason.Preparing)
              .edit(w -> w.task(null))
              .requeue(Duration.ZERO);
    } else {
      services.release(context.key());
      next = PhaseOutcome.to(MigrationPhase.Failed, reason, message).event(EventReason.Failed);
    }
    return steps.onto(next).edit(w -> w.rollbackVerified(home));
  }

  /** Removes the partial disk copies a failed storage migration left on the destination SR. */
  private static void removeLeftovers(
      LiveMigrationStatus status,
      XenApiDriver source,
      XenApiDriver destination,
      VmWhereabouts.Found found,
      Steps steps)
      throws XenApiException {
    if (status.getMode() == MigrationMode.PoolMigrate || status.getDestinationSR() == null) {
      return;
    }
    VmFacts facts = source.vmFacts(found.vm().ref());
    Set<String> names = new HashSet<>();
    Set<String> ownDisks = new HashSet<>();
    for (VmFacts.Disk disk : facts.disks()) {
      names.add(disk.name());
      ownDisks.add(disk.vdi());
    }
    List<String> leftovers = new ArrayList<>();
    for (Map.Entry<String, String> vdi :
        destination.unattachedVdis(status.getDestinationSR()).entrySet()) {
      if (names.contains(vdi.getValue()) && !ownDisks.contains(vdi.getKey())) {
        leftovers.add(vdi.getKey());
      }
    }
    if (!leftovers.isEmpty()) {
      destination.destroyVdis(leftovers);
      steps.add(REMOVE_LEFTOVERS, true, "destroyed " + leftovers.size() + " partial disk copies");
    }
  }

  /** The destination host's reference, or null when the inventory no longer has it. */
  private String targetRef(MigrationContext context) {
    String name = context.status().getDestinationHost();
    return services
        .inventory(MigrationServices.destinationKey(context))
        .flatMap(i -> i.hosts().stream().filter(h -> h.name().equals(name)).findFirst())
        .map(HostInfo::ref)
        .orElse(null);
  }

  private static boolean lastAttemptBlamesDestination(LiveMigrationStatus status) {
    List<MigrationAttempt> attempts = status.getAttempts();
    return !attempts.isEmpty()
        && Boolean.TRUE.equals(attempts.get(attempts.size() - 1).getDestinationFault());
  }

  /** Whether this step was already taken for this task (its message names the task). */
  private static boolean tookStep(LiveMigrationStatus status, String action, String taskRef) {
    if (status.getRollback() == null) {
      return false;
    }
    for (RollbackStep step : status.getRollback().getSteps()) {
      if (action.equals(step.getAction())
          && step.getMessage() != null
          && step.getMessage().contains(taskRef)) {
        return true;
      }
    }
    return false;
  }
}
