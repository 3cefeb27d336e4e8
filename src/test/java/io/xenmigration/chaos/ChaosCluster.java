package io.xenmigration.chaos;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.PoolLimits;
import io.xenmigration.api.v1alpha1.StorageMigrationPolicy;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.api.v1alpha1.XenPoolSpec;
import io.xenmigration.sandbox.EmbeddedApi;
import io.xenmigration.testing.OperatorProcess;
import io.xenmigration.xapisim.ScaledClock;
import io.xenmigration.xapisim.XapiSimulator;
import io.xenmigration.xapisim.engine.SimSettings;
import io.xenmigration.xapisim.model.PoolBuilder;
import io.xenmigration.xapisim.model.SimHost;
import io.xenmigration.xapisim.model.SimSr;
import io.xenmigration.xapisim.model.SimVdi;
import io.xenmigration.xapisim.model.SimVm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The world of one chaos schedule: an embedded API, the two simulated pools on a scaled clock, and
 * two operator processes electing a leader, as the chart runs them with {@code replicas: 2}. A dead
 * replica is replaced, as its Deployment would, by a new process with a new name.
 */
final class ChaosCluster implements AutoCloseable {

  static final String NAMESPACE = "chaos";
  static final String LEASE = "xen-migration-operator";
  static final long GIB = 1L << 30;

  /** The limits both XenPools set: small enough to bind with a dozen migrations. */
  static final int MAX_PARALLEL = 3;

  static final int PER_HOST = 2;
  static final int INBOUND = 1;
  static final int STORAGE_PER_HOST = 1;

  final EmbeddedApi api;
  final KubernetesClient client;
  final XapiSimulator simulator;
  private final Path jar;
  private final Path logs;

  /** The bystander VDIs: unattached, named as the VMs' disks are, on the destination SRs. */
  final Set<String> bystanders = ConcurrentHashMap.newKeySet();

  /** Where each VM ran when the schedule began: host name-label by VM name-label. */
  final Map<String, String> startedOn = new LinkedHashMap<>();

  private final List<OperatorProcess> replicas = new ArrayList<>(List.of());
  private final Map<OperatorProcess, String> names = new ConcurrentHashMap<>();
  private int incarnations;

  /** Every process started, by name: dead or alive. */
  final Map<String, OperatorProcess> started = new LinkedHashMap<>();

  ChaosCluster(Path jar, Path logs) throws Exception {
    this.jar = jar;
    this.logs = logs;
    api = EmbeddedApi.start(io.xenmigration.testing.ProjectFiles.crds());
    client = api.client();
    simulator =
        XapiSimulator.builder()
            .clock(new ScaledClock(4.0))
            .settings(new SimSettings())
            .pool("pool-a", this::poolA)
            .pool("pool-b", this::poolB)
            .start();
    simulator.inWorld(
        w -> {
          for (String pool : List.of("pool-a", "pool-b")) {
            for (SimVm vm : w.pool(pool).<SimVm>all(io.xenmigration.xapisim.model.XClass.VM)) {
              if (!vm.isATemplate && !vm.isControlDomain && vm.residentOn != null) {
                startedOn.put(vm.nameLabel, vm.residentOn.nameLabel);
              }
            }
          }
          return null;
        });
    api.createNamespaceWithCredentials(
        NAMESPACE,
        "creds",
        List.of(simulator.url("pool-a").toString(), simulator.url("pool-b").toString()));
    api.createXenPool(NAMESPACE, "pool-a", spec("pool-a", null));
    api.createXenPool(NAMESPACE, "pool-b", spec("pool-b", List.of("pool-a")));
  }

  private XenPoolSpec spec(String pool, List<String> acceptFrom) {
    XenPoolSpec spec = new XenPoolSpec();
    spec.setUrl(simulator.url(pool).toString());
    spec.setCredentialsSecret("creds");
    PoolLimits limits = new PoolLimits();
    limits.setMaxParallelMigrations(MAX_PARALLEL);
    limits.setMaxParallelPerHost(PER_HOST);
    limits.setMaxInboundPerHost(INBOUND);
    limits.setMaxStorageMigrationsPerHost(STORAGE_PER_HOST);
    spec.setLimits(limits);
    spec.setAcceptMigrationsFrom(acceptFrom);
    return spec;
  }

