package io.xenmigration.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.PoolLimits;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.sandbox.EmbeddedApi;
import io.xenmigration.testing.OperatorProcess;
import io.xenmigration.testing.ProjectFiles;
import io.xenmigration.xapisim.ScaledClock;
import io.xenmigration.xapisim.XapiSimulator;
import io.xenmigration.xapisim.engine.MigrationEngine;
import io.xenmigration.xapisim.engine.SimSettings;
import io.xenmigration.xapisim.model.PoolBuilder;
import io.xenmigration.xapisim.model.SimHost;
import io.xenmigration.xapisim.model.SimSr;
import io.xenmigration.xapisim.model.SimTask;
import io.xenmigration.xapisim.model.XClass;
import io.xenmigration.xen.TaskTag;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator killed as a pod is ({@code kill -9}) with thirty migrations in flight, and
 * a leader killed while a second replica stands by: the replacement picks every migration up from
 * its status, the pool never runs more than its limits allow (5 in the pool, 2 leaving a host, 1
 * arriving at a host, however many XenPools name it), no VM moves twice, and no task is left.
 */
class OperatorFailoverE2E {

  private static final String NAMESPACE = "failover";
  private static final String POOL = "big-pool";
  private static final int MIGRATIONS = 30;

  private EmbeddedApi api;
  private KubernetesClient client;
  private XapiSimulator simulator;
  private final List<OperatorProcess> operators = new ArrayList<>();
  private Path logs;

  @BeforeEach
  void start() throws Exception {
    logs = Path.of("target", "e2e", "failover-" + UUID.randomUUID().toString().substring(0, 6));
    api = EmbeddedApi.start(ProjectFiles.crds());
    client = api.client();
    // Two simulated seconds a real second: a 4 GiB VM moves in about two seconds.
    simulator =
        XapiSimulator.builder()
            .clock(new ScaledClock(2.0))
            .settings(new SimSettings())
            .pool(POOL, OperatorFailoverE2E::pool)
            .start();
    api.createNamespaceWithCredentials(NAMESPACE, "creds", List.of(simulator.url(POOL).toString()));
    // The same pool twice: the older XenPool's limits apply to both.
    // Created in the same second, the first by name is the older: pool-x.
    api.createXenPool(
        NAMESPACE, "pool-x", simulator.url(POOL).toString(), "creds", limits(5, 2, 1));
    api.createXenPool(
        NAMESPACE, "pool-y", simulator.url(POOL).toString(), "creds", limits(50, 20, 10));
  }

