package io.xenmigration.sandbox;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.xenmigration.api.v1alpha1.XenPoolSpec;
import io.xenmigration.xapisim.ScaledClock;
import io.xenmigration.xapisim.TlsMaterial;
import io.xenmigration.xapisim.XapiSimulator;
import io.xenmigration.xapisim.engine.SimSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything the operator needs on one machine: an embedded Kubernetes API (the Fabric8 mock
 * server, with our CRDs) behind a front end that kubectl and helm understand, the simulated pools
 * {@code pool-a} and {@code pool-b}, and their Secret and XenPool objects in namespace {@code
 * sandbox}.
 */
public final class Sandbox implements AutoCloseable {

  /** The namespace of the sandbox's pools and of the examples. */
  public static final String NAMESPACE = "sandbox";

  private static final long GIB = 1L << 30;

  /** The sandbox pools' credentials Secret, labelled and bound to both pools' URLs. */
  static final String CREDENTIALS_SECRET = "sandbox-pool-credentials";

  /** The Secret with the certificate authority of the sandbox pools' TLS certificate. */
  static final String CA_SECRET = "sandbox-pool-ca";

  private final SandboxOptions options;
  private final EmbeddedApi api;
  private final KubernetesClient client;
  private final XapiSimulator simulator;
  private final ApiFrontEnd frontEnd;

  private Sandbox(SandboxOptions options) throws IOException {
    this.options = options;
    api = EmbeddedApi.start(options.crds());
    client = api.client();
    SimSettings settings = new SimSettings();
    // Sandbox storage copies at 1 GiB/s so that moving a VM's disks takes seconds, not minutes.
    settings.storageBandwidth = GIB;
    XapiSimulator.Builder pools =
        XapiSimulator.builder()
            .clock(new ScaledClock(options.timeScale()))
            .settings(settings)
            .adminPort(options.adminPort())
            .pool("pool-a", SandboxInventory.poolA(options.hosts(), options.vms()))
            .pool("pool-b", SandboxInventory.poolB())
            // Served over TLS with a certificate of its own, which the CA Secret names, so that
            // the sandbox's pools are described as a real pool is: https, its CA, no opt-in.
            .tls(TlsMaterial.selfSigned());
    if (options.adminPort() != 0) {
      // Fixed next to the admin port, so that the example XenPools name the right URLs.
      pools.port("pool-a", options.adminPort() + 1).port("pool-b", options.adminPort() + 2);
    }
    XapiSimulator started = null;
    try {
      started = pools.start();
      simulator = started;
      createPools();
      frontEnd = ApiFrontEnd.start(api.url(), options.apiPort());
    } catch (IOException | RuntimeException e) {
      // A port in use, say: stop what did start before saying so.
      if (started != null) {
        started.close();
      }
      api.close();
      throw e;
    }
  }

  /** Starts everything. */
  public static Sandbox start(SandboxOptions options) throws IOException {
    return new Sandbox(options);
  }

  private void createPools() {
    List<String> names = List.of("pool-a", "pool-b");
    api.createNamespaceWithCredentials(
        NAMESPACE,
        CREDENTIALS_SECRET,
        names.stream().map(name -> simulator.url(name).toString()).toList(),
        CA_SECRET);
    api.createCaSecret(NAMESPACE, CA_SECRET, simulator.tls().certificatePem());
    for (String name : names) {
      XenPoolSpec spec = new XenPoolSpec();
      spec.setUrl(simulator.url(name).toString());
      spec.setCredentialsSecret(CREDENTIALS_SECRET);
      spec.setCaSecret(CA_SECRET);
      // The two pools take each other's VMs (deploy/examples/cross-pool.yaml).
      spec.setAcceptMigrationsFrom(names.stream().filter(other -> !other.equals(name)).toList());
      api.createXenPool(NAMESPACE, name, spec);
    }
  }

  /** Waits until the operator has connected both pools. */
  void awaitPoolsReady(Duration limit) {
    for (String pool : List.of("pool-a", "pool-b")) {
      api.awaitPoolReady(NAMESPACE, pool, limit);
    }
  }

  /** The URL of the embedded API as the mock serves it, for the operator's own client. */
  public String operatorApiUrl() {
    return api.url();
  }

  /** The URL kubectl and helm use. */
  public String apiUrl() {
    return "http://127.0.0.1:" + frontEnd.port();
  }

  /** The simulator's admin (fault injection) URL. */
  public String adminUrl() {
    return simulator.adminUrl().toString();
  }

  public KubernetesClient client() {
    return client;
  }

  public SandboxOptions options() {
    return options;
  }

  /** Writes a kubeconfig for the embedded API, with namespace {@code sandbox} as the default. */
  public Path writeKubeconfig() {
    Path file = options.dir().resolve("kubeconfig").toAbsolutePath();
    String text =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: xen-sandbox
          cluster:
            server: %s
        users:
        - name: sandbox-admin
          user: {}
        contexts:
        - name: xen-sandbox
          context:
            cluster: xen-sandbox
            user: sandbox-admin
            namespace: %s
        current-context: xen-sandbox
        """
            .formatted(apiUrl(), NAMESPACE);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  @Override
  public void close() {
    try {
      frontEnd.close();
    } finally {
      try {
        simulator.close();
      } finally {
        api.close();
      }
    }
  }
}
