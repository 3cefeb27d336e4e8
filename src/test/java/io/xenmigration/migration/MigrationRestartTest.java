package io.xenmigration.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.api.v1alpha1.XenPoolSpec;
import io.xenmigration.api.v1alpha1.XenPoolStatus;
import io.xenmigration.pool.PoolDrivers;
import io.xenmigration.pool.PoolInventories;
import io.xenmigration.scheduler.Reservations;
import io.xenmigration.scheduler.Scheduler;
import io.xenmigration.testing.SimFixtures;
import io.xenmigration.xapisim.ManualClock;
import io.xenmigration.xapisim.XapiSimulator;
import io.xenmigration.xapisim.engine.SimSettings;
import io.xenmigration.xen.CallMeter;
import io.xenmigration.xen.PoolEndpoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator may die at any instant: a fresh operator (new in-memory state) that picks a
 * migration up from its status finishes it without moving the VM twice.
 */
class MigrationRestartTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private ManualClock simClock;
  private XapiSimulator simulator;
  private XenPool pool;

  @BeforeEach
  void start() {
    simClock = new ManualClock(T0);
    simulator = SimFixtures.twoPools(simClock, new SimSettings()).start();
    pool = new XenPool();
    pool.setMetadata(new ObjectMetaBuilder().withName("pool-a").withNamespace("ns").build());
    pool.setSpec(new XenPoolSpec());
    XenPoolStatus status = new XenPoolStatus();
    status.setConditions(
        List.of(
            new ConditionBuilder()
                .withType("Ready")
                .withStatus("True")
                .withReason("Connected")
                .build()));
    pool.setStatus(status);
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  /** One operator process: its drivers, inventories, scheduler and slots, all in memory. */
  private MigrationFlow operator() throws Exception {
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    PoolDrivers drivers = new PoolDrivers(new CallMeter(), clock);
    PoolInventories inventories = new PoolInventories();
    var driver =
        drivers.driver(
            "ns/pool-a", PoolEndpoint.of(simulator.url("pool-a"), "root", "password", null, false));
    inventories.put("ns/pool-a", driver.inventory());
    return new MigrationFlow(
        new MigrationServices(
            drivers, inventories, new Scheduler(new Reservations()), new AdmissionGate()));
  }

  private static LiveMigration migration() {
    LiveMigration lm = new LiveMigration();
    lm.setMetadata(
        new ObjectMetaBuilder()
            .withName("move")
            .withNamespace("ns")
            .withGeneration(1L)
            .withCreationTimestamp(T0.toString())
            .build());
    LiveMigrationSpec spec = new LiveMigrationSpec();
    spec.setPool("pool-a");
    spec.setVm("vm-shared");
    spec.setDestinationHost("a-host-2");
    lm.setSpec(spec);
    return lm;
  }

  /**
   * Reconciles as the controller does until the status matches, applying each outcome; {@code lose}
   * drops an outcome's status edits, as a crash right after the XenAPI call would.
   */
  private LiveMigration run(
      MigrationFlow flow, LiveMigration lm, Predicate<LiveMigration> until, boolean loseLastWrite)
      throws Exception {
    Instant now = T0;
    for (int i = 0; i < 500; i++) {
      MigrationStatusWriter writer = new MigrationStatusWriter(lm);
      if (writer.status().getPhase() == null) {
        writer.phase(MigrationPhase.Queued, "Queued", "accepted", now);
      }
      if (writer.status().getPhase().isTerminal() || until.test(lm)) {
        return lm;
      }
      LiveMigration before = Serialization.clone(lm);
      PhaseOutcome outcome = flow.handle(new MigrationContext(lm, pool, null, List.of(), now));
      outcome.edits().forEach(edit -> edit.accept(writer));
      writer.phase(outcome.phase(), outcome.reason(), outcome.message(), now);
      if (loseLastWrite && until.test(lm)) {
        return before; // the process died before this status reached the API server
      }
      now = now.plusMillis(100);
      simClock.advance(Duration.ofMillis(250));
    }
    throw new AssertionError("the migration did not get there: " + lm.getStatus().getPhase());
  }

  private long migrateCalls() {
    return simulator.calls().count("Async.VM.pool_migrate");
  }

  private String where() {
    return simulator.inWorld(w -> w.pool("pool-a").vm("vm-shared").residentOn.nameLabel);
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
    simClock.advance(Duration.ofMinutes(5)); // the task finishes while nobody watches
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
}
