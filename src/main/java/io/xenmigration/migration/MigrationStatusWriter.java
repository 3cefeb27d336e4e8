package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.AttemptOutcome;
import io.xenmigration.api.v1alpha1.HostRejection;
import io.xenmigration.api.v1alpha1.IntentAction;
import io.xenmigration.api.v1alpha1.Leftover;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationAttempt;
import io.xenmigration.api.v1alpha1.MigrationIntent;
import io.xenmigration.api.v1alpha1.MigrationMode;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.Placement;
import io.xenmigration.api.v1alpha1.RollbackStatus;
import io.xenmigration.api.v1alpha1.RollbackStep;
import io.xenmigration.scheduler.Rejection;
import io.xenmigration.status.Conditions;
import io.xenmigration.status.SafeText;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a LiveMigration's status: the only place it changes. Phase changes follow the machine
 * {@link MigrationPhase} describes, each stamped with its time; {@code Progressing} and {@code
 * Succeeded} follow the phase; progress never goes down.
 */
public final class MigrationStatusWriter {

  /** True while the operator works on the migration. */
  public static final String PROGRESSING = "Progressing";

  /** True when the VM arrived, False when the migration failed or was cancelled. */
  public static final String SUCCEEDED = "Succeeded";

  /** How many rejected hosts are listed in the status; the rest are counted. */
  static final int LISTED_REJECTIONS = 20;

  private final LiveMigration migration;
  private final LiveMigrationStatus status;

  /** A writer for this migration's status, created on first sight. */
  public MigrationStatusWriter(LiveMigration migration) {
    this.migration = migration;
    if (migration.getStatus() == null) {
      migration.setStatus(new LiveMigrationStatus());
    }
    this.status = migration.getStatus();
  }

  public LiveMigrationStatus status() {
    return status;
  }

  /**
   * Moves to a phase (or records a new reason in the same phase). Refuses a transition the machine
   * does not allow: that is a bug, never input.
   */
  public MigrationStatusWriter phase(
      MigrationPhase next, String reason, String message, Instant now) {
    MigrationPhase current = status.getPhase();
    if (current != null && current != next && !current.canGoTo(next)) {
      throw new IllegalStateException("no transition from " + current + " to " + next);
    }
    if (status.getStartTime() == null) {
      status.setStartTime(now.toString());
    }
    if (current != next) {
      status.getPhaseTimestamps().put(next.name(), now.toString());
    }
    status.setPhase(next);
    status.setReason(SafeText.reason(reason));
    status.setMessage(SafeText.safe(message));
    status.setObservedGeneration(migration.getMetadata().getGeneration());
    Long generation = migration.getMetadata().getGeneration();
    status.setConditions(
        Conditions.set(
            status.getConditions(),
            PROGRESSING,
            !next.isTerminal(),
            reason,
            message,
            generation,
            now));
    if (next.isTerminal() && (current != next || status.getCompletionTime() == null)) {
      status.setCompletionTime(now.toString());
      // A dry run neither succeeded nor failed at moving anything: it has no Succeeded condition.
      if (next == MigrationPhase.Planned) {
        return this;
      }
      status.setConditions(
          Conditions.set(
              status.getConditions(),
              SUCCEEDED,
              next == MigrationPhase.Completed,
              reason,
              message,
              generation,
              now));
    }
    return this;
  }

  /**
   * Records progress from a task's 0..1 fraction: the current attempt's own, and the migration's,
   * which never goes down (another host tried starts its attempt at 0, not the migration). The
   * progress timeout counts from when the attempt's progress last rose.
   */
  public MigrationStatusWriter progress(double fraction, Instant now) {
    int percent = (int) Math.floor(Math.max(0, Math.min(1, fraction)) * 100);
    MigrationAttempt current = currentAttempt();
    if (current != null) {
      Integer before = current.getProgress();
      if (before == null || percent > before) {
        current.setProgress(percent);
        status.setProgressTime(now.toString());
      }
    }
    Integer overall = status.getProgress();
    if (overall == null || percent > overall) {
      status.setProgress(percent);
      if (current == null) {
        status.setProgressTime(now.toString());
      }
    }
    return this;
  }

