package io.xenmigration.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.xenmigration.api.v1alpha1.PoolLimits;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.api.v1alpha1.XenPoolSpec;
import io.xenmigration.pool.PoolSecrets;
import io.xenmigration.pool.PoolStatusWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Kubernetes API in this process: the Fabric8 mock server's CRUD store (with {@link
 * SandboxStore}'s fixes) on a free loopback port, with our CRDs installed. The operator's own
 * client talks to it directly; kubectl needs {@link ApiFrontEnd} in front of it.
 */
public final class EmbeddedApi implements AutoCloseable {

  private static final ObjectMapper YAML = new YAMLMapper();

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final SandboxStore store = new SandboxStore();

  private EmbeddedApi(List<JsonNode> crds) {
    // The mock server logs every request; only its warnings matter to a person watching.
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
    server =
        new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), store, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
    try {
      for (JsonNode crd : crds) {
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .resource(Serialization.unmarshal(crd.toString(), CustomResourceDefinition.class))
            .create();
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Starts an API with the CRD manifests ({@code *.yaml}) of a directory installed. */
  public static EmbeddedApi start(Path crds) throws IOException {
    return new EmbeddedApi(readCrds(crds));
  }

  private static List<JsonNode> readCrds(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException(
          "no CRD directory "
              + dir.toAbsolutePath()
              + "; run the sandbox from the project's root, or pass --crds DIR");
    }
    List<JsonNode> crds = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        crds.add(YAML.readTree(file.toFile()));
      }
    }
    if (crds.isEmpty()) {
      throw new IOException("no CRD manifests in " + dir.toAbsolutePath());
    }
    return crds;
  }

  /** The API's URL, for the operator's own client. */
  public String url() {
    return server.url("/");
  }

  /** The faults tests inject into status writes. */
  public StoreFaults faults() {
    return store.faults();
  }

  /** Every Lease write the API took: who led when. */
  public LeaseHistory leases() {
    return store.leases();
  }

  /** A client of the API's own (closed with it). */
  public KubernetesClient client() {
    return client;
  }

  /**
   * Creates a namespace with a Secret of the simulator's credentials ({@code root} / {@code
   * password}) for XenPools to name, labelled for the operator and bound to the given pool URLs.
   */
  public void createNamespaceWithCredentials(
      String namespace, String secret, List<String> poolUrls) {
    createNamespaceWithCredentials(namespace, secret, poolUrls, null);
  }

  /** The same, the credentials bound to the CA Secret {@code caSecret} too. */
  public void createNamespaceWithCredentials(
      String namespace, String secret, List<String> poolUrls, String caSecret) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    client
        .secrets()
        .inNamespace(namespace)
        .resource(
            PoolSecrets.credentials(namespace, secret, "root", "password", poolUrls, caSecret))
        .create();
  }

  /** Creates a labelled CA Secret with a PEM certificate authority for XenPools to name. */
  public void createCaSecret(String namespace, String secret, String certificatePem) {
    client
        .secrets()
        .inNamespace(namespace)
        .resource(PoolSecrets.ca(namespace, secret, certificatePem))
        .create();
  }

  /** Creates a XenPool for a pool master's URL; null limits leave the defaults. */
  public void createXenPool(
      String namespace, String name, String url, String secret, PoolLimits limits) {
    XenPoolSpec spec = new XenPoolSpec();
    spec.setUrl(url);
    spec.setCredentialsSecret(secret);
    spec.setLimits(limits);
    createXenPool(namespace, name, spec);
  }

  /** Creates a XenPool with the given spec. */
  public void createXenPool(String namespace, String name, XenPoolSpec spec) {
    XenPool pool = new XenPool();
    pool.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    pool.setSpec(spec);
    client.resources(XenPool.class).inNamespace(namespace).resource(pool).create();
  }

  /** Waits until the operator has connected a XenPool (its Ready condition is True). */
  public void awaitPoolReady(String namespace, String name, Duration limit) {
    client
        .resources(XenPool.class)
        .inNamespace(namespace)
        .withName(name)
        .waitUntilCondition(
            p -> {
              var ready = p == null ? null : PoolStatusWriter.readyCondition(p.getStatus());
              return ready != null && "True".equals(ready.getStatus());
            },
            limit.toSeconds(),
            TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
