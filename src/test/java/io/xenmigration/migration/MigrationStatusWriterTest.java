package io.xenmigration.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.xenmigration.api.v1alpha1.AttemptOutcome;
import io.xenmigration.api.v1alpha1.IntentAction;
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
    writer.attemptStarted("a-host-2", "uuid-2", "uid/1/a", null, T0).task("OpaqueRef:t1", "task-1");
    writer.attemptEnded(AttemptOutcome.Failed, "VM_MIGRATE_FAILED", "the destination failed");
    writer.attemptStarted("a-host-3", "uuid-3", "uid/2/b", List.of("vdi-1"), T0.plusSeconds(1));
    LiveMigrationStatus status = writer.status();
    assertThat(status.getAttempt()).isEqualTo(2);
    assertThat(status.getAttempts())
        .extracting(a -> a.getHost())
        .containsExactly("a-host-2", "a-host-3");
    assertThat(status.getAttempts().get(0).getOutcome()).isEqualTo(AttemptOutcome.Failed);
    assertThat(status.getAttempts().get(0).getTaskUuid()).isEqualTo("task-1");
    assertThat(status.getAttempts().get(1).getOutcome()).isNull();
    assertThat(status.getAttempts().get(1).getToken()).isEqualTo("uid/2/b");
    assertThat(status.getAttempts().get(1).getExistingDisks()).containsExactly("vdi-1");
    assertThat(status.getTaskRef()).isNull(); // a new attempt has no task yet
    assertThat(status.getDestinationHost()).isEqualTo("a-host-3");
    assertThat(status.getDestinationHostUuid()).isEqualTo("uuid-3");
  }

  @Test
  void progressNeverFallsWhenAnotherHostIsTried() {
    MigrationStatusWriter writer = new MigrationStatusWriter(migration());
    writer.attemptStarted("a-host-2", "uuid-2", "uid/1/a", null, T0).progress(0.46, T0);
    writer.attemptEnded(AttemptOutcome.Failed, "MIRROR_FAILED", "the mirror failed", true);
    writer.attemptStarted("a-host-3", "uuid-3", "uid/2/b", null, T0.plusSeconds(5));
    writer.progress(0.1, T0.plusSeconds(6));
    LiveMigrationStatus status = writer.status();
    assertThat(status.getProgress()).isEqualTo(46);
    assertThat(status.getAttempts().get(0).getProgress()).isEqualTo(46);
    assertThat(status.getAttempts().get(1).getProgress()).isEqualTo(10);
    // The progress timeout counts from the current attempt's own rise.
    assertThat(status.getProgressTime()).isEqualTo(T0.plusSeconds(6).toString());
  }

  @Test
  void anIntentIsNamedBeforeItsSideEffectAndClearedWithItsRecord() {
    MigrationStatusWriter writer = new MigrationStatusWriter(migration());
    writer.attemptStarted("a-host-2", "uuid-2", "uid/1/a", null, T0);
    writer.intent(IntentAction.DestroyDisks, List.of("vdi-1", "vdi-2"), T0);
    assertThat(writer.status().getIntent().getAction()).isEqualTo(IntentAction.DestroyDisks);
    assertThat(writer.status().getIntent().getAttempt()).isEqualTo(1);
    assertThat(writer.status().getIntent().getDisks()).containsExactly("vdi-1", "vdi-2");
    writer.intentDone();
    assertThat(writer.status().getIntent()).isNull();
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
    writer
        .rollbackStep("CancelTask", true, "cancelled at 40%", T0)
        .rollbackVerified(true, "vm-01 is Running on host a-host-1");
    assertThat(writer.status().getRollback().getSteps())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getAction()).isEqualTo("CancelTask");
              assertThat(s.getSucceeded()).isTrue();
            });
    assertThat(writer.status().getRollback().getVerified()).isTrue();
    assertThat(writer.status().getRollback().getVerification()).contains("a-host-1");
  }

  @Test
  void aLeftoverReportedTwiceIsListedOnce() {
    MigrationStatusWriter writer = new MigrationStatusWriter(migration());
    io.xenmigration.api.v1alpha1.Leftover first = new io.xenmigration.api.v1alpha1.Leftover();
    first.setKind("Disk");
    first.setUuid("vdi-1");
    first.setReason("a VBD uses it");
    io.xenmigration.api.v1alpha1.Leftover again = new io.xenmigration.api.v1alpha1.Leftover();
    again.setKind("Disk");
    again.setUuid("vdi-1");
    again.setReason("an operation runs on it");
    writer.leftover(first).leftover(again);
    assertThat(writer.status().getRollback().getLeftovers())
        .singleElement()
        .satisfies(l -> assertThat(l.getReason()).isEqualTo("an operation runs on it"));
  }
}
