package io.xenmigration.migration;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.api.v1alpha1.XenPoolSpec;
import io.xenmigration.api.v1alpha1.XenPoolStatus;
import io.xenmigration.pool.PoolDrivers;
import io.xenmigration.pool.PoolInventories;
import io.xenmigration.testing.SimFixtures;
import io.xenmigration.xapisim.ManualClock;
import io.xenmigration.xapisim.XapiSimulator;
import io.xenmigration.xapisim.engine.SimSettings;
import io.xenmigration.xen.CallMeter;
import io.xenmigration.xen.PoolApi;
import io.xenmigration.xen.PoolEndpoint;
import io.xenmigration.xen.PoolWrites;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The migration flow without Kubernetes: a simulator on a hand-stepped clock, Ready XenPools {@code
 * pool-a} and {@code pool-b} (namespace {@code ns}), an in-memory API server with optimistic
 * concurrency ({@link MemoryStatusStore}), and operators that look at migrations exactly as the
 * controller does ({@link MigrationStep}: decide, write the intent, act, record), with the time of
 * each look under the test's control.
 */
final class FlowFixture implements AutoCloseable {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** The wait for a start that may still be on its way: twice the default reply timeout. */
  static final Duration START_GRACE = Duration.ofSeconds(60);

  final ManualClock simClock = new ManualClock(T0);
  final XapiSimulator simulator;
  final XenPool pool;
  final XenPool poolB;
  final MemoryStatusStore store = new MemoryStatusStore();
  final List<MigrationStep.Written> written = new ArrayList<>();

  /** Whether the migrations' XenPool object has been deleted (its informer no longer has it). */
  boolean sourcePoolDeleted;

  /**
   * How many decisions one write of the operators made from now on may carry: 1 writes every phase
   * on its own, so that a test can start from any of them.
   */
  int decisionsPerWrite = MigrationStep.MAX_DECISIONS;

  /** The time the next look sees; tests move it to cross timeouts. */
  Instant now = T0;

  private Operator operator;

  FlowFixture() {
    this(new SimSettings());
  }

  FlowFixture(SimSettings settings) {
    simulator = SimFixtures.twoPools(simClock, settings).start();
    pool = readyPool("pool-a");
    poolB = readyPool("pool-b");
  }

