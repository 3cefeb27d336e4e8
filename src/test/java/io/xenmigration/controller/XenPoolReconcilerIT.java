package io.xenmigration.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.xenmigration.api.v1alpha1.HostStatus;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.api.v1alpha1.XenPoolSpec;
import io.xenmigration.api.v1alpha1.XenPoolStatus;
import io.xenmigration.pool.PoolSecrets;
import io.xenmigration.pool.PoolStatusWriter;
import io.xenmigration.testing.EmbeddedApiResource;
import io.xenmigration.testing.SimFixtures;
import io.xenmigration.xapisim.ScaledClock;
import io.xenmigration.xapisim.TlsMaterial;
import io.xenmigration.xapisim.XapiSimulator;
import io.xenmigration.xapisim.engine.SimSettings;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The XenPool reconciler in the running operator, against the Fabric8 mock API server and the
 * simulator over HTTP: Ready with the inventory, each failure reason, and recovery when a Secret is
 * fixed.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedApiResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class XenPoolReconcilerIT {

  private static XapiSimulator simulator;
  private static XapiSimulator secure;
  private static TlsMaterial tls;

  @Inject KubernetesClient client;

  @TestHTTPResource("/")
  URI root;

  @BeforeAll
  static void startSimulators() {
    simulator =
        SimFixtures.twoPools(new ScaledClock(1.0), new SimSettings())
            .memberEndpoint("pool-a")
            .start();
    tls = TlsMaterial.selfSigned();
    secure =
        XapiSimulator.builder()
            .clock(new ScaledClock(1.0))
            .tls(tls)
            .pool("pool-s", SimFixtures::poolB)
            .start();
  }

  @AfterAll
  static void stopSimulators() {
    simulator.close();
    secure.close();
  }

  /** A Secret labelled for the operator and bound to the given pool URLs. */
  private void secret(String namespace, String name, Map<String, String> data, URL... bound) {
    client
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withMetadata(
                    new ObjectMetaBuilder()
                        .withName(name)
                        .withNamespace(namespace)
                        .withLabels(Map.of(PoolSecrets.LABEL, "true"))
                        .withAnnotations(
                            Map.of(
                                PoolSecrets.URLS_ANNOTATION,
                                java.util.Arrays.stream(bound)
                                    .map(URL::toString)
                                    .collect(java.util.stream.Collectors.joining(","))))
                        .build())
                .withStringData(data)
                .build())
        .createOr(existing -> existing.update());
  }

  private void pool(String namespace, String name, URL url, String secret, String caSecret) {
    XenPool pool = new XenPool();
    pool.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    XenPoolSpec spec = new XenPoolSpec();
    spec.setUrl(url.toString());
    spec.setCredentialsSecret(secret);
    spec.setCaSecret(caSecret);
    pool.setSpec(spec);
    client.resources(XenPool.class).inNamespace(namespace).resource(pool).create();
  }

  private Condition awaitReady(String namespace, String name, String status, String reason) {
    return awaitReady(client, namespace, name, status, reason);
  }

  /** Waits until a XenPool's Ready condition has this status and reason, and returns it. */
  static Condition awaitReady(
      KubernetesClient client, String namespace, String name, String status, String reason) {
    Condition[] seen = new Condition[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              XenPool pool =
                  client.resources(XenPool.class).inNamespace(namespace).withName(name).get();
              Condition ready = PoolStatusWriter.readyCondition(pool.getStatus());
              assertThat(ready).isNotNull();
              assertThat(ready.getStatus()).isEqualTo(status);
              assertThat(ready.getReason()).isEqualTo(reason);
              seen[0] = ready;
            });
    return seen[0];
  }

  private XenPoolStatus status(String namespace, String name) {
    return client.resources(XenPool.class).inNamespace(namespace).withName(name).get().getStatus();
  }

  @Test
  void readyWithTheInventoryInStatus() {
    secret(
        "ready",
        "pool-a-credentials",
        Map.of("username", "root", "password", "password"),
        simulator.url("pool-a"));
    pool("ready", "pool-a", simulator.url("pool-a"), "pool-a-credentials", null);
    Condition ready = awaitReady("ready", "pool-a", "True", "Connected");
    assertThat(ready.getMessage()).contains("a-host-1");
    XenPoolStatus status = status("ready", "pool-a");
    assertThat(status.getApiVersion()).isEqualTo("2.14");
    assertThat(status.getMaster()).isEqualTo("a-host-1");
    assertThat(status.getHostCount()).isEqualTo(3);
    assertThat(status.getVmCount()).isEqualTo(3);
    assertThat(status.getLastSyncTime()).isNotBlank();
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
    HostStatus host = status.getHosts().get(0);
    assertThat(host.getName()).isEqualTo("a-host-1");
    assertThat(host.getUuid()).isNotBlank();
    assertThat(host.getAddress()).startsWith("10.1.");
    assertThat(host.getEnabled()).isTrue();
    assertThat(host.getLive()).isTrue();
    assertThat(host.getProductVersion()).isEqualTo("8.2.1");
    assertThat(host.getPlatformVersion()).isEqualTo("3.2.1");
    assertThat(host.getMemoryTotalBytes()).isEqualTo(64 * SimFixtures.GIB);
    assertThat(host.getMemoryFreeBytes()).isPositive();
    assertThat(host.getResidentVMs()).isEqualTo(2);
  }

  @Test
  void xenApiCallsAreExportedPerOperation() throws Exception {
    secret(
        "metrics",
        "creds",
        Map.of("username", "root", "password", "password"),
        simulator.url("pool-a"));
    pool("metrics", "pool-a", simulator.url("pool-a"), "creds", null);
    awaitReady("metrics", "pool-a", "True", "Connected");
    HttpResponse<String> metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(root.resolve("q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body())
        .containsPattern(
            "xenapi_calls_total\\{method=\"VM.get_all_records\",operation=\"inventory\"[^}]*\\} [1-9]");
  }

  @Test
  void deletingAPoolLogsOutOfIt() {
    secret(
        "gone",
        "creds",
        Map.of("username", "root", "password", "password"),
        simulator.url("pool-b"));
    pool("gone", "pool-b", simulator.url("pool-b"), "creds", null);
    awaitReady("gone", "pool-b", "True", "Connected");
    long logoutsBefore = simulator.calls().count("session.logout");
    client.resources(XenPool.class).inNamespace("gone").withName("pool-b").delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(
                      client.resources(XenPool.class).inNamespace("gone").withName("pool-b").get())
                  .isNull();
              assertThat(simulator.calls().count("session.logout")).isGreaterThan(logoutsBefore);
            });
  }

  @Test
  void missingSecretThenCreatedBringsThePoolUp() {
    pool("late", "pool-a", simulator.url("pool-a"), "not-yet", null);
    Condition missing = awaitReady("late", "pool-a", "False", "SecretNotFound");
    assertThat(missing.getMessage()).contains("late/not-yet");
    secret(
        "late",
        "not-yet",
        Map.of("username", "root", "password", "password"),
        simulator.url("pool-a"));
    awaitReady("late", "pool-a", "True", "Connected");
  }

  @Test
  void wrongPasswordThenFixedWithoutRestart() {
    secret(
        "auth", "creds", Map.of("username", "root", "password", "wrong"), simulator.url("pool-a"));
    pool("auth", "pool-a", simulator.url("pool-a"), "creds", null);
    Condition refused = awaitReady("auth", "pool-a", "False", "AuthenticationFailed");
    assertThat(refused.getMessage()).doesNotContain("wrong");
    secret(
        "auth",
        "creds",
        Map.of("username", "root", "password", "password"),
        simulator.url("pool-a"));
    awaitReady("auth", "pool-a", "True", "Connected");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(client.v1().events().inNamespace("auth").list().getItems())
                    .filteredOn(e -> "pool-a".equals(e.getInvolvedObject().getName()))
                    // Other tests' XenPools may name the same pool: that is another matter.
                    .filteredOn(e -> !"PoolDuplicate".equals(e.getReason()))
                    .extracting(e -> e.getType() + "/" + e.getReason())
                    .containsExactlyInAnyOrder("Warning/PoolNotReady", "Normal/PoolReady"));
    assertThat(client.v1().events().inNamespace("auth").list().getItems())
        .allSatisfy(e -> assertThat(e.getMessage()).doesNotContain("wrong"));
  }

  @Test
  void untrustedCertificateThenTrustedCa() {
    secret(
        "tls", "creds", Map.of("username", "root", "password", "password"), secure.url("pool-s"));
    // Its owner names the CA its pool is verified with.
    client
        .secrets()
        .inNamespace("tls")
        .withName("creds")
        .edit(
            creds -> {
              creds.getMetadata().getAnnotations().put(PoolSecrets.CA_ANNOTATION, "pool-ca");
              return creds;
            });
    pool("tls", "secure", secure.url("pool-s"), "creds", "pool-ca");
    Condition noCa = awaitReady("tls", "secure", "False", "SecretNotFound");
    assertThat(noCa.getMessage()).contains("tls/pool-ca");
    secret("tls", "pool-ca", Map.of("ca.crt", TlsMaterial.selfSigned().certificatePem()));
    Condition untrusted = awaitReady("tls", "secure", "False", "TLSVerificationFailed");
    assertThat(untrusted.getMessage()).contains("spec.caSecret");
    secret("tls", "pool-ca", Map.of("ca.crt", tls.certificatePem()));
    awaitReady("tls", "secure", "True", "Connected");
  }

  @Test
  void unreachablePoolSaysSo() throws Exception {
    secret(
        "down",
        "creds",
        Map.of("username", "root", "password", "password"),
        new URL("http://127.0.0.1:9/"));
    pool("down", "pool-x", new URL("http://127.0.0.1:9/"), "creds", null);
    awaitReady("down", "pool-x", "False", "Unreachable");
  }

  @Test
  void aMasterThatCallsItselfAMemberIsNotMaster() {
    try (XapiSimulator confused =
        XapiSimulator.builder()
            .clock(new ScaledClock(1.0))
            .pool("pool-c", SimFixtures::poolB)
            .start()) {
      confused.faults().failCalls("session.login_with_password", 100, "HOST_IS_SLAVE", "127.0.0.1");
      secret(
          "confused",
          "creds",
          Map.of("username", "root", "password", "password"),
          confused.url("pool-c"));
      pool("confused", "pool-c", confused.url("pool-c"), "creds", null);
      Condition notMaster = awaitReady("confused", "pool-c", "False", "NotMaster");
      assertThat(notMaster.getMessage()).contains("HOST_IS_SLAVE");
    }
  }

  @Test
  void aMemberUrlIsFollowedToTheMasterOnlyWhenTheSecretIsBoundToIt() {
    secret(
        "member",
        "creds",
        Map.of("username", "root", "password", "password"),
        simulator.memberUrl("pool-a"));
    pool("member", "pool-a", simulator.memberUrl("pool-a"), "creds", null);
    // Before the pool is known, the master the member names must be bound too.
    Condition refused = awaitReady("member", "pool-a", "False", "NotMaster");
    assertThat(refused.getMessage()).contains("no credentials were sent there");
    secret(
        "member",
        "creds",
        Map.of("username", "root", "password", "password"),
        simulator.memberUrl("pool-a"),
        simulator.url("pool-a"));
    Condition ready = awaitReady("member", "pool-a", "True", "FollowedToMaster");
    assertThat(ready.getMessage()).contains(simulator.url("pool-a").toString());
  }
}
