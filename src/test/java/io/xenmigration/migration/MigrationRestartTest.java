package io.xenmigration.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The operator may die at any instant: a fresh operator (new in-memory state) that picks a
 * migration up from its status finishes it without moving the VM twice.
 */
class MigrationRestartTest extends FlowTest {

  private MigrationFlow operator() throws Exception {
    return fixture.restartedOperator();
  }

  private static LiveMigration migration() {
    return FlowFixture.migration();
  }

  private LiveMigration run(
      MigrationFlow flow, LiveMigration lm, Predicate<LiveMigration> until, boolean loseLastWrite) {
    return fixture.run(flow, lm, until, loseLastWrite);
  }

  private long migrateCalls() {
    return fixture.migrateCalls();
  }

  private String where() {
    return fixture.where("vm-shared").split("@")[1];
  }

  @Test
  void aRestartWhileRunningFollowsTheRecordedTask() throws Exception {
    LiveMigration lm = run(operator(), migration(), m -> m.getStatus().getTaskRef() != null, false);
    LiveMigration done = run(operator(), lm, m -> false, false);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    assertThat(migrateCalls()).isEqualTo(1);
    assertThat(where()).isEqualTo("a-host-2");
  }

  @Test
  void aRestartBeforeTheTaskRefWasWrittenAdoptsTheRunningTask() throws Exception {
    LiveMigration lost =
        run(operator(), migration(), m -> m.getStatus().getTaskRef() != null, true);
    assertThat(lost.getStatus().getTaskRef()).isNull();
    assertThat(migrateCalls()).isEqualTo(1); // started, but the status does not say so
    LiveMigration done = run(operator(), lost, m -> false, false);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    assertThat(migrateCalls()).isEqualTo(1);
    assertThat(where()).isEqualTo("a-host-2");
  }

  @Test
  void aMigrationThatFinishedWhileTheOperatorWasDownIsRecognised() throws Exception {
    LiveMigration lost =
        run(operator(), migration(), m -> m.getStatus().getTaskRef() != null, true);
    fixture.simClock.advance(Duration.ofMinutes(5)); // the task finishes while nobody watches
    assertThat(where()).isEqualTo("a-host-2");
    LiveMigration done = run(operator(), lost, m -> false, false);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    assertThat(migrateCalls()).isEqualTo(1);
  }

  @Test
  void aRestartAtEachPhaseBoundaryEndsWithOneMigration() throws Exception {
    LiveMigration lm = migration();
    for (MigrationPhase boundary :
        List.of(MigrationPhase.Queued, MigrationPhase.Preparing, MigrationPhase.Running)) {
      lm = run(operator(), lm, m -> m.getStatus().getPhase() == boundary, false);
    }
    LiveMigration done = run(operator(), lm, m -> false, false);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    assertThat(migrateCalls()).isEqualTo(1);
    assertThat(done.getStatus().getPhaseTimestamps().keySet())
        .containsExactly("Queued", "Preparing", "Running", "Completed");
  }

  @Test
  void aTaskDestroyedWhileTheOperatorWasDownIsJudgedByWhereTheVmIs() throws Exception {
    LiveMigration lm = run(operator(), migration(), m -> m.getStatus().getTaskRef() != null, false);
    fixture.simClock.advance(Duration.ofMinutes(5)); // it finishes...
    fixture.outsider().destroyTask(lm.getStatus().getTaskRef()); // ...and someone tidies up
    LiveMigration done = run(operator(), lm, m -> false, false);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    assertThat(done.getStatus().getMessage()).contains("the task is gone");
    assertThat(migrateCalls()).isEqualTo(1);
    assertThat(where()).isEqualTo("a-host-2");
  }

  @Test
  void aTaskCancelledAndDestroyedBehindTheOperatorsBackEndsTheMigration() throws Exception {
    fixture.simulator.faults().hangMigration("vm-shared", 0.3);
    LiveMigration lm = run(operator(), migration(), m -> m.getStatus().getTaskRef() != null, false);
    var outsider = fixture.outsider();
    outsider.cancel(lm.getStatus().getTaskRef());
    fixture.simClock.advance(Duration.ofSeconds(1));
    outsider.destroyTask(lm.getStatus().getTaskRef());
    LiveMigration done = run(operator(), lm, m -> false, false);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Failed);
    assertThat(done.getStatus().getReason()).isEqualTo("TaskLost");
    assertThat(done.getStatus().getRollback().getVerified()).isTrue();
    assertThat(migrateCalls()).isEqualTo(1);
    assertThat(where()).isEqualTo("a-host-1");
  }

  @Test
  void aRestartInTheMiddleOfARollbackFinishesItWithoutCancellingTwice() throws Exception {
    fixture.simulator.faults().hangMigration("vm-shared", 0.3);
    LiveMigration lm = run(operator(), migration(), m -> m.getStatus().getTaskRef() != null, false);
    lm.getSpec().setCancel(true);
    lm =
        run(
            operator(),
            lm,
            m ->
                m.getStatus().getRollback() != null
                    && !m.getStatus().getRollback().getSteps().isEmpty(),
            false);
    assertThat(lm.getStatus().getPhase()).isEqualTo(MigrationPhase.RollingBack);
    LiveMigration done = run(operator(), lm, m -> false, false);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Cancelled);
    assertThat(fixture.simulator.calls().count("task.cancel")).isEqualTo(1);
    assertThat(migrateCalls()).isEqualTo(1);
    assertThat(where()).isEqualTo("a-host-1");
  }
}
