package io.xenmigration.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.api.v1alpha1.XenPoolSpec;
import io.xenmigration.migration.MigrationLedger;
import io.xenmigration.migration.MigrationView;
import io.xenmigration.migration.PoolIndex;
import io.xenmigration.pool.PoolSecrets;
import io.xenmigration.pool.PoolStatusWriter;
import io.xenmigration.testing.EmbeddedApiResource;
import io.xenmigration.testing.SimFixtures;
import io.xenmigration.xapisim.ScaledClock;
import io.xenmigration.xapisim.XapiSimulator;
import io.xenmigration.xapisim.engine.SimSettings;
import io.xenmigration.xapisim.model.SimHost;
import io.xenmigration.xapisim.model.SimVm;
import io.xenmigration.xapisim.model.XClass;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the migration ITs share: a fresh namespace with Ready XenPools for {@code pool-a} and {@code
 * pool-b} of a simulator running twenty times faster than real time, and the steps a user takes.
 */
abstract class MigrationHarness {

  @Inject KubernetesClient client;
  @Inject MigrationLedger ledger;

  XapiSimulator simulator;
  String namespace;

  @BeforeEach
  void start() {
    // Twenty simulated seconds a second: a 4 GiB VM moves in about a quarter of a second.
    simulator = simulator().start();
    namespace = "lm-" + UUID.randomUUID().toString().substring(0, 8);
    client
        .secrets()
        .inNamespace(namespace)
        .resource(
            PoolSecrets.credentials(
                namespace,
                "creds",
                "root",
                "password",
                List.of(simulator.url("pool-a").toString(), simulator.url("pool-b").toString())))
        .create();
    for (String pool : List.of("pool-a", "pool-b")) {
      XenPool xenPool = new XenPool();
      xenPool.setMetadata(new ObjectMetaBuilder().withName(pool).withNamespace(namespace).build());
      XenPoolSpec spec = new XenPoolSpec();
      spec.setUrl(simulator.url(pool).toString());
      spec.setCredentialsSecret("creds");
      spec.setAcceptMigrationsFrom(List.of(pool.equals("pool-a") ? "pool-b" : "pool-a"));
      xenPool.setSpec(spec);
      client.resources(XenPool.class).inNamespace(namespace).resource(xenPool).create();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                List.of("pool-a", "pool-b").stream()
                    .allMatch(
                        p -> {
                          var pool =
                              client
                                  .resources(XenPool.class)
                                  .inNamespace(namespace)
                                  .withName(p)
                                  .get();
                          var ready = PoolStatusWriter.readyCondition(pool.getStatus());
                          return ready != null && "True".equals(ready.getStatus());
                        }));
  }

  /** The pools {@code pool-a} and {@code pool-b} to test against. */
  XapiSimulator.Builder simulator() {
    return SimFixtures.twoPools(new ScaledClock(20.0), new SimSettings());
  }

  @AfterEach
  void stop() {
    EmbeddedApiResource.faults().clear();
    simulator.close();
  }

  String migrate(String vm, Consumer<LiveMigrationSpec> change) {
    return migrate("move-" + UUID.randomUUID().toString().substring(0, 6), vm, change);
  }

  /** A fresh name for a migration, to arm faults for it before it exists. */
  static String newName() {
    return "move-" + UUID.randomUUID().toString().substring(0, 6);
  }

  String migrate(String name, String vm, Consumer<LiveMigrationSpec> change) {
    LiveMigration migration = new LiveMigration();
    migration.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    LiveMigrationSpec spec = new LiveMigrationSpec();
    spec.setPool("pool-a");
    spec.setVm(vm);
    change.accept(spec);
    migration.setSpec(spec);
    client.resources(LiveMigration.class).inNamespace(namespace).resource(migration).create();
    return name;
  }