  /** Eight hosts; thirty 4 GiB VMs on the first four, on shared storage. */
  private static void pool(PoolBuilder pool) {
    SimSr shared = pool.addSharedSr("shared");
    List<SimHost> hosts = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      hosts.add(pool.addHost("host-" + i, 256L << 30));
    }
    for (int i = 0; i < MIGRATIONS; i++) {
      pool.addVm(String.format("vm-%02d", i), hosts.get(i % 4), 4L << 30, shared, 10L << 30);
    }
  }

  private static PoolLimits limits(int pool, int perHost, int inbound) {
    PoolLimits limits = new PoolLimits();
    limits.setMaxParallelMigrations(pool);
    limits.setMaxParallelPerHost(perHost);
    limits.setMaxInboundPerHost(inbound);
    return limits;
  }

  @AfterEach
  void stop() {
    operators.forEach(OperatorProcess::close);
    simulator.close();
    api.close();
  }

  private OperatorProcess operator(String name, boolean leaderElection) throws Exception {
    Map<String, String> settings = new LinkedHashMap<>();
    if (leaderElection) {
      settings.put("xenmigration.leader-election.enabled", "true");
      settings.put("xenmigration.leader-election.lease-duration", "4s");
      settings.put("xenmigration.leader-election.renew-deadline", "3s");
      settings.put("xenmigration.leader-election.retry-period", "1s");
    }
    OperatorProcess operator =
        OperatorProcess.replica(api.url(), logs.resolve(name + ".log"), NAMESPACE, name, settings);
    operators.add(operator);
    return operator;
  }

  /** Thirty migrations, half through each XenPool, no destination named. */
  private void createMigrations() {
    for (int i = 0; i < MIGRATIONS; i++) {
      LiveMigration lm = new LiveMigration();
      lm.setMetadata(
          new ObjectMetaBuilder().withName("move-" + i).withNamespace(NAMESPACE).build());
      LiveMigrationSpec spec = new LiveMigrationSpec();
      spec.setPool(i % 2 == 0 ? "pool-x" : "pool-y");
      spec.setVm(String.format("vm-%02d", i));
      lm.setSpec(spec);
      client.resources(LiveMigration.class).inNamespace(NAMESPACE).resource(lm).create();
    }
  }

  private Map<MigrationPhase, Long> phases() {
    return client.resources(LiveMigration.class).inNamespace(NAMESPACE).list().getItems().stream()
        .filter(m -> m.getStatus() != null && m.getStatus().getPhase() != null)
        .collect(Collectors.groupingBy(m -> m.getStatus().getPhase(), Collectors.counting()));
  }

  private void awaitPoolsReady() {
    for (String pool : List.of("pool-x", "pool-y")) {
      api.awaitPoolReady(NAMESPACE, pool, Duration.ofSeconds(60));
    }
  }

  /** Waits until every migration has ended. */
  private void awaitAllEnded() {
    await()
        .atMost(Duration.ofSeconds(240))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                assertThat(
                        phases().entrySet().stream()
                            .filter(e -> e.getKey().isTerminal())
                            .mapToLong(Map.Entry::getValue)
                            .sum())
                    .as("%s", phases())
                    .isEqualTo(MIGRATIONS));
  }

  private void awaitCompleted(long count) {
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                assertThat(phases().getOrDefault(MigrationPhase.Completed, 0L))
                    .as("%s", phases())
                    .isGreaterThanOrEqualTo(count));
  }

  /**
   * What the pool saw: never over the limits, no VM moved twice, one start at most per migration;
   * every migration Completed, or (only when a process died between writing a start and making it)
   * Failed as StartUnconfirmed with its VM where it was; no task left running.
   */
  private void assertThePoolSawTheLimitsAndNoVmMovedTwice() {
    MigrationEngine engine = simulator.engine();
    assertThat(engine.peakByPool().get(POOL)).as("in the pool at once").isLessThanOrEqualTo(5);
    assertThat(engine.peakBySourceHost().values())
        .as("leaving one host at once")
        .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
    assertThat(engine.peakByDestinationHost().values())
        .as("arriving at one host at once")
        .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(1));
    Map<String, Long> moves =
        engine.history().stream()
            .filter(e -> e.outcome().equals("success"))
            .collect(Collectors.groupingBy(MigrationEngine.Ended::vm, Collectors.counting()));
    assertThat(moves.values()).allSatisfy(n -> assertThat(n).isEqualTo(1));
    assertThat(simulator.calls().count("Async.VM.pool_migrate")).isLessThanOrEqualTo(MIGRATIONS);
    List<LiveMigration> all =
        client.resources(LiveMigration.class).inNamespace(NAMESPACE).list().getItems();
    for (LiveMigration lm : all) {
      var status = lm.getStatus();
      if (status.getPhase() == MigrationPhase.Completed) {
        assertThat(moves).containsEntry(status.getVmName(), 1L);
      } else {
        assertThat(status.getPhase())
            .as(lm.getMetadata().getName())
            .isEqualTo(MigrationPhase.Failed);
        assertThat(status.getAttempts().get(0).getReason()).isEqualTo("StartUnconfirmed");
        assertThat(moves).doesNotContainKey(status.getVmName());
      }
    }
    assertThat(moves.size())
        .isEqualTo(
            all.stream().filter(m -> m.getStatus().getPhase() == MigrationPhase.Completed).count());
    long running =
        simulator.inWorld(
            w -> w.pool(POOL).<SimTask>all(XClass.TASK).stream().filter(SimTask::pending).count());
    assertThat(running).as("tasks still running").isZero();
  }

  @Test
  void anOperatorKilledWithThirtyMigrationsInFlightIsReplacedAndNothingExceedsTheLimits()
      throws Exception {
    OperatorProcess first = operator("first", false);
    awaitPoolsReady();
    // The process is killed right after it tagged its eighth start, before it could record it.
    int[] tagged = {0};
    String[] killedAt = {null};
    simulator
        .calls()
        .onCall(
            "task.add_to_other_config",
            e -> {
              if (++tagged[0] == 8) {
                killedAt[0] =
                    simulator.inWorld(
                        w ->
                            w.pool(POOL).<SimTask>all(XClass.TASK).stream()
                                .filter(t -> t.otherConfig.containsKey(TaskTag.KEY))
                                .reduce((a, b) -> b)
                                .orElseThrow()
                                .otherConfig
                                .get(TaskTag.KEY));
                first.kill();
              }
            });
    createMigrations();
    await().atMost(Duration.ofSeconds(120)).until(() -> !first.alive());
    assertThat(phases().getOrDefault(MigrationPhase.Completed, 0L)).isLessThan(MIGRATIONS);
    operator("second", false);
    awaitAllEnded();
    assertThePoolSawTheLimitsAndNoVmMovedTwice();
    // The migration whose start was never recorded was found by its tag and finished.
    LiveMigration lost =
        client.resources(LiveMigration.class).inNamespace(NAMESPACE).list().getItems().stream()
            .filter(m -> killedAt[0].equals(m.getStatus().getAttempts().get(0).getToken()))
            .findFirst()
            .orElseThrow();
    assertThat(lost.getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    XenPool duplicate =
        client.resources(XenPool.class).inNamespace(NAMESPACE).withName("pool-y").get();
    assertThat(duplicate.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Duplicate");
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getMessage()).contains("pool-x");
            });
  }

  @Test
  void aKilledLeaderIsReplacedByTheStandbyAndNothingExceedsTheLimits() throws Exception {
    operator("replica-a", true);
    operator("replica-b", true);
    awaitPoolsReady();
    createMigrations();
    awaitCompleted(6);
    Lease lease =
        client
            .resources(Lease.class)
            .inNamespace(NAMESPACE)
            .withName("xen-migration-operator")
            .get();
    String leader = lease.getSpec().getHolderIdentity();
    assertThat(leader).isIn("replica-a", "replica-b");
    operators.get(leader.equals("replica-a") ? 0 : 1).kill();
    awaitAllEnded();
    assertThePoolSawTheLimitsAndNoVmMovedTwice();
    String next =
        client
            .resources(Lease.class)
            .inNamespace(NAMESPACE)
            .withName("xen-migration-operator")
            .get()
            .getSpec()
            .getHolderIdentity();
    assertThat(next).isNotEqualTo(leader);
  }
}
