package io.xenmigration.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.xenmigration.api.v1alpha1.AttemptOutcome;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.RollbackStep;
import io.xenmigration.testing.EmbeddedApiResource;
import io.xenmigration.xapisim.model.CpuFeatures;
import io.xenmigration.xapisim.model.SimVm;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The simulator's faults in each phase where they can happen, cancel and delete in every phase
 * (also past the point of no return), and bad input, through the running operator: each ends as
 * expected with the VM running on exactly one host and nothing held.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedApiResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class LiveMigrationFaultsIT extends MigrationHarness {

  /** Three real seconds at twenty simulated seconds a second. */
  private static final Duration SLOW_CALL = Duration.ofSeconds(60);

  private LiveMigrationStatus status(String name) {
    return client
        .resources(LiveMigration.class)
        .inNamespace(namespace)
        .withName(name)
        .get()
        .getStatus();
  }

  private void awaitProgressAtLeast(String name, int percent) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              LiveMigrationStatus status = status(name);
              return status != null
                  && status.getProgress() != null
                  && status.getProgress() >= percent;
            });
  }

  // --- cancel and delete in each phase ---

  @Test
  void cancelWhilePreparingStartsNothing() {
    simulator.faults().addLatency("VM.assert_can_boot_here", SLOW_CALL);
    long checks = simulator.calls().count("VM.assert_can_boot_here");
    String name = migrate("vm-shared", s -> {});
    // Its look is in the pre-check: what it decides is written only after it, with the start.
    awaitCall("VM.assert_can_boot_here", checks);
    cancel(name);
    LiveMigrationStatus status = awaitPhase(name, MigrationPhase.Cancelled);
    assertThat(status.getTaskRef()).isNull();
    assertThat(migrateCalls()).isZero();
    assertThat(residentHost("pool-a", "vm-shared")).isEqualTo("Running@a-host-1");
    assertReleased(name);
  }

  @Test
  void deleteWhilePreparingStartsNothing() {
    simulator.faults().addLatency("VM.assert_can_boot_here", SLOW_CALL);
    long checks = simulator.calls().count("VM.assert_can_boot_here");
    String name = migrate("vm-shared", s -> {});
    // Its look is in the pre-check: what it decides is written only after it, with the start.
    awaitCall("VM.assert_can_boot_here", checks);
    delete(name);
    awaitGone(name);
    assertThat(migrateCalls()).isZero();
    assertThat(residentHost("pool-a", "vm-shared")).isEqualTo("Running@a-host-1");
    assertReleased(name);
  }

  @Test
  void deleteWhileQueuedGoesAtOnce() {
    String name = migrate("vm-shared", s -> s.setPool("pool-z"));
    awaitQueuedBecause(name, "PoolNotFound");
    delete(name);
    awaitGone(name);
    assertThat(migrateCalls()).isZero();
  }

  @Test
  void cancelPastThePointOfNoReturnLetsTheMigrationFinish() {
    simulator.faults().hangMigration("vm-shared", 0.95);
    String name = migrate("vm-shared", s -> s.setDestinationHost("a-host-3"));
    awaitProgressAtLeast(name, 90);
    cancel(name);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                status(name).getRollback() != null
                    && status(name).getRollback().getSteps().stream()
                        .anyMatch(s -> s.getAction().equals("LetFinish")));
    assertThat(status(name).getPhase()).isEqualTo(MigrationPhase.RollingBack);
    simulator.resumeHungMigrations("vm-shared");
    LiveMigrationStatus status = awaitPhase(name, MigrationPhase.Completed);
    assertThat(status.getMessage()).contains("arrived before the migration could be stopped");
    assertThat(status.getProgress()).isEqualTo(100);
    assertThat(simulator.calls().count("task.cancel")).isZero();
    assertThat(residentHost("pool-a", "vm-shared")).isEqualTo("Running@a-host-3");
    assertOnExactlyOneHost("vm-shared");
    assertReleased(name);
    awaitEventReasons(name, "RollingBack", "RollbackStep", "Completed");
  }

  @Test
  void deletePastThePointOfNoReturnWaitsForTheEnd() {
    simulator.faults().hangMigration("vm-shared", 0.95);
    String name = migrate("vm-shared", s -> s.setDestinationHost("a-host-3"));
    awaitProgressAtLeast(name, 90);
    long looksBefore = simulator.calls().count("task.get_record");
    delete(name);
    // The operator looks at the task, sees it cannot be stopped, and keeps the object meanwhile.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> simulator.calls().count("task.get_record") >= looksBefore + 2);
    assertThat(client.resources(LiveMigration.class).inNamespace(namespace).withName(name).get())
        .isNotNull();
    simulator.resumeHungMigrations("vm-shared");
    awaitGone(name);
    assertThat(simulator.calls().count("task.cancel")).isZero();
    assertThat(residentHost("pool-a", "vm-shared")).isEqualTo("Running@a-host-3");
    assertOnExactlyOneHost("vm-shared");
    assertReleased(name);
  }

  // --- faults while Running ---

  @Test
  void theDestinationGoingOfflineMovesOnToAnotherHost() {
    simulator.faults().hangMigration("vm-shared", 0.3);
    String name = migrate("vm-shared", s -> {});
    String first = awaitTaskStarted(name).getDestinationHost();
    simulator.setHostLive("pool-a", first, false);
    LiveMigrationStatus status = awaitPhase(name, MigrationPhase.Completed);
    assertThat(status.getAttempts()).hasSize(2);
    assertThat(status.getAttempts().get(0))
        .satisfies(
            a -> {
              assertThat(a.getHost()).isEqualTo(first);
              assertThat(a.getReason()).isEqualTo("HOST_OFFLINE");
              assertThat(a.getDestinationFault()).isTrue();
            });
    assertThat(status.getDestinationHost()).isNotIn(first, "a-host-1");
    assertThat(residentHost("pool-a", "vm-shared"))
        .isEqualTo("Running@" + status.getDestinationHost());
    assertOnExactlyOneHost("vm-shared");
    assertReleased(name);
  }

  @Test
  void theSourceGoingOfflineFailsWithoutAnotherTryAndCannotBeVerified() {
    simulator.faults().hangMigration("vm-busy", 0.3);
    String name = migrate("vm-busy", s -> {});
    awaitTaskStarted(name);
    simulator.setHostLive("pool-a", "a-host-2", false);
    LiveMigrationStatus status = awaitPhase(name, MigrationPhase.Failed);
    assertThat(status.getReason()).isEqualTo("SourceHostDown");
    assertThat(status.getMessage()).contains("HOST_OFFLINE").doesNotContain("OpaqueRef:");
    assertThat(status.getAttempts())
        .singleElement()
        .satisfies(a -> assertThat(a.getReason()).isEqualTo("HOST_OFFLINE"));
    // xapi still reports the VM Running on a host that is down: that is not a verified rollback.
    assertThat(status.getRollback().getVerified()).isFalse();
    assertThat(status.getRollback().getVerification()).contains("a-host-2", "not live");
    assertThat(migrateCalls()).isEqualTo(1);
    assertThat(residentHost("pool-a", "vm-busy")).isEqualTo("Running@a-host-2");
    assertOnExactlyOneHost("vm-busy");
    assertReleased(name);
  }

  @Test
  void theMasterGoingAwayPausesTheMigrationUntilItIsBack() {
    simulator.faults().hangMigration("vm-busy", 0.3);
    String name = migrate("vm-busy", s -> s.setDestinationHost("a-host-3"));
    awaitTaskStarted(name);
    simulator.setHostLive("pool-a", "a-host-1", false);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "XenApiUnavailable".equals(status(name).getReason()));
    assertThat(status(name).getPhase()).isEqualTo(MigrationPhase.Running);
    simulator.setHostLive("pool-a", "a-host-1", true);
    simulator.resumeHungMigrations("vm-busy");
    awaitPhase(name, MigrationPhase.Completed);
    assertThat(migrateCalls()).isEqualTo(1);
    assertThat(residentHost("pool-a", "vm-busy")).isEqualTo("Running@a-host-3");
    assertReleased(name);
  }

  @Test
  void expiredSessionsAndTransportFaultsDoNotDisturbARunningMigration() {
    simulator.faults().hangMigration("vm-shared", 0.3);
    String name = migrate("vm-shared", s -> s.setDestinationHost("a-host-2"));
    awaitProgressAtLeast(name, 1);
    long logins = simulator.calls().count("session.login_with_password");
    simulator.expireSessions("pool-a");
    simulator.faults().failHttp(3);
    simulator.faults().resetConnections(2);
    simulator.resumeHungMigrations("vm-shared");
    LiveMigrationStatus status = awaitPhase(name, MigrationPhase.Completed);
    assertThat(simulator.calls().count("session.login_with_password")).isGreaterThan(logins);
    assertThat(status.getAttempts()).singleElement();
    assertThat(migrateCalls()).isEqualTo(1);
    assertThat(residentHost("pool-a", "vm-shared")).isEqualTo("Running@a-host-2");
    assertReleased(name);
  }

  @Test
  void aRefusedStartIsRolledBackAndTriedElsewhere() {
    simulator
        .faults()
        .failCalls("Async.VM.pool_migrate", 1, "HOST_NOT_ENOUGH_FREE_MEMORY", "4294967296", "0");
    String name = migrate("vm-shared", s -> {});
    LiveMigrationStatus status = awaitPhase(name, MigrationPhase.Completed);
    assertThat(status.getAttempts())
        .extracting(a -> a.getOutcome())
        .containsExactly(AttemptOutcome.Failed, AttemptOutcome.Succeeded);
    assertThat(status.getAttempts().get(0).getReason()).isEqualTo("HOST_NOT_ENOUGH_FREE_MEMORY");
    assertThat(status.getDestinationHost()).isNotEqualTo(status.getAttempts().get(0).getHost());
    assertOnExactlyOneHost("vm-shared");
    assertReleased(name);
  }

  @Test
  void aHostWhoseCpuLacksTheVmsFeaturesIsRefusedAndAnotherIsChosen() {
    simulator.inWorld(
        w ->
            w.pool("pool-a").host("a-host-2").cpuFeatures =
                "0" + CpuFeatures.INTEL_DEFAULT.substring(1));
    String pinned = migrate("vm-shared", s -> s.setDestinationHost("a-host-2"));
    LiveMigrationStatus refused = awaitPhase(pinned, MigrationPhase.Failed);
    assertThat(refused.getMessage()).contains("VM_INCOMPATIBLE_WITH_THIS_HOST");
    assertThat(migrateCalls()).isZero();
    assertThat(residentHost("pool-a", "vm-shared")).isEqualTo("Running@a-host-1");
    assertReleased(pinned);

    String anywhere = migrate("vm-shared", s -> {});
    awaitPhase(anywhere, MigrationPhase.Completed);
    assertThat(residentHost("pool-a", "vm-shared")).isEqualTo("Running@a-host-3");
    assertOnExactlyOneHost("vm-shared");
    assertReleased(anywhere);
  }

  // --- faults while Preparing and RollingBack ---

  @Test
  void anExpiredSessionWhilePreparingIsRetried() {
    // Fails the call, the call again after the driver's own re-login, and then lets it through.
    simulator.faults().failCalls("VM.assert_can_boot_here", 2, "SESSION_INVALID", "OpaqueRef:x");
    String name = migrate("vm-shared", s -> s.setDestinationHost("a-host-2"));
    LiveMigrationStatus status = awaitPhase(name, MigrationPhase.Completed);
    assertThat(simulator.calls().count("VM.assert_can_boot_here")).isEqualTo(3);
    assertThat(status.getAttempts()).singleElement();
    assertThat(migrateCalls()).isEqualTo(1);
    assertThat(residentHost("pool-a", "vm-shared")).isEqualTo("Running@a-host-2");
  }

  @Test
  void transportFaultsDuringARollbackDelayItButItFinishes() {
    simulator.faults().hangMigration("vm-shared", 0.3);
    String name = migrate("vm-shared", s -> {});
    awaitTaskStarted(name);
    simulator.faults().failHttp(2);
    cancel(name);
    LiveMigrationStatus status = awaitPhase(name, MigrationPhase.Cancelled);
    assertThat(status.getRollback().getVerified()).isTrue();
    assertThat(status.getRollback().getSteps())
        .extracting(RollbackStep::getAction)
        .containsSubsequence("CancelTask", "VerifySource");
    assertThat(simulator.calls().count("task.cancel")).isEqualTo(1);
    assertThat(residentHost("pool-a", "vm-shared")).isEqualTo("Running@a-host-1");
    assertOnExactlyOneHost("vm-shared");
    assertReleased(name);
    awaitEventReasons(name, "RollingBack", "RollbackStep", "Cancelled");
    assertThat(get("q/metrics"))
        .containsPattern("migration_rollbacks_total\\{reason=\"Cancelled\"[^}]*\\} [1-9]");
  }

  // --- bad input ---

  @Test
  void anAmbiguousNameOrADestinationThatDoesNotFitFailsAndOthersGoOn() {
    simulator.inWorld(
        w -> {
          SimVm huge = w.pool("pool-a").vm("vm-shared");
          huge.memoryStaticMax = 200L << 30;
          huge.memoryDynamicMax = 200L << 30;
          return null;
        });
    String tooBig = migrate("vm-shared", s -> s.setDestinationHost("a-host-2"));
    LiveMigrationStatus noFit = awaitPhase(tooBig, MigrationPhase.Failed);
    assertThat(noFit.getReason()).isEqualTo("NoHostFits");
    assertThat(noFit.getPlacement().getRejected())
        .singleElement()
        .satisfies(r -> assertThat(r.getHost()).isEqualTo("a-host-2"));

    simulator.inWorld(w -> w.pool("pool-a").vm("vm-busy").nameLabel = "vm-local");
    String ambiguous = migrate("vm-local", s -> {});
    LiveMigrationStatus twins = awaitPhase(ambiguous, MigrationPhase.Failed);
    assertThat(twins.getReason()).isEqualTo("VM_NAME_AMBIGUOUS");
    assertThat(twins.getMessage()).contains("name one by UUID");
    assertThat(List.of(ambiguous, tooBig)).allSatisfy(this::assertReleased);

    simulator.inWorld(
        w -> {
          SimVm shared = w.pool("pool-a").vm("vm-shared");
          shared.memoryStaticMax = 4L << 30;
          shared.memoryDynamicMax = 4L << 30;
          return null;
        });
    String fine = migrate("vm-shared", s -> {});
    awaitPhase(fine, MigrationPhase.Completed);
    assertThat(migrateCalls()).isEqualTo(1);
  }
}
