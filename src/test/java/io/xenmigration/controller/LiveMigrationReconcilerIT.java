package io.xenmigration.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.xenmigration.api.v1alpha1.AttemptOutcome;
import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationMode;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.api.v1alpha1.XenPoolSpec;
import io.xenmigration.testing.EmbeddedApiResource;
import io.xenmigration.testing.SimFixtures;
import io.xenmigration.xapisim.ScaledClock;
import io.xenmigration.xapisim.XapiSimulator;
import io.xenmigration.xapisim.model.XClass;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * LiveMigrations through the running operator, the Fabric8 mock API server and the simulator over
 * HTTP: each mode's happy path, pre-check retries, rollback and retry after a failed task, cancel,
 * and bad input.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedApiResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class LiveMigrationReconcilerIT extends MigrationHarness {

  @Test
  void poolMigrateHappyPath() {
    String name = migrate("vm-shared", s -> {});
    LiveMigrationStatus status = awaitPhase(name, MigrationPhase.Completed);
    assertThat(status.getMode()).isEqualTo(MigrationMode.PoolMigrate);
    assertThat(status.getPhaseTimestamps().keySet())
        .containsExactly("Queued", "Preparing", "Running", "Completed");
    assertThat(status.getProgress()).isEqualTo(100);
    assertThat(status.getSourceHost()).isEqualTo("a-host-1");
    assertThat(residentHost("pool-a", "vm-shared"))
        .isEqualTo("Running@" + status.getDestinationHost());
    assertThat(status.getDestinationHost()).isNotEqualTo("a-host-1");
    assertThat(status.getAttempts())
        .singleElement()
        .satisfies(a -> assertThat(a.getOutcome()).isEqualTo(AttemptOutcome.Succeeded));
    assertThat(status.getVmUuid()).isNotBlank();
    assertThat(simulator.calls().count("Async.VM.pool_migrate")).isEqualTo(1);
    awaitEventReasons(name, "Queued", "Preparing", "Started", "Completed");
    String metrics = get("q/metrics");
    assertThat(metrics)
        .containsPattern(
            "migrations_total\\{mode=\"PoolMigrate\",outcome=\"Completed\"[^}]*\\} [1-9]")
        .containsPattern("migration_phase_seconds_count\\{phase=\"Running\"[^}]*\\} [1-9]")
        .containsPattern("migration_phase_seconds_bucket\\{[^}]*phase=\"Running\"[^}]*\\} [1-9]")
        .contains("migrations_in_flight{pool=\"" + namespace + "/pool-a\"}")
        .contains("migrations_queued{pool=\"" + namespace + "/pool-a\"}");
  }

  @Test
  void storageMigrateHappyPath() {
    String name = migrate("vm-local", s -> s.setDestinationHost("a-host-2"));
    LiveMigrationStatus status = awaitPhase(name, MigrationPhase.Completed);
    assertThat(status.getMode()).isEqualTo(MigrationMode.StorageMigrate);
    assertThat(residentHost("pool-a", "vm-local")).isEqualTo("Running@a-host-2");
    String sr =
        simulator.inWorld(w -> w.pool("pool-a").vm("vm-local").vbds.get(0).vdi.sr.nameLabel);
    assertThat(sr).isIn("nfs-a", "Local storage on a-host-2");
    assertThat(simulator.calls().count("Async.VM.migrate_send")).isEqualTo(1);
  }

  @Test
  void crossPoolHappyPath() {
    String name = migrate("vm-shared", s -> s.setDestinationPool("pool-b"));
    LiveMigrationStatus status = awaitPhase(name, MigrationPhase.Completed);
    assertThat(status.getMode()).isEqualTo(MigrationMode.CrossPoolMigrate);
    assertThat(residentHost("pool-b", "vm-shared")).startsWith("Running@b-host-");
    assertThat(residentHost("pool-a", "vm-shared")).isNull();
    assertOnExactlyOneHost("vm-shared");
  }

  @Test
  void aPreCheckFailureMovesOnToTheNextHost() {
    simulator
        .faults()
        .failCalls("VM.assert_can_boot_here", 1, "HOST_NOT_ENOUGH_FREE_MEMORY", "1", "0");
    String name = migrate("vm-shared", s -> {});
    LiveMigrationStatus status = awaitPhase(name, MigrationPhase.Completed);
    assertThat(status.getAttempts()).hasSize(2);
    assertThat(status.getAttempts().get(0).getOutcome()).isEqualTo(AttemptOutcome.PreCheckFailed);
    assertThat(status.getAttempts().get(0).getReason()).isEqualTo("HOST_NOT_ENOUGH_FREE_MEMORY");
    assertThat(status.getAttempts().get(1).getHost())
        .isNotEqualTo(status.getAttempts().get(0).getHost());
    assertOnExactlyOneHost("vm-shared");
  }

  @Test
  void aFailedTaskRollsBackAndTriesAnotherHost() {
    simulator.faults().failMigration("vm-shared", 0.5, "VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED");
    String name = migrate("vm-shared", s -> {});
    LiveMigrationStatus status = awaitPhase(name, MigrationPhase.Completed);
    assertThat(status.getPhaseTimestamps()).containsKey("RollingBack");
    assertThat(status.getAttempts()).hasSize(2);
    assertThat(status.getAttempts().get(0).getOutcome()).isEqualTo(AttemptOutcome.Failed);
    assertThat(status.getRollback().getVerified()).isTrue();
    assertThat(simulator.calls().count("Async.VM.pool_migrate")).isEqualTo(2);
    assertOnExactlyOneHost("vm-shared");
  }

  @Test
  void failuresOnEveryAttemptEndInFailedWithTheCode() {
    for (int i = 0; i < 3; i++) {
      simulator
          .faults()
          .failMigration("vm-shared", 0.2, "VM_MIGRATE_FAILED", "vm", "src", "dst", "boom");
    }
    String name = migrate("vm-shared", s -> s.setMaxAttempts(2));
    LiveMigrationStatus status = awaitPhase(name, MigrationPhase.Failed);
    assertThat(status.getReason()).isEqualTo("VM_MIGRATE_FAILED");
    assertThat(status.getAttempts()).hasSize(2);
    assertThat(residentHost("pool-a", "vm-shared")).isEqualTo("Running@a-host-1");
  }

  @Test
  void cancelWhileRunningLeavesTheVmAtHome() {
    simulator.faults().hangMigration("vm-shared", 0.3);
    String name = migrate("vm-shared", s -> {});
    awaitTaskStarted(name);
    cancel(name);
    LiveMigrationStatus status = awaitPhase(name, MigrationPhase.Cancelled);
    assertThat(status.getRollback().getSteps())
        .extracting(s -> s.getAction())
        .contains("CancelTask");
    assertThat(residentHost("pool-a", "vm-shared")).isEqualTo("Running@a-host-1");
  }

  @Test
  void thirtyMigrationsRespectTheLimitsAndPriorities() {
    simulator.close();
    simulator =
        XapiSimulator.builder()
            .clock(new ScaledClock(20.0))
            .pool("pool-a", io.xenmigration.xapisim.PoolGenerator.pool("a", 4, 30, 512))
            .pool("pool-b", SimFixtures::poolB)
            .start();
    // The new pool listens elsewhere: its owner binds the credentials to its URL too.
    String newUrl = simulator.url("pool-a").toString();
    client
        .secrets()
        .inNamespace(namespace)
        .withName("creds")
        .edit(
            secret -> {
              secret
                  .getMetadata()
                  .getAnnotations()
                  .merge(
                      io.xenmigration.pool.PoolSecrets.URLS_ANNOTATION,
                      newUrl,
                      (listed, added) -> listed + "," + added);
              return secret;
            });
    // The pool appears only once every migration waits, so the queue order alone decides.
    client.resources(XenPool.class).inNamespace(namespace).withName("pool-a").delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client.resources(XenPool.class).inNamespace(namespace).withName("pool-a").get()
                    == null);
    List<String> names = new java.util.ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      int priority = i == 30 ? 100 : 0;
      names.add(migrate("a-vm-" + i, s -> s.setPriority(priority)));
    }
    for (String name : names) {
      awaitQueuedBecause(name, "PoolNotFound");
    }
    XenPool pool = new XenPool();
    pool.setMetadata(new ObjectMetaBuilder().withName("pool-a").withNamespace(namespace).build());
    XenPoolSpec spec = new XenPoolSpec();
    spec.setUrl(simulator.url("pool-a").toString());
    spec.setCredentialsSecret("creds");
    io.xenmigration.api.v1alpha1.PoolLimits limits = new io.xenmigration.api.v1alpha1.PoolLimits();
    limits.setMaxParallelMigrations(5);
    limits.setMaxParallelPerHost(2);
    spec.setLimits(limits);
    pool.setSpec(spec);
    client.resources(XenPool.class).inNamespace(namespace).resource(pool).create();

    Map<String, java.time.Instant> running = new java.util.HashMap<>();
    for (String name : names) {
      running.put(
          name,
          java.time.Instant.parse(
              awaitPhase(name, MigrationPhase.Completed).getPhaseTimestamps().get("Running")));
    }
    // The urgent one, created last, is in the first five to start.
    java.time.Instant urgent = running.get(names.get(29));
    long before =
        names.subList(0, 29).stream().filter(n -> running.get(n).isBefore(urgent)).count();
    assertThat(before).isLessThanOrEqualTo(4);
    assertThat(simulator.engine().peakByPool().get("pool-a")).isLessThanOrEqualTo(5);
    assertThat(simulator.engine().peakBySourceHost().values()).allMatch(peak -> peak <= 2);
    assertThat(
            simulator.calls().count("Async.VM.pool_migrate")
                + simulator.calls().count("Async.VM.migrate_send"))
        .isEqualTo(30);
  }

  @Test
  void aHungTaskIsAbortedAfterTheProgressTimeout() {
    simulator.faults().hangMigration("vm-shared", 0.3);
    String name = migrate("vm-shared", LiveMigrationReconcilerIT::oneTryWithAShortProgressTimeout);
    LiveMigrationStatus status = awaitPhase(name, MigrationPhase.Failed);
    assertThat(status.getReason()).isEqualTo("ProgressTimeout");
    assertThat(status.getAttempts())
        .singleElement()
        .satisfies(a -> assertThat(a.getOutcome()).isEqualTo(AttemptOutcome.TimedOut));
    assertThat(status.getRollback().getSteps())
        .extracting(s -> s.getAction())
        .contains("CancelTask");
    assertThat(residentHost("pool-a", "vm-shared")).isEqualTo("Running@a-host-1");
    assertOnExactlyOneHost("vm-shared");
  }

  @Test
  void aVmThatNeverConvergesIsAbortedAndStaysHome() {
    simulator.inWorld(w -> w.pool("pool-a").vm("vm-busy").dirtyBytesPerSecond = 2_000_000_000L);
    String name = migrate("vm-busy", LiveMigrationReconcilerIT::oneTryWithAShortProgressTimeout);
    LiveMigrationStatus status = awaitPhase(name, MigrationPhase.Failed);
    assertThat(status.getReason()).isEqualTo("ProgressTimeout");
    assertThat(status.getProgress()).isBetween(1, 99);
    assertThat(residentHost("pool-a", "vm-busy")).isEqualTo("Running@a-host-2");
    assertOnExactlyOneHost("vm-busy");
  }

  @Test
  void cancelWhileQueuedNeverTouchesThePool() {
    client
        .resources(XenPool.class)
        .inNamespace(namespace)
        .withName("pool-a")
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"spec\":{\"limits\":{\"maxParallelPerHost\":1}}}");
    simulator.faults().hangMigration("vm-shared", 0.3);
    String first = migrate("vm-shared", s -> {});
    awaitTaskStarted(first);
    String second = migrate("vm-local", s -> {}); // same source host: waits for the slot
    awaitQueuedBecause(second, "HostLimit");
    cancel(second);
    assertThat(awaitPhase(second, MigrationPhase.Cancelled).getAttempts()).isEmpty();
    cancel(first);
    awaitPhase(first, MigrationPhase.Cancelled);
    assertThat(
            simulator.calls().count("VM.migrate_send")
                + simulator.calls().count("Async.VM.migrate_send"))
        .isZero();
    assertThat(residentHost("pool-a", "vm-local")).isEqualTo("Running@a-host-1");
  }

  @Test
  void deletingARunningMigrationStopsItFirst() {
    simulator.faults().hangMigration("vm-shared", 0.3);
    String name = migrate("vm-shared", s -> {});
    awaitTaskStarted(name);
    delete(name);
    awaitGone(name);
    assertThat(simulator.calls().count("task.cancel")).isEqualTo(1);
    assertThat(residentHost("pool-a", "vm-shared")).isEqualTo("Running@a-host-1");
    assertOnExactlyOneHost("vm-shared");
  }

  @Test
  void aFailedMirrorLeavesNoCopiesBehind() {
    simulator.faults().failMigration("vm-local", 0.1, "MIRROR_FAILED", "vdi");
    String name =
        migrate(
            "vm-local",
            s -> {
              s.setDestinationHost("a-host-2");
              s.setMaxAttempts(1);
            });
    LiveMigrationStatus status = awaitPhase(name, MigrationPhase.Failed);
    assertThat(status.getReason()).isEqualTo("MIRROR_FAILED");
    assertThat(status.getRollback().getSteps())
        .extracting(s -> s.getAction())
        .contains("RemoveLeftovers");
    long leftovers =
        simulator.inWorld(
            w ->
                w.pool("pool-a").<io.xenmigration.xapisim.model.SimVdi>all(XClass.VDI).stream()
                    .filter(v -> v.vbds.isEmpty())
                    .count());
    assertThat(leftovers).isZero();
    assertThat(residentHost("pool-a", "vm-local")).isEqualTo("Running@a-host-1");
  }

  /** The shortest progress timeout the CRD allows, and no second host. */
  private static void oneTryWithAShortProgressTimeout(LiveMigrationSpec spec) {
    io.xenmigration.api.v1alpha1.MigrationTimeouts timeouts =
        new io.xenmigration.api.v1alpha1.MigrationTimeouts();
    timeouts.setProgressSeconds(10);
    spec.setTimeouts(timeouts);
    spec.setMaxAttempts(1);
  }

  @Test
  void badInputEndsInFailedWithAReason() {
    String missing = migrate("no-such-vm", s -> {});
    assertThat(awaitPhase(missing, MigrationPhase.Failed).getReason()).isEqualTo("VM_NOT_FOUND");
    simulator.inWorld(w -> w.pool("pool-a").vm("vm-busy").powerState = "Halted");
    String halted = migrate("vm-busy", s -> {});
    assertThat(awaitPhase(halted, MigrationPhase.Failed).getReason()).isEqualTo("VMNotRunning");
    String toItself = migrate("vm-shared", s -> s.setDestinationHost("a-host-1"));
    LiveMigrationStatus itself = awaitPhase(toItself, MigrationPhase.Failed);
    assertThat(itself.getReason()).isEqualTo("NoHostFits");
    assertThat(itself.getPlacement().getRejected())
        .singleElement()
        .satisfies(r -> assertThat(r.getReason()).startsWith("IsSource"));
    String noPool = migrate("vm-shared", s -> s.setPool("pool-z"));
    awaitQueuedBecause(noPool, "PoolNotFound");
  }
}
