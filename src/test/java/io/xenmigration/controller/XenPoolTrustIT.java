package io.xenmigration.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.api.v1alpha1.XenPoolSpec;
import io.xenmigration.pool.PoolSecrets;
import io.xenmigration.testing.EmbeddedApiResource;
import io.xenmigration.testing.SimFixtures;
import io.xenmigration.xapisim.ScaledClock;
import io.xenmigration.xapisim.TlsMaterial;
import io.xenmigration.xapisim.XapiSimulator;
import io.xenmigration.xapisim.engine.SimSettings;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator as installed by default (no insecure opt-in): a XenPool gets no credentials sent
 * anywhere unless the Secret is labelled for the operator and bound to the pool's URL, and the URL
 * is https with verified TLS. Each refusal is checked at the pool: it saw no login.
 */
@QuarkusTest
@WithTestResource(
    value = EmbeddedApiResource.class,
    scope = TestResourceScope.MATCHING_RESOURCES,
    initArgs = @ResourceArg(name = EmbeddedApiResource.ALLOW_INSECURE, value = "false"))
class XenPoolTrustIT {

  private static final String LOGIN = "session.login_with_password";

  @Inject KubernetesClient client;

  private final List<XapiSimulator> started = new ArrayList<>();

  @AfterEach
  void stopSimulators() {
    started.forEach(XapiSimulator::close);
  }

  /** A pool of its own over TLS, so that its call log holds this test's calls alone. */
  private XapiSimulator tlsPool() {
    return tlsPool(TlsMaterial.selfSigned());
  }

  private XapiSimulator tlsPool(TlsMaterial tls) {
    XapiSimulator simulator =
        XapiSimulator.builder()
            .clock(new ScaledClock(1.0))
            .tls(tls)
            .pool("pool-s", SimFixtures::poolB)
            .start();
    started.add(simulator);
    return simulator;
  }

  private void create(Secret secret) {
    client.secrets().inNamespace(secret.getMetadata().getNamespace()).resource(secret).create();
  }

  private void pool(String namespace, Consumer<XenPoolSpec> spec) {
    XenPool pool = new XenPool();
    pool.setMetadata(new ObjectMetaBuilder().withName("pool").withNamespace(namespace).build());
    XenPoolSpec fields = new XenPoolSpec();
    fields.setCredentialsSecret("creds");
    spec.accept(fields);
    pool.setSpec(fields);
    client.resources(XenPool.class).inNamespace(namespace).resource(pool).create();
  }

  private Condition awaitReady(String namespace, String status, String reason) {
    return XenPoolReconcilerIT.awaitReady(client, namespace, "pool", status, reason);
  }

  /** A TLS pool with its CA Secret, its credentials bound to the given URLs. */
  private void tlsPoolWith(String namespace, XapiSimulator pool, List<String> bound) {
    create(PoolSecrets.ca(namespace, "ca", pool.tls().certificatePem()));
    create(PoolSecrets.credentials(namespace, "creds", "root", "password", bound, "ca"));
  }

  @Test
  void httpIsRefusedAndThePoolSeesNoLogin() {
    XapiSimulator plain = SimFixtures.twoPools(new ScaledClock(1.0), new SimSettings()).start();
    started.add(plain);
    String url = plain.url("pool-a").toString();
    create(PoolSecrets.credentials("plain", "creds", "root", "password", List.of(url)));
    pool("plain", spec -> spec.setUrl(url));
    Condition refused = awaitReady("plain", "False", "InsecureRefused");
    assertThat(refused.getMessage()).contains("http://").contains("pools.allowInsecure");
    assertThat(plain.calls().count(LOGIN)).isZero();
  }

  @Test
  void skippingTlsVerificationIsRefusedAndThePoolSeesNoLogin() {
    XapiSimulator secure = tlsPool();
    String url = secure.url("pool-s").toString();
    tlsPoolWith("skip", secure, List.of(url));
    pool(
        "skip",
        spec -> {
          spec.setUrl(url);
          spec.setInsecureSkipTlsVerify(true);
        });
    awaitReady("skip", "False", "InsecureRefused");
    assertThat(secure.calls().count(LOGIN)).isZero();
  }

  @Test
  void anUnlabelledSecretIsNotSeenUntilItIsLabelled() {
    XapiSimulator secure = tlsPool();
    String url = secure.url("pool-s").toString();
    create(PoolSecrets.ca("unlabelled", "ca", secure.tls().certificatePem()));
    Secret unlabelled =
        PoolSecrets.credentials("unlabelled", "creds", "root", "password", List.of(url), "ca");
    unlabelled.getMetadata().setLabels(Map.of());
    create(unlabelled);
    pool(
        "unlabelled",
        spec -> {
          spec.setUrl(url);
          spec.setCaSecret("ca");
        });
    Condition hidden = awaitReady("unlabelled", "False", "SecretNotFound");
    // The same words as for a Secret that does not exist: nothing about its keys.
    assertThat(hidden.getMessage())
        .isEqualTo(
            "no Secret unlabelled/creds labelled "
                + PoolSecrets.SELECTOR
                + ": the operator reads only Secrets with that label");
    assertThat(secure.calls().count(LOGIN)).isZero();

    client
        .secrets()
        .inNamespace("unlabelled")
        .withName("creds")
        .edit(
            s -> {
              s.getMetadata().setLabels(Map.of(PoolSecrets.LABEL, "true"));
              return s;
            });
    awaitReady("unlabelled", "True", "Connected");
    assertThat(secure.calls().count(LOGIN)).isEqualTo(1);
  }

  @Test
  void anUnboundSecretIsNotSentAndEveryUrlChangeIsCheckedAgain() {
    XapiSimulator secure = tlsPool();
    XapiSimulator other = tlsPool(secure.tls());
    String url = secure.url("pool-s").toString();
    tlsPoolWith("binding", secure, List.of("https://xen-elsewhere.example.com/"));
    pool(
        "binding",
        spec -> {
          spec.setUrl(url);
          spec.setCaSecret("ca");
        });
    Condition unbound = awaitReady("binding", "False", "SecretNotBound");
    assertThat(unbound.getMessage()).contains(url).contains(PoolSecrets.URLS_ANNOTATION);
    assertThat(secure.calls().count(LOGIN)).isZero();

    // Its owner binds it: the pool comes up without a restart.
    client
        .secrets()
        .inNamespace("binding")
        .withName("creds")
        .edit(
            s -> {
              s.getMetadata().getAnnotations().put(PoolSecrets.URLS_ANNOTATION, url);
              return s;
            });
    awaitReady("binding", "True", "Connected");

    // A XenPool editor points it elsewhere (trusted CA and all): no password goes there.
    client
        .resources(XenPool.class)
        .inNamespace("binding")
        .withName("pool")
        .edit(
            p -> {
              p.getSpec().setUrl(other.url("pool-s").toString());
              return p;
            });
    awaitReady("binding", "False", "SecretNotBound");
    assertThat(other.calls().count(LOGIN)).isZero();
  }
}
