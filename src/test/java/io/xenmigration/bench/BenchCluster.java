package io.xenmigration.bench;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.PoolLimits;
import io.xenmigration.sandbox.EmbeddedApi;
import io.xenmigration.testing.OperatorProcess;
import io.xenmigration.xapisim.ScaledClock;
import io.xenmigration.xapisim.XapiSimulator;
import io.xenmigration.xapisim.engine.MigrationEngine;
import io.xenmigration.xapisim.engine.SimSettings;
import io.xenmigration.xapisim.model.PoolBuilder;
import io.xenmigration.xapisim.model.SimHost;
import io.xenmigration.xapisim.model.SimSr;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * One benchmark's world: an embedded Kubernetes API with our CRDs, a simulated pool {@code
 * bench-pool} on a scaled clock, its Secret and XenPool in namespace {@code bench}, the operator in
 * a process of its own, and a watch that notes when each LiveMigration is seen in each phase.
 */
final class BenchCluster implements AutoCloseable {

  static final String NAMESPACE = "bench";
  static final String POOL = "bench-pool";

  final Settings settings;
  final EmbeddedApi api;
  final KubernetesClient client;
  final XapiSimulator simulator;
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();

  /** Notified whenever a migration is first seen ended. */
  private final Object ended = new Object();

  private final Watch watch;
  private OperatorProcess operator;

  /**
   * What the world is made of.
   *
   * @param paths the packaged operator, the CRD manifests, where the operator's output goes
   * @param timeScale simulated seconds per real second
   * @param limits the XenPool's limits
   * @param pool the simulated pool's hosts and VMs
   */
  record Settings(
      BenchPaths paths, double timeScale, PoolLimits limits, Consumer<PoolBuilder> pool) {}

  /** When a migration was created and first seen in each phase, by {@link System#nanoTime()}. */
  static final class Seen {
    volatile long created;
    volatile long createdWall;
    volatile long createAnswered;
    final Map<MigrationPhase, Long> phases = new ConcurrentHashMap<>();
    volatile Integer progress;
    volatile int progressUpdates;
    volatile LiveMigration last;

    /** Milliseconds from creation to the first sight of a phase. */
    double millisTo(MigrationPhase phase) {
      Long at = phases.get(phase);
      if (at == null || created == 0) {
        throw new IllegalStateException("not seen " + phase);
      }
      return (at - created) / 1e6;
    }

    boolean ended() {
      return phases.keySet().stream().anyMatch(MigrationPhase::isTerminal);
    }
  }

  BenchCluster(Settings settings) throws IOException {
    this.settings = settings;
    api = EmbeddedApi.start(settings.paths().crds());
    client = api.client();
    SimSettings speeds = new SimSettings();
    simulator =
        XapiSimulator.builder()
            .clock(new ScaledClock(settings.timeScale()))
            .settings(speeds)
            .pool(POOL, settings.pool())
            .start();
    createPool();
    watch = client.resources(LiveMigration.class).inNamespace(NAMESPACE).watch(new Noter());
  }

  private void createPool() {
    api.createNamespaceWithCredentials(
        NAMESPACE, "pool-credentials", java.util.List.of(simulator.url(POOL).toString()));
    api.createXenPool(
        NAMESPACE, POOL, simulator.url(POOL).toString(), "pool-credentials", settings.limits());
  }

  /** Notes the first time each migration is seen in each phase, and each rise of its progress. */
  private final class Noter implements Watcher<LiveMigration> {
    @Override
    public void eventReceived(Action action, LiveMigration lm) {
      long now = System.nanoTime();
      Seen s = seen.computeIfAbsent(lm.getMetadata().getName(), n -> new Seen());
      s.last = lm;
      if (lm.getStatus() == null || lm.getStatus().getPhase() == null) {
        return;
      }
      if (s.phases.putIfAbsent(lm.getStatus().getPhase(), now) == null
          && lm.getStatus().getPhase().isTerminal()) {
        synchronized (ended) {
          ended.notifyAll();
        }
      }
      Integer progress = lm.getStatus().getProgress();
      if (progress != null && !Objects.equals(progress, s.progress)) {
        s.progress = progress;
        s.progressUpdates++;
      }
    }

    @Override
    public void onClose(WatcherException cause) {
      System.err.println("bench: the LiveMigration watch closed: " + cause);
    }
  }

  /** Starts the operator; its output goes to {@code <logDir>/<name>.log}. */
  OperatorProcess startOperator(String name) throws IOException {
    operator =
        OperatorProcess.start(
            settings.paths().jar(), api.url(), settings.paths().logDir().resolve(name + ".log"));
    return operator;
  }