  /** Waits until the migration's status passes the check, and returns that status. */
  LiveMigrationStatus awaitStatus(String name, Consumer<LiveMigrationStatus> check) {
    LiveMigrationStatus[] seen = new LiveMigrationStatus[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              LiveMigrationStatus status =
                  client
                      .resources(LiveMigration.class)
                      .inNamespace(namespace)
                      .withName(name)
                      .get()
                      .getStatus();
              assertThat(status).isNotNull();
              check.accept(status);
              seen[0] = status;
            });
    return seen[0];
  }

  LiveMigrationStatus awaitPhase(String name, MigrationPhase phase) {
    return awaitStatus(
        name,
        s ->
            assertThat(s.getPhase())
                .as(
                    "%s: %s (task %s, progress %s, rejected %s)",
                    s.getReason(),
                    s.getMessage(),
                    s.getTaskRef(),
                    s.getProgress(),
                    s.getPlacement() == null
                        ? "-"
                        : s.getPlacement().getRejected().stream()
                            .map(r -> r.getHost() + ": " + r.getReason())
                            .toList())
                .isEqualTo(phase));
  }

  /** Waits until the migration waits in the queue for this reason. */
  void awaitQueuedBecause(String name, String reason) {
    awaitStatus(
        name,
        s -> {
          assertThat(s.getPhase()).isEqualTo(MigrationPhase.Queued);
          assertThat(s.getReason()).isEqualTo(reason);
        });
  }

  /**
   * Waits until the simulator has received more calls of a method than it had before: a look that
   * the test slowed down there is under way (its decisions not yet written).
   */
  void awaitCall(String method, long before) {
    await().atMost(Duration.ofSeconds(30)).until(() -> simulator.calls().count(method) > before);
  }

  /** Waits until the migration runs and its XenAPI task is recorded. */
  LiveMigrationStatus awaitTaskStarted(String name) {
    return awaitStatus(
        name,
        s -> {
          assertThat(s.getPhase()).isEqualTo(MigrationPhase.Running);
          assertThat(s.getTaskRef()).isNotNull();
        });
  }

  String residentHost(String pool, String vm) {
    return simulator.inWorld(
        w -> {
          SimVm found = w.pool(pool).vm(vm);
          return found == null ? null : found.powerState + "@" + found.residentOn.nameLabel;
        });
  }

  void assertOnExactlyOneHost(String vm) {
    simulator.inWorld(
        w -> {
          long holders =
              w.pools().stream()
                  .flatMap(p -> p.<SimHost>all(XClass.HOST).stream())
                  .filter(h -> h.residentVms.stream().anyMatch(v -> vm.equals(v.nameLabel)))
                  .count();
          assertThat(holders).isEqualTo(1);
          return null;
        });
  }

  /** Sets spec.cancel with a merge patch, as {@code kubectl patch} does: no version to race. */
  void cancel(String name) {
    client
        .resources(LiveMigration.class)
        .inNamespace(namespace)
        .withName(name)
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"spec\":{\"cancel\":true}}");
  }

  /** Waits until the migration is gone from the API. */
  void awaitGone(String name) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .resources(LiveMigration.class)
                            .inNamespace(namespace)
                            .withName(name)
                            .get())
                    .isNull());
  }

  void delete(String name) {
    client.resources(LiveMigration.class).inNamespace(namespace).withName(name).delete();
  }

  /** Migrate calls the simulator received, synchronous and asynchronous, of both kinds. */
  long migrateCalls() {
    return simulator.calls().count("VM.pool_migrate")
        + simulator.calls().count("Async.VM.pool_migrate")
        + simulator.calls().count("VM.migrate_send")
        + simulator.calls().count("Async.VM.migrate_send");
  }

  /** The migration holds neither a slot of its pool nor memory on any host. */
  void assertReleased(String name) {
    String key = namespace + "/" + name;
    assertThat(
            ledger.holdings(
                MigrationView.of(
                    client.resources(LiveMigration.class).inAnyNamespace().list().getItems()),
                PoolIndex.of(client.resources(XenPool.class).inAnyNamespace().list().getItems())))
        .as("what migrations hold")
        .noneMatch(h -> h.migration().equals(key));
  }

  /** The reasons of the events recorded for a migration, oldest first. */
  /**
   * Waits until the events of a migration include these reasons (they are written in the
   * background).
   */
  void awaitEventReasons(String name, String... reasons) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(eventReasons(name)).contains(reasons));
  }

  List<String> eventReasons(String name) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .sorted(
            java.util.Comparator.comparing(
                (io.fabric8.kubernetes.api.model.Event e) -> String.valueOf(e.getLastTimestamp())))
        .map(io.fabric8.kubernetes.api.model.Event::getReason)
        .toList();
  }

  /** A XenAPI client of pool-a of its own: someone else working on the pool meanwhile. */
  io.xenmigration.xen.PoolApi outsider() {
    return new io.xenmigration.pool.PoolDrivers(
            new io.xenmigration.xen.CallMeter(), java.time.Clock.systemUTC())
        .driver(
            "outsider",
            io.xenmigration.xen.PoolEndpoint.of(
                simulator.url("pool-a"), "root", "password", null, false));
  }

  /** The UUIDs of the VDIs on an SR of pool-a (by name-label). */
  List<String> vdisOn(String srName) {
    return simulator.inWorld(
        w -> w.pool("pool-a").sr(srName).vdis.stream().map(v -> v.uuid).toList());
  }

  @io.quarkus.test.common.http.TestHTTPResource("/")
  java.net.URI root;

  String get(String path) {
    try {
      return java.net.http.HttpClient.newHttpClient()
          .send(
              java.net.http.HttpRequest.newBuilder(root.resolve(path)).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