  /**
   * Four hosts, shared {@code nfs-a} and local storage; VMs cloned from one template, so every disk
   * is called {@code disk 0}; two bystander VDIs of that name on {@code nfs-a}.
   */
  private void poolA(PoolBuilder pool) {
    SimSr nfs = pool.addSharedSr("nfs-a");
    List<SimHost> hosts = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      hosts.add(pool.addHost("a-host-" + i, 64 * GIB));
    }
    for (int i = 0; i < ChaosPlan.SHARED_VMS; i++) {
      cloned(
          pool.addVm(
              String.format("vm-s%02d", i), hosts.get(i % 4), (1 + i % 3) * GIB, nfs, 8 * GIB));
    }
    for (int i = 0; i < ChaosPlan.LOCAL_VMS; i++) {
      SimHost host = hosts.get(i % 4);
      cloned(pool.addVm(String.format("vm-l%02d", i), host, GIB, pool.localSr(host), 4 * GIB));
    }
    bystander(pool, nfs);
    bystander(pool, nfs);
  }

  /** Two hosts and shared {@code nfs-b}, with two bystanders. */
  private void poolB(PoolBuilder pool) {
    SimSr nfs = pool.addSharedSr("nfs-b");
    pool.addHost("b-host-1", 64 * GIB);
    pool.addHost("b-host-2", 64 * GIB);
    bystander(pool, nfs);
    bystander(pool, nfs);
  }

  private static void cloned(SimVm vm) {
    vm.vbds.stream().filter(v -> v.vdi != null).forEach(v -> v.vdi.nameLabel = "disk 0");
  }

  private void bystander(PoolBuilder pool, SimSr sr) {
    SimVdi vdi = pool.pool().register(new SimVdi(pool.pool()));
    vdi.nameLabel = "disk 0";
    vdi.sr = sr;
    vdi.virtualSize = 8 * GIB;
    sr.vdis.add(vdi);
    bystanders.add(vdi.uuid);
  }

  /** Starts a replica with a name not used before in this schedule. */
  synchronized OperatorProcess startReplica() throws Exception {
    String name = "replica-" + (++incarnations);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("kubernetes.namespace", NAMESPACE);
    settings.put("xenmigration.pools.reply-timeout", "5s");
    settings.put("xenmigration.leader-election.enabled", "true");
    settings.put("xenmigration.leader-election.lease-duration", "4s");
    settings.put("xenmigration.leader-election.renew-deadline", "3s");
    settings.put("xenmigration.leader-election.retry-period", "1s");
    OperatorProcess process =
        OperatorProcess.start(
            jar, api.url(), logs.resolve(name + ".log"), settings, Map.of("HOSTNAME", name));
    replicas.add(process);
    names.put(process, name);
    started.put(name, process);
    return process;
  }

  /** Replaces dead replicas, as a Deployment does: two run whenever the suite is not killing. */
  synchronized void replaceDead() throws Exception {
    replicas.removeIf(p -> !p.alive());
    while (replicas.size() < 2) {
      startReplica();
    }
  }

  /** The Lease's holder now, or null. */
  String leaderName() {
    Lease lease = client.resources(Lease.class).inNamespace(NAMESPACE).withName(LEASE).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** The live process the Lease names, or null. */
  synchronized OperatorProcess leader() {
    String name = leaderName();
    OperatorProcess process = name == null ? null : started.get(name);
    return process != null && process.alive() ? process : null;
  }

  /** A live replica that does not hold the Lease, or null. */
  synchronized OperatorProcess standby() {
    OperatorProcess leader = leader();
    return replicas.stream().filter(p -> p.alive() && p != leader).findFirst().orElse(null);
  }

  /** Names of the processes alive now. */
  synchronized Set<String> alive() {
    Set<String> alive = new java.util.LinkedHashSet<>();
    started.forEach(
        (name, p) -> {
          if (p.alive()) {
            alive.add(name);
          }
        });
    return alive;
  }

  void createMigration(ChaosPlan.Move move) {
    LiveMigration lm = new LiveMigration();
    lm.setMetadata(new ObjectMetaBuilder().withName(move.name()).withNamespace(NAMESPACE).build());
    LiveMigrationSpec spec = new LiveMigrationSpec();
    spec.setPool("pool-a");
    spec.setVm(move.vm());
    switch (move.mode()) {
      case POOL -> spec.setStorageMigration(StorageMigrationPolicy.Never);
      case STORAGE -> {
        spec.setStorageMigration(StorageMigrationPolicy.Always);
        spec.setDestinationSR("nfs-a"); // several copies into one SR
      }
      case CROSS_POOL -> {
        spec.setDestinationPool("pool-b");
        spec.setDestinationSR("nfs-b");
      }
    }
    spec.setMaxAttempts(2);
    lm.setSpec(spec);
    client.resources(LiveMigration.class).inNamespace(NAMESPACE).resource(lm).create();
  }

  List<LiveMigration> migrations() {
    return client.resources(LiveMigration.class).inNamespace(NAMESPACE).list().getItems();
  }

  void labelPool(String pool, String value) {
    client
        .resources(XenPool.class)
        .inNamespace(NAMESPACE)
        .withName(pool)
        .edit(
            p -> {
              if (p.getMetadata().getLabels() == null) {
                p.getMetadata().setLabels(new LinkedHashMap<>());
              }
              p.getMetadata().getLabels().put("chaos/touched", value);
              return p;
            });
  }

  /** Stops every fault and resumes every paused process. */
  synchronized void heal() {
    simulator.faults().clear();
    for (int i = 1; i <= 4; i++) {
      simulator.setHostLive("pool-a", "a-host-" + i, true);
    }
    api.faults().clear();
    started
        .values()
        .forEach(
            p -> {
              if (p.alive()) {
                p.resume();
              }
            });
  }

  Duration sinceStart(OperatorProcess process) {
    return Duration.ofNanos(System.nanoTime() - process.startNanos);
  }

  @Override
  public synchronized void close() {
    started.values().forEach(OperatorProcess::close);
    simulator.close();
    api.close();
  }
}
