package io.xenmigration.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.xenmigration.api.v1alpha1.AttemptOutcome;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.MigrationTimeouts;
import io.xenmigration.api.v1alpha1.RollbackStep;
import io.xenmigration.events.EventReason;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each phase handler, row by row: a migration brought to a phase, one change (a fault, a cancel,
 * time passing on the test's clock), one reconcile, and the phase, reason and XenAPI calls that
 * must follow.
 */
class PhaseTableTest extends FlowTest {

  /**
   * One row.
   *
   * @param arrange done before the migration is brought to its phase (faults on the next task)
   * @param reach when the migration is where the row starts
   * @param act the change the handler must react to
   * @param phase the phase after one more reconcile
   * @param reason its reason
   * @param check anything else to assert
   */
  record Row(
      String name,
      Consumer<FlowFixture> arrange,
      Predicate<LiveMigration> reach,
      Act act,
      MigrationPhase phase,
      String reason,
      Check check) {

    @Override
    public String toString() {
      return name;
    }
  }

  @FunctionalInterface
  interface Act {
    void on(FlowFixture fixture, LiveMigration lm) throws Exception;
  }

  @FunctionalInterface
  interface Check {
    void on(FlowFixture fixture, LiveMigration lm, PhaseOutcome outcome) throws Exception;
  }

  private static final Consumer<FlowFixture> NOTHING = f -> {};
  private static final Act NO_CHANGE = (f, lm) -> {};
  private static final Check NO_CHECK = (f, lm, o) -> {};

  private static Predicate<LiveMigration> in(MigrationPhase phase) {
    return lm -> lm.getStatus() != null && lm.getStatus().getPhase() == phase;
  }

  private static final Predicate<LiveMigration> TASK_STARTED =
      lm -> lm.getStatus() != null && lm.getStatus().getTaskRef() != null;

  private static Consumer<FlowFixture> hang(double at) {
    return f -> f.simulator.faults().hangMigration("vm-shared", at);
  }

  private static Predicate<LiveMigration> progressAtLeast(int percent) {
    return lm ->
        lm.getStatus() != null
            && lm.getStatus().getProgress() != null
            && lm.getStatus().getProgress() >= percent;
  }

  private static final Act CANCEL = (f, lm) -> lm.getSpec().setCancel(true);

  /** Cancelled while running: rolled back, the task cancelled, and the cancel landed. */
  private static final Act CANCELLED_TASK_ENDED =
      (f, lm) -> {
        lm.getSpec().setCancel(true);
        MigrationFlow flow = f.operator();
        f.step(flow, lm); // -> RollingBack
        f.step(flow, lm); // cancels
        f.simClock.advance(Duration.ofSeconds(1));
      };

  private static Act later(Duration after) {
    return (f, lm) -> f.now = f.now.plus(after);
  }

  private static Check steps(String... actions) {
    return (f, lm, o) ->
        assertThat(lm.getStatus().getRollback().getSteps())
            .extracting(RollbackStep::getAction)
            .containsExactly(actions);
  }

  private static Check noMigrateCall() {
    return (f, lm, o) -> assertThat(f.migrateCalls()).isZero();
  }

  private static Check vmAt(String where) {
    return (f, lm, o) -> assertThat(f.where("vm-shared")).isEqualTo(where);
  }

  private static Check all(Check... checks) {
    return (f, lm, o) -> {
      for (Check check : checks) {
        check.on(f, lm, o);
      }
    };
  }

  static Stream<Arguments> rows() {
    return Stream.of(
            // Queued
            new Row(
                "Queued: a spec the API server let through but the operator cannot use",
                NOTHING,
                lm -> true,
                (f, lm) -> lm.getSpec().setDestinationPool("pool-a"),
                MigrationPhase.Failed,
                "InvalidSpec",
                noMigrateCall()),
            new Row(
                "Queued: cancelled before its turn",
                NOTHING,
                lm -> true,
                CANCEL,
                MigrationPhase.Cancelled,
                "Cancelled",
                noMigrateCall()),
            new Row(
                "Queued: the pool is not Ready",
                NOTHING,
                lm -> true,
                (f, lm) ->
                    f.pool
                        .getStatus()
                        .setConditions(
                            List.of(
                                new ConditionBuilder()
                                    .withType("Ready")
                                    .withStatus("False")
                                    .withReason("Unreachable")
                                    .withMessage("connection refused")
                                    .build())),
                MigrationPhase.Queued,
                "PoolNotReady",
                (f, lm, o) -> assertThat(o.message()).contains("Unreachable")),
            new Row(
                "Queued: another migration of the same VM holds it",
                NOTHING,
                lm -> true,
                (f, lm) -> f.gate.restore("ns/pool-a", otherMigrationOfTheSameVm(f)),
                MigrationPhase.Queued,
                "VMBusy",
                noMigrateCall()),
            new Row(
                "Queued: admitted",
                NOTHING,
                lm -> true,
                NO_CHANGE,
                MigrationPhase.Preparing,
                "Admitted",
                (f, lm, o) -> assertThat(f.gate.active("ns/pool-a")).hasSize(1)),
            // Preparing
            new Row(
                "Preparing: cancelled before anything moved",
                NOTHING,
                in(MigrationPhase.Preparing),
                CANCEL,
                MigrationPhase.Cancelled,
                "Cancelled",
                all(
                    noMigrateCall(),
                    (f, lm, o) -> assertThat(f.gate.active("ns/pool-a")).isEmpty())),
            new Row(
                "Preparing: the VM was shut down",
                NOTHING,
                in(MigrationPhase.Preparing),
                (f, lm) ->
                    f.simulator.inWorld(
                        w -> w.pool("pool-a").vm("vm-shared").powerState = "Halted"),
                MigrationPhase.Failed,
                "VMNotRunning",
                noMigrateCall()),
            new Row(
                "Preparing: the VM was deleted",
                NOTHING,
                in(MigrationPhase.Preparing),
                (f, lm) -> lm.getSpec().setVm("vm-gone"),
                MigrationPhase.Failed,
                "VM_NOT_FOUND",
                noMigrateCall()),
            new Row(
                "Preparing: the pre-check refuses the only host asked for",
                NOTHING,
                in(MigrationPhase.Preparing),
                (f, lm) ->
                    f.simulator
                        .faults()
                        .failCalls("VM.assert_can_boot_here", 1, "VM_REQUIRES_SR", "vm", "sr"),
                MigrationPhase.Failed,
                "NoHostFits",
                (f, lm, o) -> {
                  assertThat(lm.getStatus().getAttempts())
                      .singleElement()
                      .satisfies(
                          a -> {
                            assertThat(a.getOutcome()).isEqualTo(AttemptOutcome.PreCheckFailed);
                            assertThat(a.getReason()).isEqualTo("VM_REQUIRES_SR");
                          });
                  assertThat(o.events())
                      .extracting(PhaseOutcome.Event::reason)
                      .contains(EventReason.PreCheckFailed, EventReason.Failed);
                }),
            new Row(
                "Preparing: the pre-check refuses one host, the next is taken",
                NOTHING,
                in(MigrationPhase.Preparing),
                (f, lm) -> {
                  lm.getSpec().setDestinationHost(null);
                  f.simulator
                      .faults()
                      .failCalls(
                          "VM.assert_can_boot_here", 1, "HOST_NOT_ENOUGH_FREE_MEMORY", "1", "0");
                },
                MigrationPhase.Running,
                "Starting",
                (f, lm, o) ->
                    assertThat(lm.getStatus().getAttempts())
                        .extracting(a -> a.getOutcome())
                        .containsExactly(AttemptOutcome.PreCheckFailed, null)),
            new Row(
                "Preparing: the host asked for went offline since the pool was read",
                NOTHING,
                in(MigrationPhase.Preparing),
                (f, lm) -> f.simulator.setHostLive("pool-a", "a-host-2", false),
                MigrationPhase.Failed,
                "NoHostFits",
                (f, lm, o) -> {
                  assertThat(lm.getStatus().getAttempts())
                      .singleElement()
                      .satisfies(a -> assertThat(a.getReason()).startsWith("HOST_"));
                  assertThat(f.migrateCalls()).isZero();
                }),
            new Row(
                "Preparing: the pool does not answer for a moment",
                NOTHING,
                in(MigrationPhase.Preparing),
                (f, lm) -> f.simulator.faults().failHttp(1),
                MigrationPhase.Preparing,
                "XenApiUnavailable",
                (f, lm, o) -> assertThat(o.requeue()).isEqualTo(MigrationFlow.AFTER_TRANSIENT)),
            new Row(
                "Preparing: the destination SR asked for does not exist",
                NOTHING,
                in(MigrationPhase.Preparing),
                (f, lm) -> lm.getSpec().setDestinationSR("no-such-sr"),
                MigrationPhase.Failed,
                "SR_NOT_FOUND",
                noMigrateCall()),
            // Running
            new Row(
                "Running: cancelled before the task started",
                NOTHING,
                in(MigrationPhase.Running),
                CANCEL,
                MigrationPhase.RollingBack,
                "Cancelled",
                noMigrateCall()),
            new Row(
                "Running: the task is started and recorded",
                NOTHING,
                in(MigrationPhase.Running),
                NO_CHANGE,
                MigrationPhase.Running,
                "Migrating",
                (f, lm, o) -> {
                  assertThat(lm.getStatus().getTaskRef()).startsWith("OpaqueRef:");
                  assertThat(f.migrateCalls()).isEqualTo(1);
                }),
            new Row(
                "Running: progress rises",
                NOTHING,
                TASK_STARTED,
                (f, lm) -> f.simClock.advance(Duration.ofSeconds(2)),
                MigrationPhase.Running,
                "Migrating",
                (f, lm, o) -> assertThat(lm.getStatus().getProgress()).isPositive()),
            new Row(
                "Running: no progress for longer than progressSeconds",
                hang(0.3),
                progressAtLeast(30),
                later(Duration.ofSeconds(MigrationTimeouts.DEFAULT_PROGRESS_SECONDS + 1)),
                MigrationPhase.RollingBack,
                "ProgressTimeout",
                (f, lm, o) ->
                    assertThat(lm.getStatus().getAttempts().get(0).getOutcome())
                        .isEqualTo(AttemptOutcome.TimedOut)),
            new Row(
                "Running: still moving, but past completionSeconds",
                NOTHING,
                TASK_STARTED,
                (f, lm) -> {
                  MigrationTimeouts timeouts = new MigrationTimeouts();
                  timeouts.setCompletionSeconds(30);
                  lm.getSpec().setTimeouts(timeouts);
                  f.simClock.advance(Duration.ofSeconds(1));
                  f.now = f.now.plus(Duration.ofSeconds(31));
                },
                MigrationPhase.RollingBack,
                "CompletionTimeout",
                (f, lm, o) -> assertThat(o.message()).contains("30 s")),
            new Row(
                "Running: the task fails at the destination",
                f ->
                    f.simulator
                        .faults()
                        .failMigration("vm-shared", 0.2, "VM_MIGRATE_FAILED", "a", "b", "c", "d"),
                TASK_STARTED,
                (f, lm) -> f.simClock.advance(Duration.ofMinutes(1)),
                MigrationPhase.RollingBack,
                "VM_MIGRATE_FAILED",
                (f, lm, o) ->
                    assertThat(lm.getStatus().getAttempts().get(0).getDestinationFault()).isTrue()),
            new Row(
                "Running: cancelled",
                hang(0.3),
                TASK_STARTED,
                CANCEL,
                MigrationPhase.RollingBack,
                "Cancelled",
                NO_CHECK),
            new Row(
                "Running: the task succeeds",
                NOTHING,
                TASK_STARTED,
                (f, lm) -> f.simClock.advance(Duration.ofMinutes(5)),
                MigrationPhase.Completed,
                "Completed",
                all(
                    vmAt("Running@a-host-2"),
                    (f, lm, o) -> {
                      assertThat(lm.getStatus().getProgress()).isEqualTo(100);
                      assertThat(f.reservations.hostOf("ns/move")).isNull();
                      assertThat(f.gate.active("ns/pool-a")).isEmpty();
                      assertThat(f.simulator.calls().count("task.destroy")).isEqualTo(1);
                    })),
            // RollingBack
            new Row(
                "RollingBack: a cancellable task is cancelled once",
                hang(0.3),
                TASK_STARTED,
                (f, lm) -> {
                  lm.getSpec().setCancel(true);
                  f.step(f.operator(), lm); // Running -> RollingBack
                },
                MigrationPhase.RollingBack,
                "Cancelled",
                all(
                    steps("CancelTask"),
                    (f, lm, o) -> assertThat(f.simulator.calls().count("task.cancel")).isOne())),
            new Row(
                "RollingBack: a task past its point of no return is let finish",
                hang(0.95),
                progressAtLeast(90),
                (f, lm) -> {
                  lm.getSpec().setCancel(true);
                  f.step(f.operator(), lm);
                },
                MigrationPhase.RollingBack,
                "Cancelled",
                all(
                    steps("LetFinish"),
                    (f, lm, o) -> assertThat(f.simulator.calls().count("task.cancel")).isZero())),
            new Row(
                "RollingBack: the cancelled task is gone, the VM is home",
                hang(0.3),
                TASK_STARTED,
                CANCELLED_TASK_ENDED,
                MigrationPhase.Cancelled,
                "Cancelled",
                all(
                    steps("CancelTask", "VerifySource"),
                    vmAt("Running@a-host-1"),
                    (f, lm, o) -> {
                      assertThat(lm.getStatus().getRollback().getVerified()).isTrue();
                      assertThat(f.gate.active("ns/pool-a")).isEmpty();
                    })),
            new Row(
                "RollingBack: the pool's sessions expired meanwhile",
                hang(0.3),
                TASK_STARTED,
                (f, lm) -> {
                  CANCELLED_TASK_ENDED.on(f, lm);
                  f.simulator.expireSessions("pool-a");
                },
                MigrationPhase.Cancelled,
                "Cancelled",
                all(
                    vmAt("Running@a-host-1"),
                    (f, lm, o) -> assertThat(lm.getStatus().getRollback().getVerified()).isTrue())),
            new Row(
                "RollingBack: the destination failed and attempts remain",
                f -> f.simulator.faults().failMigration("vm-shared", 0.2, "MIRROR_FAILED", "vdi"),
                TASK_STARTED,
                (f, lm) -> {
                  lm.getSpec().setDestinationHost(null);
                  f.simClock.advance(Duration.ofMinutes(1));
                  f.step(f.operator(), lm); // Running -> RollingBack
                },
                MigrationPhase.Preparing,
                "MIRROR_FAILED",
                (f, lm, o) -> {
                  assertThat(lm.getStatus().getTaskRef()).isNull();
                  assertThat(f.reservations.hostOf("ns/move")).isNull();
                  assertThat(f.gate.active("ns/pool-a")).hasSize(1); // keeps its slot
                }),
            new Row(
                "RollingBack: the VM's own failure is not retried elsewhere",
                f ->
                    f.simulator
                        .faults()
                        .failMigration("vm-shared", 0.2, "VM_BAD_POWER_STATE", "vm", "a", "b"),
                TASK_STARTED,
                (f, lm) -> {
                  f.simClock.advance(Duration.ofMinutes(1));
                  f.step(f.operator(), lm);
                },
                MigrationPhase.Failed,
                "VM_BAD_POWER_STATE",
                all(
                    vmAt("Running@a-host-1"),
                    (f, lm, o) -> assertThat(f.gate.active("ns/pool-a")).isEmpty())),
            new Row(
                "RollingBack: no attempts left",
                f -> f.simulator.faults().failMigration("vm-shared", 0.2, "MIRROR_FAILED", "vdi"),
                TASK_STARTED,
                (f, lm) -> {
                  lm.getSpec().setMaxAttempts(1);
                  f.simClock.advance(Duration.ofMinutes(1));
                  f.step(f.operator(), lm);
                },
                MigrationPhase.Failed,
                "MIRROR_FAILED",
                (f, lm, o) ->
                    assertThat(o.events())
                        .extracting(PhaseOutcome.Event::reason)
                        .containsExactly(EventReason.RollbackStep, EventReason.Failed)))
        .map(Arguments::of);
  }

  private static Admission.Request otherMigrationOfTheSameVm(FlowFixture f) {
    String uuid = f.simulator.inWorld(w -> w.pool("pool-a").vm("vm-shared").uuid);
    return new Admission.Request(
        "ns/other", uuid, "a-host-1", 0, FlowFixture.T0.minusSeconds(60), 4L << 30);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void row(Row row) throws Exception {
    row.arrange().accept(fixture);
    MigrationFlow flow = fixture.operator();
    LiveMigration lm = FlowFixture.migration();
    new MigrationStatusWriter(lm).phase(MigrationPhase.Queued, "Queued", "accepted", fixture.now);
    lm = fixture.run(flow, lm, row.reach(), false);
    assertThat(row.reach().test(lm)).as("the row's starting point was reached").isTrue();
    row.act().on(fixture, lm);
    PhaseOutcome outcome = fixture.step(flow, lm);
    LiveMigrationStatus status = lm.getStatus();
    assertThat(status.getPhase())
        .as("%s: %s", status.getReason(), status.getMessage())
        .isEqualTo(row.phase());
    assertThat(status.getReason()).isEqualTo(row.reason());
    row.check().on(fixture, lm, outcome);
  }
}
