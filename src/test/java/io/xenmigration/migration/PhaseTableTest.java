package io.xenmigration.migration;

import static io.xenmigration.migration.FlowFixture.in;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.xenmigration.api.v1alpha1.AttemptOutcome;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationMode;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.MigrationTimeouts;
import io.xenmigration.api.v1alpha1.PoolLimits;
import io.xenmigration.api.v1alpha1.RollbackStep;
import io.xenmigration.events.EventReason;
import io.xenmigration.xen.TaskTag;
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
 * time passing on the test's clock), one look, and the phase, reason, events and XenAPI calls that
 * must follow.
 */
class PhaseTableTest extends FlowTest {

  /**
   * One row.
   *
   * @param arrange done before the migration is brought to its phase (faults on the next task)
   * @param reach when the migration is where the row starts
   * @param act the change the handler must react to
   * @param phase the phase after one more look
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
    void on(FlowFixture fixture, String name) throws Exception;
  }

  @FunctionalInterface
  interface Check {
    void on(FlowFixture fixture, LiveMigration lm, MigrationStep.Report report) throws Exception;
  }

  private static final Consumer<FlowFixture> NOTHING = f -> {};
  private static final Act NO_CHANGE = (f, name) -> {};
  private static final Check NO_CHECK = (f, lm, r) -> {};

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

  private static final Act CANCEL = (f, name) -> f.edit(name, s -> s.setCancel(true));

  /** Cancelled while running: rolled back, the task cancelled, and the cancel landed. */
  private static final Act CANCELLED_TASK_ENDED =
      (f, name) -> {
        f.edit(name, s -> s.setCancel(true));
        f.step(name); // -> RollingBack
        f.step(name); // cancels
        f.simClock.advance(Duration.ofSeconds(1));
      };

  private static Act later(Duration after) {
    return (f, name) -> f.now = f.now.plus(after);
  }

  private static Check steps(String... actions) {
    return (f, lm, r) ->
        assertThat(lm.getStatus().getRollback().getSteps())
            .extracting(RollbackStep::getAction)
            .containsExactly(actions);
  }

  private static Check noMigrateCall() {
    return (f, lm, r) -> assertThat(f.migrateCalls()).isZero();
  }

  /** The destination pool was never asked for a migrate_receive ticket. */
  private static Check noReceiveCall() {
    return (f, lm, r) -> assertThat(f.simulator.calls().count("host.migrate_receive")).isZero();
  }

  private static Check vmAt(String where) {
    return (f, lm, r) -> assertThat(f.where("vm-shared")).isEqualTo(where);
  }

  private static Check events(EventReason... reasons) {
    return (f, lm, r) ->
        assertThat(r.written().stream().flatMap(w -> w.events().stream()))
            .extracting(PhaseOutcome.Event::reason)
            .contains(reasons);
  }

  /** What the ledger counts in pool-a. */
  private static List<Holding> holdings(FlowFixture f) {
    return f.operator()
        .ledger
        .holdings(MigrationView.of(f.store.all()), PoolIndex.of(List.of(f.pool, f.poolB)));
  }

  private static Check all(Check... checks) {
    return (f, lm, r) -> {
      for (Check check : checks) {
        check.on(f, lm, r);
      }
    };
  }

  /** Another migration of vm-shared, written as running by the operator before this one came. */
  private static void anotherMigrationOfTheSameVmRuns(FlowFixture f) {
    String uuid = f.simulator.inWorld(w -> w.pool("pool-a").vm("vm-shared").uuid);
    String other = f.create(FlowFixture.migration("other"));
    f.store.edit(
        other,
        lm -> {
          var w = new MigrationStatusWriter(lm);
          w.phase(MigrationPhase.Queued, "Queued", "accepted", FlowFixture.T0);
          w.phase(MigrationPhase.Preparing, "Admitted", "choosing", FlowFixture.T0);
          w.vm(uuid, "vm-shared");
          w.pools(f.simulator.pool("pool-a").uuid, null);
        });
  }