  /** Records the scheduler's decision: the chosen host, how many fitted, who was turned down. */
  public MigrationStatusWriter placement(
      String chosen, int candidates, List<Rejection> rejections) {
    Placement placement = new Placement();
    placement.setChosen(chosen);
    placement.setCandidates(candidates);
    List<HostRejection> listed = new ArrayList<>();
    for (Rejection rejection : rejections) {
      if (listed.size() == LISTED_REJECTIONS) {
        HostRejection more = new HostRejection();
        more.setHost("(" + (rejections.size() - LISTED_REJECTIONS) + " more)");
        more.setReason("not listed");
        listed.add(more);
        break;
      }
      HostRejection row = new HostRejection();
      row.setHost(rejection.host());
      row.setReason(rejection.reason() + ": " + rejection.message());
      listed.add(row);
    }
    placement.setRejected(listed);
    status.setPlacement(placement);
    return this;
  }

  /** Records a dry run's verdict on each candidate host, with the placement already written. */
  public MigrationStatusWriter verdicts(List<io.xenmigration.api.v1alpha1.HostVerdict> verdicts) {
    if (status.getPlacement() != null) {
      status.getPlacement().setVerdicts(new ArrayList<>(verdicts));
    }
    return this;
  }

  /** Records which VM the spec named, and the host it runs on. */
  public MigrationStatusWriter vm(String uuid, String name) {
    status.setVmUuid(uuid);
    status.setVmName(name);
    return this;
  }

  /** Records the host the VM leaves, as soon as it is known (also for a migration that fails). */
  public MigrationStatusWriter source(String hostName, String hostUuid) {
    status.setSourceHost(hostName);
    status.setSourceHostUuid(hostUuid);
    return this;
  }

  /** Records the pools' identities, by which the migration's limits are counted. */
  public MigrationStatusWriter pools(String sourcePoolUuid, String destinationPoolUuid) {
    status.setSourcePoolUuid(sourcePoolUuid);
    status.setDestinationPoolUuid(destinationPoolUuid);
    return this;
  }

  /** Records what the migration moves: the VM's memory and the disk bytes copied. */
  public MigrationStatusWriter sizes(long memoryBytes, long diskBytes) {
    status.setMemoryBytes(memoryBytes);
    status.setDiskBytes(diskBytes);
    return this;
  }

  /**
   * Starts an attempt on a host, before any XenAPI side effect on it: the write-ahead record a
   * restarted operator reads to know what it was doing, with the token only its task will carry.
   */
  public MigrationStatusWriter attemptStarted(
      String hostName, String hostUuid, String token, List<String> existingDisks, Instant now) {
    MigrationAttempt attempt = new MigrationAttempt();
    attempt.setHost(hostName);
    attempt.setHostUuid(hostUuid);
    attempt.setToken(token);
    attempt.setTime(now.toString());
    attempt.setProgress(0);
    // Empty is a finding (nothing was there), null is none (not a storage migration).
    attempt.setExistingDisks(existingDisks == null ? null : List.copyOf(existingDisks));
    status.getAttempts().add(attempt);
    status.setAttempt(status.getAttempts().size());
    status.setDestinationHost(hostName);
    status.setDestinationHostUuid(hostUuid);
    status.setTaskRef(null);
    status.setTaskUuid(null);
    status.setProgressTime(now.toString());
    if (status.getProgress() == null) {
      status.setProgress(0);
    }
    return this;
  }

