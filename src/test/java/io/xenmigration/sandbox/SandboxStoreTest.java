package io.xenmigration.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
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
 * status and finalizers by the Fabric8 client, as the Operator SDK sends them.
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
}
