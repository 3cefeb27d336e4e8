package io.xenmigration.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.api.v1alpha1.XenPoolSpec;
import io.xenmigration.api.v1alpha1.XenPoolStatus;
import io.xenmigration.testing.ProjectFiles;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embedded API's store takes the operator's writes as an API server would: server-side apply of
 * status and finalizers by the Fabric8 client, as the Operator SDK sends them, conditional on the
 * resourceVersion they name; and it injects the faults tests ask for into status writes.
 */
class SandboxStoreTest {

  private static EmbeddedApi api;
  private static KubernetesClient client;

  @BeforeAll
  static void start() throws Exception {
    api = EmbeddedApi.start(ProjectFiles.crd("xenpools").getParent());
    client = api.client();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static XenPool pool(String name, String... finalizers) {
    XenPool pool = new XenPool();
    pool.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace("default")
            .withFinalizers(finalizers)
            .build());
    XenPoolSpec spec = new XenPoolSpec();
    spec.setUrl("http://127.0.0.1:1");
    spec.setCredentialsSecret("credentials");
    pool.setSpec(spec);
    return client.resources(XenPool.class).resource(pool).create();
  }

  private static PatchContext apply() {
    return new PatchContext.Builder()
        .withPatchType(PatchType.SERVER_SIDE_APPLY)
        .withFieldManager("operator")
        .withForce(true)
        .build();
  }

  @Test
  void appliedStatusReplacesTheOldOneAndLeavesTheSpecAlone() {
    XenPool pool = pool("status-apply");
    XenPoolStatus first = new XenPoolStatus();
    first.setMaster("host-1");
    first.setHostCount(3);
    pool.setStatus(first);
    client.resources(XenPool.class).resource(pool).subresource("status").patch(apply());

    XenPool applied = new XenPool();
    applied.setMetadata(
        new ObjectMetaBuilder().withName("status-apply").withNamespace("default").build());
    XenPoolStatus second = new XenPoolStatus();
    second.setMaster("host-2");
    applied.setStatus(second);
    XenPool answer =
        client.resources(XenPool.class).resource(applied).subresource("status").patch(apply());

    XenPool stored =
        client.resources(XenPool.class).inNamespace("default").withName("status-apply").get();
    assertThat(answer.getStatus().getMaster()).isEqualTo("host-2");
    assertThat(stored.getStatus().getMaster()).isEqualTo("host-2");
    // A field the applier no longer sets was its own, so it goes.
    assertThat(stored.getStatus().getHostCount()).isNull();
    assertThat(stored.getSpec().getUrl()).isEqualTo("http://127.0.0.1:1");
    assertThat(Long.parseLong(stored.getMetadata().getResourceVersion()))
        .isGreaterThan(Long.parseLong(pool.getMetadata().getResourceVersion()));
  }

  @Test
  void anAppliedFinalizerJoinsTheOthers() {
    pool("finalizer-apply", "example.com/other");
    XenPool applied = new XenPool();
    applied.setMetadata(
        new ObjectMetaBuilder()
            .withName("finalizer-apply")
            .withNamespace("default")
            .withFinalizers("xenmigration.io/finalizer")
            .build());
    client.resources(XenPool.class).resource(applied).patch(apply());

    XenPool stored =
        client.resources(XenPool.class).inNamespace("default").withName("finalizer-apply").get();
    assertThat(stored.getMetadata().getFinalizers())
        .isEqualTo(List.of("example.com/other", "xenmigration.io/finalizer"));
    assertThat(stored.getSpec().getCredentialsSecret()).isEqualTo("credentials");
  }

  @Test
  void anApplyNamingAnOldVersionIsRefusedWith409AndChangesNothing() {
    XenPool pool = pool("stale-apply");
    XenPoolStatus first = new XenPoolStatus();
    first.setMaster("host-1");
    pool.setStatus(first);
    XenPool written =
        client.resources(XenPool.class).resource(pool).subresource("status").patch(apply());
    assertThat(written.getMetadata().getResourceVersion())
        .isNotEqualTo(pool.getMetadata().getResourceVersion());

    // The same object as read before the first write: its version is no longer current.
    XenPoolStatus stale = new XenPoolStatus();
    stale.setMaster("host-2");
    pool.setStatus(stale);
    assertThatThrownBy(
            () ->
                client.resources(XenPool.class).resource(pool).subresource("status").patch(apply()))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThat(stored("stale-apply").getStatus().getMaster()).isEqualTo("host-1");

    // With the current version it goes through.
    written.getStatus().setMaster("host-3");
    client.resources(XenPool.class).resource(written).subresource("status").patch(apply());
    assertThat(stored("stale-apply").getStatus().getMaster()).isEqualTo("host-3");
  }

  @Test
  void injectedConflictsRefuseTheNextStatusWritesOfThatObjectOnly() {
    XenPool pool = pool("conflicted");
    XenPool other = pool("not-conflicted");
    api.faults().failNextStatusWrite("default", "conflicted", StoreFaults.Kind.CONFLICT);
    int before = api.faults().injected();
    XenPoolStatus status = new XenPoolStatus();
    status.setMaster("host-1");
    other.setStatus(status);
    client.resources(XenPool.class).resource(other).subresource("status").patch(apply());
    pool.setStatus(status);
    assertThatThrownBy(
            () ->
                client.resources(XenPool.class).resource(pool).subresource("status").patch(apply()))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThat(api.faults().injected()).isEqualTo(before + 1);
    assertThat(stored("conflicted").getStatus()).isNull();
    client.resources(XenPool.class).resource(pool).subresource("status").patch(apply());
    assertThat(stored("conflicted").getStatus().getMaster()).isEqualTo("host-1");
  }

  @Test
  void anInjectedTimeoutAppliesTheWriteButAnswersTooLate() {
    XenPool pool = pool("timed-out");
    api.faults().answerDelay(java.time.Duration.ofSeconds(3));
    api.faults().failNextStatusWrite("default", "timed-out", StoreFaults.Kind.TIMEOUT);
    XenPoolStatus status = new XenPoolStatus();
    status.setMaster("host-1");
    pool.setStatus(status);
    io.fabric8.kubernetes.client.Config config =
        new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration())
            .withRequestTimeout(500)
            .withRequestRetryBackoffLimit(0)
            .build();
    try (KubernetesClient impatient =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build()) {
      assertThatThrownBy(
              () ->
                  impatient
                      .resources(XenPool.class)
                      .resource(pool)
                      .subresource("status")
                      .patch(apply()))
          .isInstanceOf(KubernetesClientException.class);
    }
    // The write landed although its writer never heard so.
    assertThat(stored("timed-out").getStatus().getMaster()).isEqualTo("host-1");
  }

  private static XenPool stored(String name) {
    return client.resources(XenPool.class).inNamespace("default").withName(name).get();
  }
}
