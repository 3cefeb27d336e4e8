package io.xenmigration.migration;

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
import io.xenmigration.xen.XenApiDriver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Predicate;

/**
 * The migration flow without Kubernetes: a simulator on a hand-stepped clock, Ready XenPools {@code
 * pool-a} and {@code pool-b} (namespace {@code ns}), and a loop that reconciles as the controller
 * does, with the time of each reconcile under the test's control.
 */
final class FlowFixture implements AutoCloseable {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  final ManualClock simClock = new ManualClock(T0);
  final XapiSimulator simulator;
  final XenPool pool;
  final XenPool poolB;
  final Reservations reservations = new Reservations();
  final AdmissionGate gate = new AdmissionGate();

  /** The time the next reconcile sees; tests move it to cross timeouts. */
  Instant now = T0;

  FlowFixture() {
    simulator = SimFixtures.twoPools(simClock, new SimSettings()).start();
    pool = readyPool("pool-a");
    poolB = readyPool("pool-b");
  }

  private static XenPool readyPool(String name) {
    XenPool pool = new XenPool();
    pool.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns").build());
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
    return pool;
  }

  @Override
  public void close() {
    simulator.close();
  }

  /**
   * One operator process: its drivers, inventories, scheduler and slots, all in memory. A new one
   * is a restart; the reservations and slots of the fixture are shared so tests can look at them.
   */
  MigrationFlow operator() throws Exception {
    return operator(reservations, gate);
  }

  /** An operator with memory of its own, as after a restart. */
  MigrationFlow restartedOperator() throws Exception {
    return operator(new Reservations(), new AdmissionGate());
  }

  private MigrationFlow operator(Reservations reservations, AdmissionGate gate) throws Exception {
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    PoolDrivers drivers = new PoolDrivers(new CallMeter(), clock);
    PoolInventories inventories = new PoolInventories();
    XenApiDriver driver =
        drivers.driver(
            "ns/pool-a", PoolEndpoint.of(simulator.url("pool-a"), "root", "password", null, false));
    inventories.put("ns/pool-a", driver.inventory());
    XenApiDriver driverB =
        drivers.driver(
            "ns/pool-b", PoolEndpoint.of(simulator.url("pool-b"), "root", "password", null, false));
    inventories.put("ns/pool-b", driverB.inventory());
    return new MigrationFlow(
        new MigrationServices(
            drivers, inventories, new Scheduler(reservations), gate, TaskFollower.disabled()));
  }

  /** A driver of pool-a of its own, for what someone else does to the pool meanwhile. */
  XenApiDriver outsider() throws Exception {
    return new PoolDrivers(new CallMeter(), Clock.fixed(T0, ZoneOffset.UTC))
        .driver(
            "ns/pool-a", PoolEndpoint.of(simulator.url("pool-a"), "root", "password", null, false));
  }

  /** A migration of {@code vm-shared} to {@code a-host-2}, not yet seen by the operator. */
  static LiveMigration migration() {
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

  /** One reconcile at {@link #now}: the handler's outcome, applied to the status as written. */
  PhaseOutcome step(MigrationFlow flow, LiveMigration lm) {
    MigrationStatusWriter writer = new MigrationStatusWriter(lm);
    if (writer.status().getPhase() == null) {
      writer.phase(MigrationPhase.Queued, "Queued", "accepted", now);
    }
    XenPool destination = "pool-b".equals(lm.getSpec().getDestinationPool()) ? poolB : null;
    PhaseOutcome outcome = flow.handle(new MigrationContext(lm, pool, destination, List.of(), now));
    outcome.edits().forEach(edit -> edit.accept(writer));
    writer.phase(outcome.phase(), outcome.reason(), outcome.message(), now);
    return outcome;
  }

  /**
   * Reconciles until the status matches or the migration ends; {@code loseLastWrite} drops the last
   * outcome's status, as a crash right after the XenAPI call would.
   */
  LiveMigration run(
      MigrationFlow flow, LiveMigration lm, Predicate<LiveMigration> until, boolean loseLastWrite) {
    for (int i = 0; i < 500; i++) {
      if (lm.getStatus() != null
          && lm.getStatus().getPhase() != null
          && (lm.getStatus().getPhase().isTerminal() || until.test(lm))) {
        return lm;
      }
      LiveMigration before = Serialization.clone(lm);
      step(flow, lm);
      if (loseLastWrite && until.test(lm)) {
        return before; // the process died before this status reached the API server
      }
      now = now.plusMillis(100);
      simClock.advance(Duration.ofMillis(250));
    }
    throw new AssertionError("the migration did not get there: " + lm.getStatus().getPhase());
  }

  long migrateCalls() {
    return simulator.calls().count("Async.VM.pool_migrate")
        + simulator.calls().count("Async.VM.migrate_send");
  }

  /** power state @ host of a VM of pool-a. */
  String where(String vm) {
    return simulator.inWorld(
        w -> {
          var found = w.pool("pool-a").vm(vm);
          return found.powerState + "@" + found.residentOn.nameLabel;
        });
  }
}