  private XenPool readyPool(String name) {
    XenPool pool = new XenPool();
    pool.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace("ns")
            .withUid("uid-" + name)
            .withCreationTimestamp(T0.minusSeconds(3600).toString())
            .build());
    XenPoolSpec spec = new XenPoolSpec();
    // The two pools accept each other's VMs, as their owner paired them.
    spec.setAcceptMigrationsFrom(List.of(name.equals("pool-a") ? "pool-b" : "pool-a"));
    pool.setSpec(spec);
    XenPoolStatus status = new XenPoolStatus();
    status.setPoolUuid(simulator.pool(name).uuid);
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
    if (operator != null) {
      operator.close();
    }
    simulator.close();
  }

  /**
   * One operator process: its drivers, inventories, ledger and task knowledge, all in memory,
   * looking at migrations as the controller does.
   */
  final class Operator implements AutoCloseable {
    final PoolDrivers drivers;
    final PoolInventories inventories = new PoolInventories();
    final MigrationLedger ledger = new MigrationLedger();
    final MigrationServices services;
    final MigrationStep step;
    ActionFence fence = ActionFence.OPEN;

    /** The last gate the drivers' calls that change a pool pass, asked at each such call. */
    volatile PoolWrites.Gate writes = PoolWrites.Gate.OPEN;

    Operator() {
      Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
      drivers = new PoolDrivers(new CallMeter(), clock, () -> writes.closedBecause());
      services =
          new MigrationServices(drivers, inventories, ledger, TaskFollower.disabled(), START_GRACE);
      MigrationFlow flow = new MigrationFlow(services);
      step =
          new MigrationStep(
              flow,
              ledger,
              services,
              new ActionFence() {
                @Override
                public boolean mayAct() {
                  return fence.mayAct();
                }

                @Override
                public String why() {
                  return fence.why();
                }
              },
              decisionsPerWrite);
    }

    /** Logs in to both pools and reads them, as the XenPool controller does. */
    Operator connect() {
      for (String name : List.of("pool-a", "pool-b")) {
        PoolApi driver =
            drivers.driver(
                "ns/" + name,
                PoolEndpoint.of(simulator.url(name), "root", "password", null, false));
        try {
          inventories.put("ns/" + name, driver.inventory());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
      return this;
    }

    @Override
    public void close() {
      drivers.logOutEverywhere();
    }
  }

  /** The operator of this test (connected to both pools), created on first use. */
  Operator operator() {
    if (operator == null) {
      operator = new Operator().connect();
    }
    return operator;
  }

  /** A fresh operator replaces the current one, as after a crash or a leader change. */
  Operator restart() {
    if (operator != null) {
      operator.close();
    }
    store.restarted();
    operator = new Operator().connect();
    return operator;
  }

  /** An operator that has not connected to the pools yet, as right after a restart. */
  Operator restartNotConnected() {
    if (operator != null) {
      operator.close();
    }
    store.restarted();
    operator = new Operator();
    return operator;
  }

  /** A driver of pool-a of its own, for what someone else does to the pool meanwhile. */
  PoolApi outsider() {
    return new PoolDrivers(new CallMeter(), Clock.fixed(T0, ZoneOffset.UTC))
        .driver(
            "ns/pool-a", PoolEndpoint.of(simulator.url("pool-a"), "root", "password", null, false));
  }

  /** A migration of {@code vm-shared} to {@code a-host-2}, not yet created. */
  static LiveMigration migration() {
    return migration("move");
  }

  /** A migration of {@code vm-shared} to {@code a-host-2} with a name of its own. */
  static LiveMigration migration(String name) {
    LiveMigration lm = new LiveMigration();
    lm.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace("ns")
            .withCreationTimestamp(T0.toString())
            .build());
    LiveMigrationSpec spec = new LiveMigrationSpec();
    spec.setPool("pool-a");
    spec.setVm("vm-shared");
    spec.setDestinationHost("a-host-2");
    lm.setSpec(spec);
    return lm;
  }

  /** Creates a migration in the store, as {@code kubectl apply} does. */
  String create(LiveMigration lm) {
    return store.create(lm).getMetadata().getName();
  }

  /** Creates a migration with a change to its spec. */
  String create(Consumer<LiveMigrationSpec> change) {
    LiveMigration lm = migration();
    change.accept(lm.getSpec());
    return create(lm);
  }

  /** The migration as the store has it now. */
  LiveMigration get(String name) {
    return store.get(name);
  }

  /** A person changes a migration's spec, as {@code kubectl patch} does. */
  void edit(String name, Consumer<LiveMigrationSpec> change) {
    store.edit(name, lm -> change.accept(lm.getSpec()));
  }

  /** One look at a migration by the current operator at {@link #now}. */
  MigrationStep.Report step(String name) {
    return step(operator(), name, false);
  }

  /** One look by a given operator, for a migration being deleted or not. */
  MigrationStep.Report step(Operator by, String name, boolean deleting) {
    LiveMigration lm = store.get(name);
    XenPool destination = "pool-b".equals(lm.getSpec().getDestinationPool()) ? poolB : null;
    MigrationContext context =
        new MigrationContext(
            lm,
            sourcePoolDeleted ? null : pool,
            destination,
            MigrationView.of(store.all()),
            PoolIndex.of(List.of(pool, poolB)),
            deleting,
            now);
    MigrationStep.Report report = by.step.run(context, store);
    written.addAll(report.written());
    return report;
  }

  /**
   * Looks at a migration until its status matches or it ends, moving both clocks on between looks;
   * stops as soon as a crash fault has fired (the test then restarts the operator).
   */
  LiveMigration run(String name, Predicate<LiveMigration> until) {
    return run(name, until, false);
  }

  /** As {@link #run(String, Predicate)}, for a migration being deleted or not. */
  LiveMigration run(String name, Predicate<LiveMigration> until, boolean deleting) {
    for (int i = 0; i < 500; i++) {
      LiveMigration lm = store.get(name);
      if (store.crashed()
          || (lm.getStatus() != null
              && lm.getStatus().getPhase() != null
              && ((lm.getStatus().getPhase().isTerminal() && lm.getStatus().getIntent() == null)
                  || until.test(lm)))) {
        return lm;
      }
      step(operator(), name, deleting);
      now = now.plusMillis(100);
      simClock.advance(Duration.ofMillis(250));
    }
    throw new AssertionError(
        "the migration did not get there: " + store.get(name).getStatus().getPhase());
  }

  /** Runs a migration to its end. */
  LiveMigration finish(String name) {
    return run(name, m -> false);
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

  /** Whether a migration is in a phase. */
  static Predicate<LiveMigration> in(MigrationPhase phase) {
    return lm -> lm.getStatus() != null && lm.getStatus().getPhase() == phase;
  }
}