  OperatorProcess operator() {
    return operator;
  }

  void stopOperator() {
    if (operator != null) {
      operator.close();
      operator = null;
    }
  }

  /** Waits until the operator has connected the pool. */
  void awaitPoolReady(Duration limit) {
    api.awaitPoolReady(NAMESPACE, POOL, limit);
  }

  /** Hosts {@code host-1...} and running VMs {@code vm-0...} of one size on shared storage. */
  static Consumer<PoolBuilder> sharedPool(int hosts, long hostMemory, int vms, long vmMemory) {
    return pool -> {
      SimSr nfs = pool.addSharedSr("nfs");
      List<SimHost> all = new ArrayList<>();
      for (int i = 1; i <= hosts; i++) {
        all.add(pool.addHost("host-" + i, hostMemory));
      }
      for (int i = 0; i < vms; i++) {
        pool.addVm("vm-" + i, all.get(i % hosts), vmMemory, nfs, 20L << 30);
      }
    };
  }

  /** XenPool limits. */
  static PoolLimits limits(int total, int perHost, int inbound) {
    PoolLimits limits = new PoolLimits();
    limits.setMaxParallelMigrations(total);
    limits.setMaxParallelPerHost(perHost);
    limits.setMaxInboundPerHost(inbound);
    return limits;
  }

  /** A migration of a VM of the bench pool, wherever the scheduler sends it. */
  static LiveMigration migration(String name, String vm) {
    LiveMigration lm = new LiveMigration();
    lm.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    LiveMigrationSpec spec = new LiveMigrationSpec();
    spec.setPool(POOL);
    spec.setVm(vm);
    lm.setSpec(spec);
    return lm;
  }

  /** Creates migrations from {@code threads} threads at once, noting when each was sent. */
  void create(List<LiveMigration> migrations, int threads) throws Exception {
    if (threads <= 1) {
      for (LiveMigration lm : migrations) {
        createOne(lm);
      }
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (LiveMigration lm : migrations) {
        sent.add(pool.submit(() -> createOne(lm)));
      }
      for (Future<?> f : sent) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private Void createOne(LiveMigration lm) {
    Seen s = seen.computeIfAbsent(lm.getMetadata().getName(), n -> new Seen());
    s.createdWall = System.currentTimeMillis();
    s.created = System.nanoTime();
    client.resources(LiveMigration.class).inNamespace(NAMESPACE).resource(lm).create();
    s.createAnswered = System.nanoTime();
    return null;
  }

  /** Waits until every named migration has ended, and says how each did. */
  Map<String, Seen> awaitEnded(Collection<String> names, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    List<String> open = List.copyOf(names);
    while (true) {
      open = open.stream().filter(n -> seen.get(n) == null || !seen.get(n).ended()).toList();
      if (open.isEmpty()) {
        break;
      }
      if (System.nanoTime() > deadline) {
        Seen first = seen.get(open.get(0));
        throw new IllegalStateException(
            open.size()
                + " migrations did not end in "
                + limit
                + "; "
                + open.get(0)
                + " is "
                + (first == null || first.last == null ? "unseen" : first.last.getStatus()));
      }
      if (operator != null && !operator.alive()) {
        throw new IllegalStateException("the operator died; see " + operator.log());
      }
      synchronized (ended) {
        // Woken by the watch; the timeout only bounds how late a dead operator is noticed.
        ended.wait(200);
      }
    }
    Map<String, Seen> result = new java.util.LinkedHashMap<>();
    for (String name : names) {
      Seen s = seen.get(name);
      if (!s.phases.containsKey(MigrationPhase.Completed)) {
        throw new IllegalStateException(name + " did not complete: " + s.last.getStatus());
      }
      result.put(name, s);
    }
    return result;
  }

  Seen seen(String name) {
    return seen.get(name);
  }

  /** The simulator's record of the task a migration ran, by the task ref in its status. */
  MigrationEngine.Ended taskOf(Seen s) {
    String task = s.last.getStatus().getTaskRef();
    return simulator.engine().history().stream()
        .filter(e -> e.task().equals(task))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no task " + task + " in the simulator"));
  }

  /** A simulated duration in real milliseconds. */
  double realMillis(Duration simulated) {
    return simulated.toNanos() / 1e6 / settings.timeScale();
  }

  @Override
  public void close() {
    stopOperator();
    watch.close();
    simulator.close();
    api.close();
  }
}