  static Stream<Arguments> rows() {
    return Stream.of(
            // Queued
            new Row(
                "Queued: a spec the API server let through but the operator cannot use",
                NOTHING,
                in(MigrationPhase.Queued),
                (f, name) -> f.edit(name, s -> s.setDestinationPool("pool-a")),
                MigrationPhase.Failed,
                "InvalidSpec",
                noMigrateCall()),
            new Row(
                "Queued: a cross-pool migration into a pool that does not accept its source",
                f -> f.poolB.getSpec().setAcceptMigrationsFrom(List.of("pool-c")),
                in(MigrationPhase.Queued),
                NO_CHANGE,
                MigrationPhase.Failed,
                "Forbidden",
                all(noMigrateCall(), noReceiveCall())),
            new Row(
                "Queued: cancelled before its turn",
                NOTHING,
                in(MigrationPhase.Queued),
                CANCEL,
                MigrationPhase.Cancelled,
                "Cancelled",
                noMigrateCall()),
            new Row(
                "Queued: the pool is not Ready",
                NOTHING,
                in(MigrationPhase.Queued),
                (f, name) ->
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
                (f, lm, r) -> assertThat(lm.getStatus().getMessage()).contains("Unreachable")),
            new Row(
                "Queued: the pool is being deleted",
                NOTHING,
                in(MigrationPhase.Queued),
                (f, name) -> f.pool.getMetadata().setDeletionTimestamp(FlowFixture.T0.toString()),
                MigrationPhase.Queued,
                "PoolDeleting",
                noMigrateCall()),
            new Row(
                "Queued: the pool was not read yet after a restart",
                NOTHING,
                in(MigrationPhase.Queued),
                (f, name) -> f.restartNotConnected(),
                MigrationPhase.Queued,
                "PoolNotReady",
                noMigrateCall()),
            new Row(
                "Queued: another migration of the same VM holds it",
                NOTHING,
                in(MigrationPhase.Queued),
                (f, name) -> anotherMigrationOfTheSameVmRuns(f),
                MigrationPhase.Queued,
                "VMBusy",
                noMigrateCall()),
            new Row(
                "Queued: the pool runs as many migrations as its limit",
                NOTHING,
                in(MigrationPhase.Queued),
                (f, name) -> {
                  PoolLimits limits = new PoolLimits();
                  limits.setMaxParallelMigrations(1);
                  f.pool.getSpec().setLimits(limits);
                  String other = f.create(FlowFixture.migration("other"));
                  f.edit(other, s -> s.setVm("vm-busy"));
                  f.step(other); // Queued
                  f.step(other); // admitted
                },
                MigrationPhase.Queued,
                "PoolLimit",
                (f, lm, r) -> assertThat(lm.getStatus().getMessage()).contains("pool-a")),
            new Row(
                "Queued: admitted, its slot held by what it wrote",
                NOTHING,
                in(MigrationPhase.Queued),
                NO_CHANGE,
                MigrationPhase.Preparing,
                "Admitted",
                (f, lm, r) -> {
                  assertThat(holdings(f))
                      .singleElement()
                      .satisfies(h -> assertThat(h.migration()).isEqualTo("ns/move"));
                  assertThat(lm.getStatus().getSourcePoolUuid())
                      .isEqualTo(f.simulator.pool("pool-a").uuid);
                  assertThat(lm.getStatus().getSourceHost()).isEqualTo("a-host-1");
                }),
            // Preparing
            new Row(
                "Preparing: cancelled before anything moved",
                NOTHING,
                in(MigrationPhase.Preparing),
                CANCEL,
                MigrationPhase.Cancelled,
                "Cancelled",
                all(noMigrateCall(), (f, lm, r) -> assertThat(holdings(f)).isEmpty())),
            new Row(
                "Preparing: a maintenance's move whose VM has left the host it empties",
                NOTHING,
                in(MigrationPhase.Preparing),
                NO_CHANGE,
                MigrationPhase.Failed,
                "VMLeftHost",
                all(
                    noMigrateCall(),
                    (f, lm, r) -> {
                      assertThat(lm.getStatus().getMessage()).contains("vm-shared", "a-host-1");
                      assertThat(holdings(f)).isEmpty();
                    })),
            new Row(
                "Preparing: the VM was shut down; its source host is still recorded",
                NOTHING,
                in(MigrationPhase.Preparing),
                (f, name) ->
                    f.simulator.inWorld(
                        w -> w.pool("pool-a").vm("vm-shared").powerState = "Halted"),
                MigrationPhase.Failed,
                "VMNotRunning",
                all(
                    noMigrateCall(),
                    (f, lm, r) -> {
                      assertThat(lm.getStatus().getSourceHost()).isEqualTo("a-host-1");
                      assertThat(lm.getStatus().getSourceHostUuid())
                          .isEqualTo(f.simulator.pool("pool-a").host("a-host-1").uuid);
                    })),
            new Row(
                "Preparing: a cross-pool migration whose destination withdrew the pairing",
                NOTHING,
                in(MigrationPhase.Preparing),
                (f, name) -> f.poolB.getSpec().setAcceptMigrationsFrom(null),
                MigrationPhase.Failed,
                "Forbidden",
                all(
                    noMigrateCall(),
                    noReceiveCall(),
                    (f, lm, r) -> assertThat(holdings(f)).isEmpty())),
            new Row(
                "Preparing: the VM was deleted",
                NOTHING,
                in(MigrationPhase.Preparing),
                (f, name) -> f.edit(name, s -> s.setVm("vm-gone")),
                MigrationPhase.Failed,
                "VM_NOT_FOUND",
                noMigrateCall()),
            new Row(
                "Preparing: the VM is busy with a task the operator did not start",
                NOTHING,
                in(MigrationPhase.Preparing),
                (f, name) -> {
                  f.simulator.faults().hangMigration("vm-shared", 0.5);
                  var outsider = f.outsider();
                  var vm = outsider.resolveVm("vm-shared");
                  var host =
                      outsider.inventory().hosts().stream()
                          .filter(h -> h.name().equals("a-host-3"))
                          .findFirst()
                          .orElseThrow();
                  outsider.startPoolMigrate(vm.ref(), host.ref(), new TaskTag("someone/else/1"));
                  f.simulator.calls().clear();
                },
                MigrationPhase.Preparing,
                "VMBusy",
                all(
                    noMigrateCall(),
                    events(EventReason.VMBusy),
                    (f, lm, r) -> {
                      String uuid =
                          f.simulator.inWorld(
                              w ->
                                  w.pool("pool-a")
                                      .vm("vm-shared")
                                      .currentOperations
                                      .keySet()
                                      .iterator()
                                      .next()
                                      .uuid);
                      assertThat(lm.getStatus().getMessage())
                          .contains("task " + uuid)
                          .doesNotContain("OpaqueRef:");
                      assertThat(f.simulator.calls().count("task.cancel")).isZero();
                      assertThat(f.simulator.calls().count("task.destroy")).isZero();
                    })),
            new Row(
                "Preparing: the pre-check refuses the only host asked for",
                NOTHING,
                in(MigrationPhase.Preparing),
                (f, name) ->
                    f.simulator
                        .faults()
                        .failCalls("VM.assert_can_boot_here", 1, "VM_REQUIRES_SR", "vm", "sr"),
                MigrationPhase.Failed,
                "NoHostFits",
                all(
                    events(EventReason.PreCheckFailed, EventReason.Failed),
                    (f, lm, r) ->
                        assertThat(lm.getStatus().getAttempts())
                            .singleElement()
                            .satisfies(
                                a -> {
                                  assertThat(a.getOutcome())
                                      .isEqualTo(AttemptOutcome.PreCheckFailed);
                                  assertThat(a.getReason()).isEqualTo("VM_REQUIRES_SR");
                                  assertThat(a.getHostUuid()).isNotNull();
                                }))),
            new Row(
                "Preparing: the pre-check refuses one host, the next is started",
                NOTHING,
                in(MigrationPhase.Preparing),
                (f, name) -> {
                  f.edit(name, s -> s.setDestinationHost(null));
                  f.simulator
                      .faults()
                      .failCalls(
                          "VM.assert_can_boot_here", 1, "HOST_NOT_ENOUGH_FREE_MEMORY", "1", "0");
                },
                MigrationPhase.Running,
                "Migrating",
                (f, lm, r) -> {
                  assertThat(lm.getStatus().getAttempts())
                      .extracting(a -> a.getOutcome())
                      .containsExactly(AttemptOutcome.PreCheckFailed, null);
                  assertThat(f.migrateCalls()).isOne();
                }),
            new Row(
                "Preparing: the host asked for went offline since the pool was read",
                NOTHING,
                in(MigrationPhase.Preparing),
                (f, name) -> f.simulator.setHostLive("pool-a", "a-host-2", false),
                MigrationPhase.Failed,
                "NoHostFits",
                (f, lm, r) -> {
                  assertThat(lm.getStatus().getAttempts())
                      .singleElement()
                      .satisfies(a -> assertThat(a.getReason()).startsWith("HOST_"));
                  assertThat(f.migrateCalls()).isZero();
                }),
            new Row(
                "Preparing: the pool does not answer for a moment",
                NOTHING,
                in(MigrationPhase.Preparing),
                (f, name) -> f.simulator.faults().failHttp(1),
                MigrationPhase.Preparing,
                "XenApiUnavailable",
                (f, lm, r) -> assertThat(r.again()).isEqualTo(MigrationFlow.AFTER_TRANSIENT)),
            new Row(
                "Preparing: the destination SR asked for does not exist",
                NOTHING,
                in(MigrationPhase.Preparing),
                (f, name) -> f.edit(name, s -> s.setDestinationSR("no-such-sr")),
                MigrationPhase.Failed,
                "SR_NOT_FOUND",
                noMigrateCall()),
            new Row(
                "Preparing: the start is made once the attempt is written, and tagged",
                NOTHING,
                in(MigrationPhase.Preparing),
                NO_CHANGE,
                MigrationPhase.Running,
                "Migrating",
                (f, lm, r) -> {
                  LiveMigrationStatus status = lm.getStatus();
                  assertThat(status.getTaskRef()).startsWith("OpaqueRef:");
                  assertThat(status.getIntent()).isNull();
                  assertThat(f.migrateCalls()).isEqualTo(1);
                  // Two writes: the attempt with its intent, then the task.
                  assertThat(r.written())
                      .extracting(w -> w.migration().getStatus().getIntent() == null)
                      .containsExactly(false, true);
                  String token = status.getAttempts().get(0).getToken();
                  assertThat(new TaskTag(token).belongsTo(lm.getMetadata().getUid())).isTrue();
                  String tagged =
                      f.simulator.inWorld(
                          w ->
                              w.pool("pool-a")
                                  .vm("vm-shared")
                                  .currentOperations
                                  .keySet()
                                  .iterator()
                                  .next()
                                  .otherConfig
                                  .get(TaskTag.KEY));
                  assertThat(tagged).isEqualTo(token);
                  assertThat(status.getDestinationHostUuid())
                      .isEqualTo(f.simulator.pool("pool-a").host("a-host-2").uuid);
                }),
            new Row(
                "Preparing: xapi refuses the start; nothing started, nothing to clean up",
                NOTHING,
                in(MigrationPhase.Preparing),
                (f, name) ->
                    f.simulator
                        .faults()
                        .failCalls(
                            "Async.VM.pool_migrate", 1, "VM_BAD_POWER_STATE", "vm", "a", "b"),
                MigrationPhase.RollingBack,
                "VM_BAD_POWER_STATE",
                (f, lm, r) -> {
                  assertThat(lm.getStatus().getTaskRef()).isNull();
                  assertThat(lm.getStatus().getIntent()).isNull();
                  assertThat(lm.getStatus().getAttempts().get(0).getOutcome())
                      .isEqualTo(AttemptOutcome.Failed);
                }),
            // Running
            new Row(
                "Running: progress rises",
                NOTHING,
                TASK_STARTED,
                (f, name) -> f.simClock.advance(Duration.ofSeconds(2)),
                MigrationPhase.Running,
                "Migrating",
                (f, lm, r) -> {
                  assertThat(lm.getStatus().getProgress()).isPositive();
                  assertThat(lm.getStatus().getAttempts().get(0).getProgress()).isPositive();
                  assertThat(lm.getStatus().getTaskUuid()).isNotNull();
                }),
            new Row(
                "Running: no progress for longer than progressSeconds",
                hang(0.3),
                progressAtLeast(30),
                later(Duration.ofSeconds(MigrationTimeouts.DEFAULT_PROGRESS_SECONDS + 1)),
                MigrationPhase.RollingBack,
                "ProgressTimeout",
                (f, lm, r) ->
                    assertThat(lm.getStatus().getAttempts().get(0).getOutcome())
                        .isEqualTo(AttemptOutcome.TimedOut)),
            new Row(
                "Running: still moving, but past completionSeconds",
                NOTHING,
                TASK_STARTED,
                (f, name) -> {
                  MigrationTimeouts timeouts = new MigrationTimeouts();
                  timeouts.setCompletionSeconds(30);
                  f.edit(name, s -> s.setTimeouts(timeouts));
                  f.simClock.advance(Duration.ofSeconds(1));
                  f.now = f.now.plus(Duration.ofSeconds(31));
                },
                MigrationPhase.RollingBack,
                "CompletionTimeout",
                (f, lm, r) -> assertThat(lm.getStatus().getMessage()).contains("30 s")),
            new Row(
                "Running: the task fails at the destination",
                f ->
                    f.simulator
                        .faults()
                        .failMigration("vm-shared", 0.2, "VM_MIGRATE_FAILED", "a", "b", "c", "d"),
                TASK_STARTED,
                (f, name) -> f.simClock.advance(Duration.ofMinutes(1)),
                MigrationPhase.RollingBack,
                "VM_MIGRATE_FAILED",
                (f, lm, r) ->
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
                "Running: the task succeeds; the task is destroyed, then Completed",
                NOTHING,
                TASK_STARTED,
                (f, name) -> f.simClock.advance(Duration.ofMinutes(5)),
                MigrationPhase.Completed,
                "Completed",
                all(
                    vmAt("Running@a-host-2"),
                    (f, lm, r) -> {
                      assertThat(lm.getStatus().getProgress()).isEqualTo(100);
                      assertThat(holdings(f)).isEmpty();
                      assertThat(f.simulator.calls().count("task.destroy")).isEqualTo(1);
                      assertThat(r.written())
                          .extracting(w -> w.migration().getStatus().getIntent() != null)
                          .containsExactly(true, false);
                    })),
            // RollingBack
            new Row(
                "RollingBack: a cancellable task is cancelled once",
                hang(0.3),
                TASK_STARTED,
                (f, name) -> {
                  f.edit(name, s -> s.setCancel(true));
                  f.step(name); // Running -> RollingBack
                },
                MigrationPhase.RollingBack,
                "Cancelled",
                all(
                    steps("CancelTask"),
                    (f, lm, r) -> assertThat(f.simulator.calls().count("task.cancel")).isOne())),
            new Row(
                "RollingBack: a task past its point of no return is let finish",
                hang(0.95),
                progressAtLeast(90),
                (f, name) -> {
                  f.edit(name, s -> s.setCancel(true));
                  f.step(name);
                },
                MigrationPhase.RollingBack,
                "Cancelled",
                all(
                    steps("LetFinish"),
                    (f, lm, r) -> assertThat(f.simulator.calls().count("task.cancel")).isZero())),
            new Row(
                "RollingBack: the cancelled task ended; it is destroyed",
                hang(0.3),
                TASK_STARTED,
                CANCELLED_TASK_ENDED,
                MigrationPhase.RollingBack,
                "Cancelled",
                all(
                    steps("CancelTask", "DestroyTask"),
                    (f, lm, r) -> assertThat(f.simulator.calls().count("task.destroy")).isOne())),
            new Row(
                "RollingBack: the task is gone, the VM is home on a live host",
                hang(0.3),
                TASK_STARTED,
                (f, name) -> {
                  CANCELLED_TASK_ENDED.on(f, name);
                  f.step(name); // destroys the task
                },
                MigrationPhase.Cancelled,
                "Cancelled",
                all(
                    steps("CancelTask", "DestroyTask", "VerifySource"),
                    vmAt("Running@a-host-1"),
                    (f, lm, r) -> {
                      assertThat(lm.getStatus().getRollback().getVerified()).isTrue();
                      assertThat(holdings(f)).isEmpty();
                    })),
            new Row(
                "RollingBack: the source host went down; the rollback cannot verify",
                f -> f.simulator.faults().hangMigration("vm-busy", 0.3),
                TASK_STARTED,
                (f, name) -> {
                  CANCELLED_TASK_ENDED.on(f, name);
                  f.step(name); // destroys the task
                  f.simulator.setHostLive("pool-a", "a-host-2", false);
                },
                MigrationPhase.Failed,
                "SourceHostDown",
                (f, lm, r) -> {
                  assertThat(lm.getStatus().getRollback().getVerified()).isFalse();
                  assertThat(lm.getStatus().getRollback().getVerification())
                      .contains("a-host-2")
                      .contains("not live");
                }),
            new Row(
                "RollingBack: the pool's sessions expired meanwhile",
                hang(0.3),
                TASK_STARTED,
                (f, name) -> {
                  CANCELLED_TASK_ENDED.on(f, name);
                  f.step(name);
                  f.simulator.expireSessions("pool-a");
                },
                MigrationPhase.Cancelled,
                "Cancelled",
                all(
                    vmAt("Running@a-host-1"),
                    (f, lm, r) -> assertThat(lm.getStatus().getRollback().getVerified()).isTrue())),
            new Row(
                "RollingBack: the destination failed and attempts remain",
                f -> f.simulator.faults().failMigration("vm-shared", 0.2, "MIRROR_FAILED", "vdi"),
                TASK_STARTED,
                (f, name) -> {
                  f.edit(name, s -> s.setDestinationHost(null));
                  f.simClock.advance(Duration.ofMinutes(1));
                  f.step(name); // Running -> RollingBack
                  f.step(name); // destroys the task
                },
                MigrationPhase.Preparing,
                "MIRROR_FAILED",
                (f, lm, r) -> {
                  assertThat(lm.getStatus().getTaskRef()).isNull();
                  assertThat(holdings(f))
                      .singleElement()
                      .satisfies(h -> assertThat(h.destinationHost()).isNull()); // keeps its slot
                }),
            new Row(
                "RollingBack: the VM's own failure is not retried elsewhere",
                f ->
                    f.simulator
                        .faults()
                        .failMigration("vm-shared", 0.2, "VM_BAD_POWER_STATE", "vm", "a", "b"),
                TASK_STARTED,
                (f, name) -> {
                  f.simClock.advance(Duration.ofMinutes(1));
                  f.step(name);
                  f.step(name);
                },
                MigrationPhase.Failed,
                "VM_BAD_POWER_STATE",
                all(vmAt("Running@a-host-1"), (f, lm, r) -> assertThat(holdings(f)).isEmpty())),
            new Row(
                "RollingBack: no attempts left",
                f -> f.simulator.faults().failMigration("vm-shared", 0.2, "MIRROR_FAILED", "vdi"),
                TASK_STARTED,
                (f, name) -> {
                  f.edit(name, s -> s.setMaxAttempts(1));
                  f.simClock.advance(Duration.ofMinutes(1));
                  f.step(name);
                  f.step(name);
                },
                MigrationPhase.Failed,
                "MIRROR_FAILED",
                (f, lm, r) ->
                    assertThat(r.written().get(0).events())
                        .extracting(PhaseOutcome.Event::reason)
                        .containsExactly(EventReason.RollbackStep, EventReason.Failed)),
            new Row(
                "RollingBack: a storage migration that never started a task removes nothing",
                f ->
                    f.simulator
                        .faults()
                        .failCalls(
                            "Async.VM.migrate_send", 1, "VM_BAD_POWER_STATE", "vm", "a", "b"),
                in(MigrationPhase.RollingBack),
                NO_CHANGE,
                MigrationPhase.Failed,
                "VM_BAD_POWER_STATE",
                (f, lm, r) -> {
                  assertThat(f.simulator.calls().count("VDI.destroy")).isZero();
                  assertThat(lm.getStatus().getRollback().getSteps())
                      .extracting(RollbackStep::getAction)
                      .containsExactly("VerifySource");
                  assertThat(lm.getStatus().getMode()).isEqualTo(MigrationMode.StorageMigrate);
                }))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void row(Row row) throws Exception {
    // Each phase written on its own, so that a row can start from any and see one decision.
    fixture.decisionsPerWrite = 1;
    row.arrange().accept(fixture);
    String name = fixture.create(subject(row));
    LiveMigration reached = fixture.run(name, row.reach());
    assertThat(row.reach().test(reached)).as("the row's starting point was reached").isTrue();
    row.act().on(fixture, name);
    MigrationStep.Report report = fixture.step(name);
    LiveMigration lm = fixture.get(name);
    LiveMigrationStatus status = lm.getStatus();
    assertThat(status.getPhase())
        .as("%s: %s", status.getReason(), status.getMessage())
        .isEqualTo(row.phase());
    assertThat(status.getReason()).isEqualTo(row.reason());
    assertThat(status.getMessage()).doesNotContain("OpaqueRef:");
    row.check().on(fixture, lm, report);
  }

  /** The migration a row moves: vm-shared to a-host-2, unless the row needs another VM. */
  private static LiveMigration subject(Row row) {
    LiveMigration lm = FlowFixture.migration();
    if (row.name().contains("has left the host it empties")) {
      // Made to empty a host vm-shared does not run on (it runs on a-host-1).
      lm.getMetadata()
          .setAnnotations(
              java.util.Map.of(
                  HostsInMaintenance.FROM_HOST_ANNOTATION, "00000000-0000-4000-8000-00000000dead"));
    }
    if (row.name().contains(": a cross-pool migration")) {
      lm.getSpec().setDestinationHost(null);
      lm.getSpec().setDestinationPool("pool-b");
    } else if (row.name().startsWith("RollingBack: a storage migration")) {
      lm.getSpec().setVm("vm-local"); // on a-host-1's local storage
    } else if (row.name().startsWith("RollingBack: the source host went down")) {
      // on a-host-2, not the master: the pool still answers when its host goes down
      lm.getSpec().setVm("vm-busy");
      lm.getSpec().setDestinationHost("a-host-3");
    }
    return lm;
  }
}
