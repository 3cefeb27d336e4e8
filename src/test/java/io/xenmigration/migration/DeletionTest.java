package io.xenmigration.migration;

import static io.xenmigration.migration.FlowFixture.in;
import static org.assertj.core.api.Assertions.assertThat;

import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.xapisim.model.SimHost;
import io.xenmigration.xapisim.model.SimTask;
import io.xenmigration.xapisim.model.XClass;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Deleting a migration cancels it: in every phase, with and without its task recorded, and right
 * after a restart before the pools are read, the looks a deletion makes end with the VM running on
 * exactly one host and no task left that nobody watches. Until the migration has ended the
 * finalizer stays (the controller lets it go only on a terminal phase).
 */
class DeletionTest extends FlowTest {

  private static final Predicate<LiveMigration> TASK_RECORDED =
      m -> m.getStatus() != null && m.getStatus().getTaskRef() != null;

  private LiveMigration deleteAndFinish(String name) {
    return fixture.run(name, m -> false, true);
  }

  private void assertOneHostNoTaskLeft(String expectedHost) {
    fixture.simulator.inWorld(
        w -> {
          long holders =
              w.pool("pool-a").<SimHost>all(XClass.HOST).stream()
                  .filter(
                      h -> h.residentVms.stream().anyMatch(v -> "vm-shared".equals(v.nameLabel)))
                  .count();
          assertThat(holders).isEqualTo(1);
          assertThat(w.pool("pool-a").<SimTask>all(XClass.TASK)).isEmpty();
          return null;
        });
    assertThat(fixture.where("vm-shared")).isEqualTo("Running@" + expectedHost);
  }

  @Test
  void whileQueuedNothingIsTouched() {
    fixture.decisionsPerWrite = 1; // a migration that can start at once rests in neither
    String name = fixture.create(FlowFixture.migration());
    fixture.run(name, in(MigrationPhase.Queued));
    assertThat(deleteAndFinish(name).getStatus().getPhase()).isEqualTo(MigrationPhase.Cancelled);
    assertThat(fixture.migrateCalls()).isZero();
    assertOneHostNoTaskLeft("a-host-1");
  }

  @Test
  void whilePreparingNothingIsStarted() {
    fixture.decisionsPerWrite = 1; // a migration that can start at once rests in neither
    String name = fixture.create(FlowFixture.migration());
    fixture.run(name, in(MigrationPhase.Preparing));
    assertThat(deleteAndFinish(name).getStatus().getPhase()).isEqualTo(MigrationPhase.Cancelled);
    assertThat(fixture.migrateCalls()).isZero();
    assertOneHostNoTaskLeft("a-host-1");
  }

  @Test
  void whileRunningWithItsTaskRecordedTheTaskIsCancelled() {
    fixture.simulator.faults().hangMigration("vm-shared", 0.3);
    String name = fixture.create(FlowFixture.migration());
    fixture.run(name, TASK_RECORDED);
    LiveMigration done = deleteAndFinish(name);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Cancelled);
    assertThat(done.getStatus().getRollback().getVerified()).isTrue();
    assertThat(fixture.simulator.calls().count("task.cancel")).isOne();
    assertOneHostNoTaskLeft("a-host-1");
  }

  @Test
  void whileRunningBeforeItsTaskWasRecordedTheTaskIsFoundAndCancelled() {
    fixture.simulator.faults().hangMigration("vm-shared", 0.3);
    String name = fixture.create(FlowFixture.migration());
    fixture.store.failNextWrite(
        m -> m.getStatus().getTaskRef() != null && m.getStatus().getIntent() == null,
        MemoryStatusStore.Fault.CRASH);
    fixture.run(name, m -> false);
    assertThat(fixture.get(name).getStatus().getTaskRef()).isNull();
    fixture.restart();
    LiveMigration done = deleteAndFinish(name);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Cancelled);
    assertThat(fixture.migrateCalls()).isOne();
    assertThat(fixture.simulator.calls().count("task.cancel")).isOne();
    assertOneHostNoTaskLeft("a-host-1");
  }

  @Test
  void rightAfterARestartBeforeThePoolsAreReadItWaitsAndNeverLetsGo() {
    fixture.simulator.faults().hangMigration("vm-shared", 0.3);
    String name = fixture.create(FlowFixture.migration());
    fixture.run(name, TASK_RECORDED);
    FlowFixture.Operator fresh = fixture.restartNotConnected();
    for (int i = 0; i < 5; i++) {
      fixture.step(fresh, name, true);
    }
    LiveMigration waiting = fixture.get(name);
    assertThat(waiting.getStatus().getPhase()).isEqualTo(MigrationPhase.Running);
    assertThat(waiting.getStatus().getReason()).isEqualTo("PoolNotConnected");
    assertThat(fixture.simulator.calls().count("task.cancel")).isZero();
    fresh.connect();
    LiveMigration done = deleteAndFinish(name);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Cancelled);
    assertOneHostNoTaskLeft("a-host-1");
  }

  @Test
  void inTheMiddleOfARollbackTheRollbackEnds() {
    fixture.simulator.faults().hangMigration("vm-shared", 0.3);
    String name = fixture.create(FlowFixture.migration());
    fixture.run(name, TASK_RECORDED);
    fixture.edit(name, s -> s.setCancel(true));
    fixture.run(name, in(MigrationPhase.RollingBack));
    LiveMigration done = deleteAndFinish(name);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Cancelled);
    assertThat(fixture.simulator.calls().count("task.cancel")).isOne();
    assertOneHostNoTaskLeft("a-host-1");
  }

  @Test
  void pastThePointOfNoReturnTheMoveFinishes() {
    fixture.simulator.faults().hangMigration("vm-shared", 0.95);
    String name = fixture.create(FlowFixture.migration());
    fixture.run(
        name, m -> m.getStatus().getProgress() != null && m.getStatus().getProgress() >= 90);
    fixture.run(name, in(MigrationPhase.RollingBack), true);
    fixture.step(fixture.operator(), name, true); // LetFinish
    assertThat(fixture.get(name).getStatus().getPhase()).isEqualTo(MigrationPhase.RollingBack);
    fixture.simulator.resumeHungMigrations("vm-shared");
    fixture.simClock.advance(Duration.ofMinutes(1));
    LiveMigration done = deleteAndFinish(name);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    assertThat(fixture.simulator.calls().count("task.cancel")).isZero();
    assertOneHostNoTaskLeft("a-host-2");
  }
}
