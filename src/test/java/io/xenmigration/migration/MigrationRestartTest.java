package io.xenmigration.migration;

import static io.xenmigration.migration.FlowFixture.in;
import static org.assertj.core.api.Assertions.assertThat;

import io.xenmigration.api.v1alpha1.AttemptOutcome;
import io.xenmigration.api.v1alpha1.IntentAction;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.events.EventReason;
import io.xenmigration.xapisim.model.SimTask;
import io.xenmigration.xapisim.model.XClass;
import io.xenmigration.xen.TaskTag;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operator may die, lose a write or be refused one at any instant: a migration picked up from
 * its status (by the same operator or a fresh one) ends without moving the VM twice, and without
 * touching a task that is not provably its own.
 */
class MigrationRestartTest extends FlowTest {

  private static final Predicate<LiveMigration> TASK_RECORDED =
      m -> m.getStatus() != null && m.getStatus().getTaskRef() != null;

  /** The write that records the start: the task is in it, the intent no longer. */
  private static final Predicate<LiveMigration> RECORDING_THE_START =
      m -> m.getStatus().getTaskRef() != null && m.getStatus().getIntent() == null;

  private long migrateCalls() {
    return fixture.migrateCalls();
  }

  private String where() {
    return fixture.where("vm-shared").split("@")[1];
  }

  private int tasksInPoolA() {
    return fixture.simulator.inWorld(w -> w.pool("pool-a").<SimTask>all(XClass.TASK).size());
  }

  @Test
  void aRestartWhileRunningFollowsTheRecordedTask() {
    String name = fixture.create(FlowFixture.migration());
    fixture.run(name, TASK_RECORDED);
    fixture.restart();
    LiveMigration done = fixture.finish(name);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    assertThat(migrateCalls()).isEqualTo(1);
    assertThat(where()).isEqualTo("a-host-2");
  }

  /** How the task goes on after the write that records its start was lost. */
  enum TaskThen {
    FAILS,
    SUCCEEDS,
    IS_CANCELLED
  }

  static Stream<Arguments> lostStartRecords() {
    return Stream.of(MemoryStatusStore.Fault.values())
        .flatMap(fault -> Stream.of(TaskThen.values()).map(then -> Arguments.of(fault, then)));
  }