  /** Records a host whose pre-check refused the VM: an attempt that ended before it started. */
  public MigrationStatusWriter refused(
      String hostName, String hostUuid, String code, String message, Instant now) {
    MigrationAttempt attempt = new MigrationAttempt();
    attempt.setHost(hostName);
    attempt.setHostUuid(hostUuid);
    attempt.setTime(now.toString());
    attempt.setOutcome(AttemptOutcome.PreCheckFailed);
    attempt.setReason(SafeText.reason(code));
    attempt.setMessage(SafeText.safe(message));
    attempt.setDestinationFault(Boolean.TRUE);
    status.getAttempts().add(attempt);
    status.setAttempt(status.getAttempts().size());
    return this;
  }

  /** Ends the current attempt with its outcome; the destination host is not blamed. */
  public MigrationStatusWriter attemptEnded(AttemptOutcome outcome, String reason, String message) {
    return attemptEnded(outcome, reason, message, false);
  }

  /**
   * Ends the current attempt with its outcome, saying whether the failure lay with the destination
   * host (then another host may be tried).
   */
  public MigrationStatusWriter attemptEnded(
      AttemptOutcome outcome, String reason, String message, boolean destinationFault) {
    MigrationAttempt current = currentAttempt();
    if (current == null) {
      throw new IllegalStateException("no attempt to end");
    }
    current.setOutcome(outcome);
    current.setReason(SafeText.reason(reason));
    current.setMessage(SafeText.safe(message));
    current.setDestinationFault(destinationFault ? Boolean.TRUE : null);
    return this;
  }

  /** Records how the VM moves and the SR its disks are copied to (null when they stay). */
  public MigrationStatusWriter mode(MigrationMode mode, String srName, String srUuid) {
    status.setMode(mode);
    status.setDestinationSR(srName);
    status.setDestinationSRUuid(srUuid);
    return this;
  }

  /** Records the attempt's task once it exists. */
  public MigrationStatusWriter task(String taskRef, String taskUuid) {
    status.setTaskRef(taskRef);
    status.setTaskUuid(taskUuid);
    MigrationAttempt current = currentAttempt();
    if (current != null && taskUuid != null) {
      current.setTaskUuid(taskUuid);
    }
    return this;
  }

  /** Names the side effect about to be made; written before it is made. */
  public MigrationStatusWriter intent(IntentAction action, List<String> disks, Instant now) {
    MigrationIntent intent = new MigrationIntent();
    intent.setAction(action);
    intent.setAttempt(status.getAttempts().isEmpty() ? null : status.getAttempts().size());
    intent.setDisks(disks == null || disks.isEmpty() ? null : List.copyOf(disks));
    intent.setTime(now.toString());
    status.setIntent(intent);
    return this;
  }

  /** The side effect in flight is over: its result is being recorded. */
  public MigrationStatusWriter intentDone() {
    status.setIntent(null);
    return this;
  }

  /** Records one rollback step of the current attempt. */
  public MigrationStatusWriter rollbackStep(
      String action, boolean succeeded, String message, Instant now) {
    RollbackStep step = new RollbackStep();
    step.setAction(action);
    step.setAttempt(status.getAttempts().isEmpty() ? null : status.getAttempts().size());
    step.setSucceeded(succeeded);
    step.setMessage(SafeText.safe(message));
    step.setTime(now.toString());
    rollback().getSteps().add(step);
    return this;
  }

  /** Records whether the VM was checked to run on exactly one live host, and what was found. */
  public MigrationStatusWriter rollbackVerified(boolean verified, String finding) {
    rollback().setVerified(verified);
    rollback().setVerification(finding);
    return this;
  }

  /** Lists something the operator kept; a second report of the same object replaces the first. */
  public MigrationStatusWriter leftover(Leftover kept) {
    List<Leftover> leftovers = rollback().getLeftovers();
    leftovers.removeIf(l -> l.getUuid() != null && l.getUuid().equals(kept.getUuid()));
    leftovers.add(kept);
    return this;
  }

  private RollbackStatus rollback() {
    if (status.getRollback() == null) {
      status.setRollback(new RollbackStatus());
    }
    return status.getRollback();
  }

  private MigrationAttempt currentAttempt() {
    List<MigrationAttempt> attempts = status.getAttempts();
    return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
  }
}
