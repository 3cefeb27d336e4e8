package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.AttemptOutcome;
import io.xenmigration.api.v1alpha1.HostRejection;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationAttempt;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.Placement;
import io.xenmigration.api.v1alpha1.RollbackStatus;
import io.xenmigration.api.v1alpha1.RollbackStep;
import io.xenmigration.scheduler.Rejection;
import io.xenmigration.status.Conditions;
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
    status.setReason(reason);
    status.setMessage(message);
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
    if (next.isTerminal()) {
      status.setCompletionTime(now.toString());
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
   * Records progress from a task's 0..1 fraction, and when it last rose; a lower reading than
   * before is ignored.
   */
  public MigrationStatusWriter progress(double fraction, Instant now) {
    int percent = (int) Math.floor(Math.max(0, Math.min(1, fraction)) * 100);
    Integer before = status.getProgress();
    if (before == null || percent > before) {
      status.setProgress(percent);
      status.setProgressTime(now.toString());
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

  /**
   * Starts an attempt on a host, before any XenAPI side effect on it: the write-ahead record a
   * restarted operator reads to know what it was doing.
   */
  public MigrationStatusWriter attemptStarted(
      String sourceHost, String destinationHost, Instant now) {
    MigrationAttempt attempt = new MigrationAttempt();
    attempt.setHost(destinationHost);
    attempt.setTime(now.toString());
    status.getAttempts().add(attempt);
    status.setAttempt(status.getAttempts().size());
    status.setSourceHost(sourceHost);
    status.setDestinationHost(destinationHost);
    status.setTaskRef(null);
    status.setProgress(0);
    status.setProgressTime(now.toString());
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
    List<MigrationAttempt> attempts = status.getAttempts();
    if (attempts.isEmpty()) {
      throw new IllegalStateException("no attempt to end");
    }
    MigrationAttempt current = attempts.get(attempts.size() - 1);
    current.setOutcome(outcome);
    current.setReason(reason);
    current.setMessage(message);
    current.setDestinationFault(destinationFault ? Boolean.TRUE : null);
    return this;
  }

  /** Records what the migration copies disks to, before it starts. */
  public MigrationStatusWriter mode(
      io.xenmigration.api.v1alpha1.MigrationMode mode, String destinationSr) {
    status.setMode(mode);
    status.setDestinationSR(destinationSr);
    return this;
  }

  /** Records which VM the spec named. */
  public MigrationStatusWriter vm(String uuid, String name) {
    status.setVmUuid(uuid);
    status.setVmName(name);
    return this;
  }

  /** Records the task right after it was started. */
  public MigrationStatusWriter task(String taskRef) {
    status.setTaskRef(taskRef);
    return this;
  }

  /** Records one rollback step. */
  public MigrationStatusWriter rollbackStep(
      String action, boolean succeeded, String message, Instant now) {
    if (status.getRollback() == null) {
      status.setRollback(new RollbackStatus());
    }
    RollbackStep step = new RollbackStep();
    step.setAction(action);
    step.setSucceeded(succeeded);
    step.setMessage(message);
    step.setTime(now.toString());
    status.getRollback().getSteps().add(step);
    return this;
  }

  /** Records that the VM was checked to run on exactly one host after the rollback. */
  public MigrationStatusWriter rollbackVerified(boolean verified) {
    if (status.getRollback() == null) {
      status.setRollback(new RollbackStatus());
    }
    status.getRollback().setVerified(verified);
    return this;
  }
}