  @ParameterizedTest(name = "the record of the start is lost ({0}), then the task {1}")
  @MethodSource("lostStartRecords")
  void aLostRecordOfTheStartNeverStartsASecondMigration(
      MemoryStatusStore.Fault fault, TaskThen then) {
    switch (then) {
      case FAILS ->
          fixture
              .simulator
              .faults()
              .failMigration("vm-shared", 0.3, "VM_MIGRATE_FAILED", "a", "b", "c", "d");
      case IS_CANCELLED -> fixture.simulator.faults().hangMigration("vm-shared", 0.3);
      case SUCCEEDS -> {}
    }
    String name = fixture.create(FlowFixture.migration());
    fixture.store.failNextWrite(RECORDING_THE_START, fault);
    fixture.run(name, m -> !fixture.store.injected().isEmpty());
    assertThat(fixture.store.injected()).containsExactly(fault);
    assertThat(migrateCalls()).isEqualTo(1);
    if (fault == MemoryStatusStore.Fault.CRASH) {
      fixture.restart();
    }
    // Meanwhile, in the pool.
    fixture.simClock.advance(Duration.ofSeconds(2));
    if (then == TaskThen.IS_CANCELLED) {
      String task =
          fixture.simulator.inWorld(
              w ->
                  w.pool("pool-a")
                      .vm("vm-shared")
                      .currentOperations
                      .keySet()
                      .iterator()
                      .next()
                      .ref);
      try {
        fixture.outsider().cancel(task);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    fixture.simClock.advance(Duration.ofMinutes(5));

    LiveMigration done = fixture.finish(name);
    assertThat(migrateCalls()).as("migrate calls").isEqualTo(1);
    assertThat(done.getStatus().getAttempts().get(0).getTaskUuid()).isNotNull();
    assertThat(done.getStatus().getAttempts().get(0).getOutcome())
        .isEqualTo(then == TaskThen.SUCCEEDS ? AttemptOutcome.Succeeded : AttemptOutcome.Failed);
    assertThat(done.getStatus().getPhase())
        .isEqualTo(then == TaskThen.SUCCEEDS ? MigrationPhase.Completed : MigrationPhase.Failed);
    assertThat(where()).isEqualTo(then == TaskThen.SUCCEEDS ? "a-host-2" : "a-host-1");
    assertThat(fixture.simulator.calls().count("task.destroy")).isEqualTo(1);
    assertThat(tasksInPoolA()).as("tasks left in pool-a").isZero();
    assertThat(done.getStatus().getIntent()).isNull();
  }

  /**
   * A migration whose end landed with the intent to forget its task, written by a process that then
   * heard the write failed (so it did nothing more), as one that died right after it.
   */
  private String endedBeforeItsTaskWasForgotten() {
    String name = fixture.create(FlowFixture.migration());
    fixture.store.failNextWrite(
        m ->
            m.getStatus().getPhase() == MigrationPhase.Completed
                && m.getStatus().getIntent() != null,
        MemoryStatusStore.Fault.TIMEOUT);
    fixture.run(name, m -> !fixture.store.injected().isEmpty());
    return name;
  }

  @ParameterizedTest
  @EnumSource(MemoryStatusStore.Fault.class)
  void theRecordAfterTheTaskWasForgottenLostNeverDestroysTwice(MemoryStatusStore.Fault fault) {
    String name = fixture.create(FlowFixture.migration());
    // The task is destroyed; the write saying so is refused, unanswered, or never sent.
    fixture.store.failNextWrite(
        m ->
            m.getStatus().getPhase() == MigrationPhase.Completed
                && m.getStatus().getIntent() == null,
        fault);
    fixture.run(name, m -> !fixture.store.injected().isEmpty());
    assertThat(fixture.store.injected()).containsExactly(fault);
    assertThat(fixture.simulator.calls().count("task.destroy")).isEqualTo(1);
    assertThat(tasksInPoolA()).isZero();
    LiveMigration after = fixture.store.get(name);
    assertThat(after.getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    if (fault != MemoryStatusStore.Fault.TIMEOUT) {
      assertThat(after.getStatus().getIntent().getAction()).isEqualTo(IntentAction.DestroyTask);
    }
    if (fault == MemoryStatusStore.Fault.CRASH) {
      fixture.restart();
    }
    LiveMigration done = completedAMinuteLater(name);
    assertThat(fixture.simulator.calls().count("task.destroy")).as("never again").isEqualTo(1);
    assertThat(migrateCalls()).isEqualTo(1);
    assertThat(where()).isEqualTo("a-host-2");
  }

  /** Looks on a minute later until the end: Completed, its reason kept, no intent left open. */
  private LiveMigration completedAMinuteLater(String name) {
    fixture.now = fixture.now.plusSeconds(60);
    LiveMigration done = fixture.finish(name);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    assertThat(done.getStatus().getReason()).isEqualTo("Completed");
    assertThat(done.getStatus().getIntent()).isNull();
    return done;
  }

  @Test
  void anEndWrittenBeforeItsTaskWasForgottenForgetsItAfterARestart() {
    String name = endedBeforeItsTaskWasForgotten();
    LiveMigration ended = fixture.store.get(name);
    assertThat(ended.getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    assertThat(ended.getStatus().getIntent().getAction()).isEqualTo(IntentAction.DestroyTask);
    assertThat(fixture.simulator.calls().count("task.destroy")).isZero();
    assertThat(tasksInPoolA()).as("the task, not forgotten yet").isEqualTo(1);
    String completed = ended.getStatus().getCompletionTime();

    fixture.restart();
    LiveMigration done = completedAMinuteLater(name);
    assertThat(done.getStatus().getCompletionTime()).isEqualTo(completed);
    assertThat(fixture.simulator.calls().count("task.destroy")).isEqualTo(1);
    assertThat(tasksInPoolA()).isZero();
    assertThat(migrateCalls()).isEqualTo(1);
    assertThat(where()).isEqualTo("a-host-2");
  }

  @Test
  void anEndWhoseXenPoolIsGoneLetsItsTaskBeAndSaysSo() {
    String name = endedBeforeItsTaskWasForgotten();
    assertThat(fixture.store.get(name).getStatus().getIntent().getAction())
        .isEqualTo(IntentAction.DestroyTask);
    // The XenPool is deleted (it waits only for active migrations) before the restart.
    fixture.sourcePoolDeleted = true;
    fixture.restart();
    fixture.now = fixture.now.plusSeconds(60);
    LiveMigration done = fixture.finish(name);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    assertThat(done.getStatus().getIntent()).isNull();
    assertThat(fixture.written.stream().flatMap(w -> w.events().stream()))
        .anySatisfy(
            e -> {
              assertThat(e.reason()).isEqualTo(EventReason.LeftoverKept);
              assertThat(e.message()).contains("no longer exists");
            });
    assertThat(fixture.simulator.calls().count("task.destroy")).isZero();
    assertThat(tasksInPoolA()).as("left for xapi to remove").isEqualTo(1);
    assertThat(where()).isEqualTo("a-host-2");
  }

  @Test
  void aRestartAtEachPhaseBoundaryEndsWithOneMigration() {
    fixture.decisionsPerWrite = 1; // every phase written on its own, as when each waits
    String name = fixture.create(FlowFixture.migration());
    for (MigrationPhase boundary :
        List.of(MigrationPhase.Queued, MigrationPhase.Preparing, MigrationPhase.Running)) {
      fixture.run(name, in(boundary));
      fixture.restart();
    }
    LiveMigration done = fixture.finish(name);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    assertThat(migrateCalls()).isEqualTo(1);
    assertThat(done.getStatus().getPhaseTimestamps().keySet())
        .containsExactly("Queued", "Preparing", "Running", "Completed");
  }

  @Test
  void aTaskDestroyedWhileTheOperatorWasDownIsJudgedByWhereTheVmIs() throws Exception {
    String name = fixture.create(FlowFixture.migration());
    LiveMigration lm = fixture.run(name, TASK_RECORDED);
    fixture.simClock.advance(Duration.ofMinutes(5)); // it finishes...
    fixture.outsider().destroyTask(lm.getStatus().getTaskRef()); // ...and someone tidies up
    fixture.restart();
    LiveMigration done = fixture.finish(name);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    assertThat(done.getStatus().getMessage()).contains("the task is gone");
    assertThat(migrateCalls()).isEqualTo(1);
    assertThat(where()).isEqualTo("a-host-2");
  }

  @Test
  void aTaskCancelledAndDestroyedBehindTheOperatorsBackEndsTheMigration() throws Exception {
    fixture.simulator.faults().hangMigration("vm-shared", 0.3);
    String name = fixture.create(FlowFixture.migration());
    LiveMigration lm = fixture.run(name, TASK_RECORDED);
    var outsider = fixture.outsider();
    outsider.cancel(lm.getStatus().getTaskRef());
    fixture.simClock.advance(Duration.ofSeconds(1));
    outsider.destroyTask(lm.getStatus().getTaskRef());
    fixture.restart();
    LiveMigration done = fixture.finish(name);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Failed);
    assertThat(done.getStatus().getReason()).isEqualTo("TaskLost");
    assertThat(done.getStatus().getRollback().getVerified()).isTrue();
    assertThat(migrateCalls()).isEqualTo(1);
    assertThat(where()).isEqualTo("a-host-1");
  }

  @Test
  void aRestartInTheMiddleOfARollbackFinishesItWithoutCancellingTwice() {
    fixture.simulator.faults().hangMigration("vm-shared", 0.3);
    String name = fixture.create(FlowFixture.migration());
    fixture.run(name, TASK_RECORDED);
    fixture.edit(name, s -> s.setCancel(true));
    fixture.run(
        name,
        m ->
            m.getStatus().getRollback() != null
                && !m.getStatus().getRollback().getSteps().isEmpty());
    assertThat(fixture.get(name).getStatus().getPhase()).isEqualTo(MigrationPhase.RollingBack);
    fixture.restart();
    LiveMigration done = fixture.finish(name);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Cancelled);
    assertThat(fixture.simulator.calls().count("task.cancel")).isEqualTo(1);
    assertThat(migrateCalls()).isEqualTo(1);
    assertThat(where()).isEqualTo("a-host-1");
  }

  @Test
  void aCancelWhoseRecordWasLostStillEndsTheRollback() {
    fixture.simulator.faults().hangMigration("vm-shared", 0.3);
    String name = fixture.create(FlowFixture.migration());
    fixture.run(name, TASK_RECORDED);
    fixture.edit(name, s -> s.setCancel(true));
    fixture.store.failNextWrite(
        m -> m.getStatus().getIntent() == null && m.getStatus().getRollback() != null,
        MemoryStatusStore.Fault.CRASH);
    fixture.run(name, m -> false);
    assertThat(fixture.simulator.calls().count("task.cancel")).isEqualTo(1);
    LiveMigration crashed = fixture.get(name);
    assertThat(crashed.getStatus().getIntent().getAction()).isEqualTo(IntentAction.CancelTask);
    fixture.restart();
    LiveMigration done = fixture.finish(name);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Cancelled);
    // The cancel reached the pool and the task ended: it is not asked again. (One that never
    // reached it is asked again: the next test.)
    assertThat(fixture.simulator.calls().count("task.cancel")).isEqualTo(1);
    assertThat(where()).isEqualTo("a-host-1");
  }

  @Test
  void aCancelThatDoesNotStopTheTaskIsAskedAgainAfterAWhileAndAtMostAFewTimes() {
    fixture.simulator.faults().hangMigration("vm-shared", 0.3);
    String name = fixture.create(FlowFixture.migration());
    fixture.run(name, TASK_RECORDED);
    fixture.edit(name, s -> s.setCancel(true));
    // The pool takes the cancels but the task never ends (a stuck worker).
    fixture.simulator.faults().failCalls("task.cancel", 100, "INTERNAL_ERROR", "stuck");
    for (int i = 0; i < 20; i++) {
      fixture.step(fixture.operator(), name, false);
      fixture.now = fixture.now.plus(RollingBackPhase.CANCEL_AGAIN_AFTER);
    }
    assertThat(fixture.get(name).getStatus().getPhase()).isEqualTo(MigrationPhase.RollingBack);
    assertThat(fixture.simulator.calls().count("task.cancel"))
        .isEqualTo(RollingBackPhase.MOST_CANCELS);
  }

  @Test
  void aStartThatCouldNotBeTaggedBeforeACrashIsWaitedForNeverTouchedAndJudgedByTheVm() {
    fixture.simulator.faults().hangMigration("vm-shared", 0.3);
    fixture.simulator.faults().failCalls("task.add_to_other_config", 1, "INTERNAL_ERROR", "crash");
    String name = fixture.create(FlowFixture.migration());
    fixture.store.failNextWrite(RECORDING_THE_START, MemoryStatusStore.Fault.CRASH);
    fixture.run(name, m -> false);
    fixture.restart();
    // The VM runs a migration nobody can prove is this attempt's: it is waited for.
    LiveMigration busy = fixture.run(name, m -> "VMBusy".equals(m.getStatus().getReason()));
    assertThat(busy.getStatus().getPhase()).isEqualTo(MigrationPhase.Running);
    assertThat(busy.getStatus().getMessage()).contains("does not carry this attempt's tag");
    fixture.simulator.resumeHungMigrations("vm-shared");
    fixture.simClock.advance(Duration.ofMinutes(5));
    LiveMigration done = fixture.finish(name);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    assertThat(where()).isEqualTo("a-host-2");
    assertThat(migrateCalls()).isEqualTo(1);
    assertThat(fixture.simulator.calls().count("task.cancel")).isZero();
    assertThat(fixture.simulator.calls().count("task.destroy")).isZero();
  }

  @Test
  void aStartLeavingNoTaggedTaskAndNoMoveEndsUnconfirmedAfterItsGraceAndNeverStartsAgain() {
    fixture
        .simulator
        .faults()
        .failMigration("vm-shared", 0.1, "VM_MIGRATE_FAILED", "a", "b", "c", "d");
    fixture.simulator.faults().failCalls("task.add_to_other_config", 1, "INTERNAL_ERROR", "crash");
    String name = fixture.create(FlowFixture.migration());
    fixture.store.failNextWrite(RECORDING_THE_START, MemoryStatusStore.Fault.CRASH);
    fixture.run(name, m -> false);
    fixture.simClock.advance(Duration.ofMinutes(1)); // the untagged task fails meanwhile
    fixture.restart();
    LiveMigration waiting =
        fixture.run(name, m -> "ConfirmingStart".equals(m.getStatus().getReason()));
    assertThat(waiting.getStatus().getPhase()).isEqualTo(MigrationPhase.Running);
    fixture.now = fixture.now.plus(FlowFixture.START_GRACE);
    LiveMigration done = fixture.finish(name);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Failed);
    assertThat(done.getStatus().getAttempts().get(0).getOutcome())
        .isEqualTo(AttemptOutcome.Unconfirmed);
    assertThat(done.getStatus().getRollback().getVerified()).isTrue();
    assertThat(migrateCalls()).isEqualTo(1);
    assertThat(where()).isEqualTo("a-host-1");
    // The failed task is not provably this attempt's: it is kept for xapi to expire.
    assertThat(fixture.simulator.calls().count("task.destroy")).isZero();
    assertThat(tasksInPoolA()).isEqualTo(1);
  }

  @Test
  void aTaskWhoseTagWasCopiedFromAnotherMigrationIsNotThisOnes() {
    TaskTag foreign = TaskTag.of("another-uid", 1, "x");
    assertThat(foreign.belongsTo("another-uid")).isTrue();
    fixture.decisionsPerWrite = 1;
    String name = fixture.create(FlowFixture.migration());
    fixture.run(name, in(MigrationPhase.Preparing));
    fixture.store.edit(
        name,
        m ->
            new MigrationStatusWriter(m)
                .attemptStarted("a-host-2", "x", foreign.value(), null, fixture.now));
    MigrationContext context =
        new MigrationContext(
            fixture.get(name),
            null,
            null,
            MigrationView.of(List.of()),
            PoolIndex.of(List.of()),
            false,
            fixture.now);
    assertThat(context.tag()).isNull();
  }
}
