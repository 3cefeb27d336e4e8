package io.xenmigration.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.xenmigration.api.v1alpha1.AttemptOutcome;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.scheduler.Rejection;
import io.xenmigration.status.Conditions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one writer of a LiveMigration's status. */
class MigrationStatusWriterTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static LiveMigration migration() {
    LiveMigration lm = new LiveMigration();
    lm.setMetadata(
        new ObjectMetaBuilder().withName("move").withNamespace("ns").withGeneration(1L).build());
    return lm;
  }

  @Test
  void phasesAreStampedAndConditionsFollow() {
    LiveMigration lm = migration();
    MigrationStatusWriter writer = new MigrationStatusWriter(lm);
    writer.phase(MigrationPhase.Queued, "Queued", "waiting", T0);
    writer.phase(MigrationPhase.Preparing, "Preparing", "choosing", T0.plusSeconds(1));
    writer.phase(MigrationPhase.Running, "Running", "moving", T0.plusSeconds(2));
    LiveMigrationStatus status = lm.getStatus();
    Condition progressing =
        Conditions.find(status.getConditions(), MigrationStatusWriter.PROGRESSING);
    assertThat(progressing.getStatus()).isEqualTo("True");
    assertThat(progressing.getLastTransitionTime()).isEqualTo(T0.toString());
    assertThat(Conditions.find(status.getConditions(), MigrationStatusWriter.SUCCEEDED)).isNull();

    writer.phase(MigrationPhase.Completed, "Completed", "arrived", T0.plusSeconds(9));
    assertThat(status.getPhaseTimestamps().keySet())
        .containsExactly("Queued", "Preparing", "Running", "Completed");
    assertThat(status.getStartTime()).isEqualTo(T0.toString());
    assertThat(status.getCompletionTime()).isEqualTo(T0.plusSeconds(9).toString());
    assertThat(Conditions.find(status.getConditions(), MigrationStatusWriter.SUCCEEDED).getStatus())
        .isEqualTo("True");
    assertThat(
            Conditions.find(status.getConditions(), MigrationStatusWriter.PROGRESSING).getStatus())
        .isEqualTo("False");
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
  }

  @Test
  void failureSetsSucceededFalseWithTheReason() {
    LiveMigration lm = migration();
    new MigrationStatusWriter(lm)
        .phase(MigrationPhase.Queued, "Queued", "waiting", T0)
        .phase(MigrationPhase.Failed, "InvalidSpec", "spec.vm is required", T0.plusSeconds(1));
    Condition succeeded =
        Conditions.find(lm.getStatus().getConditions(), MigrationStatusWriter.SUCCEEDED);
    assertThat(succeeded.getStatus()).isEqualTo("False");
    assertThat(succeeded.getReason()).isEqualTo("InvalidSpec");
    assertThat(lm.getStatus().getReason()).isEqualTo("InvalidSpec");
  }

  @Test
  void transitionsOutsideTheMachineAreRefused() {
    MigrationStatusWriter writer = new MigrationStatusWriter(migration());
    writer.phase(MigrationPhase.Queued, "Queued", "", T0);
    assertThatThrownBy(() -> writer.phase(MigrationPhase.Completed, "x", "", T0))
        .isInstanceOf(IllegalStateException.class);
    // Staying in a phase with a new reason is fine.
    writer.phase(MigrationPhase.Queued, "PoolNotReady", "pool-a is not Ready", T0);
    assertThat(writer.status().getPhaseTimestamps()).hasSize(1);
  }

  @Test
  void progressNeverFalls() {
    MigrationStatusWriter writer = new MigrationStatusWriter(migration());
    writer.progress(0.42, T0).progress(0.3, T0).progress(1.7, T0);
    assertThat(writer.status().getProgress()).isEqualTo(100);
    MigrationStatusWriter fresh = new MigrationStatusWriter(migration());
    fresh.progress(0.42, T0).progress(0.3, T0.plusSeconds(5));
    assertThat(fresh.status().getProgressTime()).isEqualTo(T0.toString());
    assertThat(fresh.status().getProgress()).isEqualTo(42);
  }

  @Test
  void attemptsAreWrittenAheadAndEnded() {
    MigrationStatusWriter writer = new MigrationStatusWriter(migration());
    writer.attemptStarted("a-host-1", "a-host-2", T0).task("OpaqueRef:t1");
    writer.attemptEnded(AttemptOutcome.PreCheckFailed, "VM_REQUIRES_SR", "needs its local SR");
    writer.attemptStarted("a-host-1", "a-host-3", T0.plusSeconds(1));
    LiveMigrationStatus status = writer.status();
    assertThat(status.getAttempt()).isEqualTo(2);
    assertThat(status.getAttempts())
        .extracting(a -> a.getHost())
        .containsExactly("a-host-2", "a-host-3");
    assertThat(status.getAttempts().get(0).getOutcome()).isEqualTo(AttemptOutcome.PreCheckFailed);
    assertThat(status.getAttempts().get(1).getOutcome()).isNull();
    assertThat(status.getTaskRef()).isNull(); // a new attempt has no task yet
    assertThat(status.getDestinationHost()).isEqualTo("a-host-3");
  }

  @Test
  void placementListsRejectionsUpToALimit() {
    List<Rejection> rejections = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      rejections.add(new Rejection("h" + i, Rejection.Reason.NotEnoughMemory, 4L << 30, 1L << 30));
    }
    MigrationStatusWriter writer = new MigrationStatusWriter(migration());
    writer.placement("a-host-2", 3, rejections);
    var placement = writer.status().getPlacement();
    assertThat(placement.getChosen()).isEqualTo("a-host-2");
    assertThat(placement.getCandidates()).isEqualTo(3);
    assertThat(placement.getRejected()).hasSize(21);
    assertThat(placement.getRejected().get(0).getReason())
        .isEqualTo(
            "NotEnoughMemory: needs 4.0 GiB of memory, 1.0 GiB free after migrations in flight");
    assertThat(placement.getRejected().get(20).getHost()).isEqualTo("(5 more)");
  }

  @Test
  void rollbackStepsAreRecorded() {
    MigrationStatusWriter writer = new MigrationStatusWriter(migration());
    writer.rollbackStep("CancelTask", true, "cancelled at 40%", T0).rollbackVerified(true);
    assertThat(writer.status().getRollback().getSteps())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getAction()).isEqualTo("CancelTask");
              assertThat(s.getSucceeded()).isTrue();
            });
    assertThat(writer.status().getRollback().getVerified()).isTrue();
  }
}
