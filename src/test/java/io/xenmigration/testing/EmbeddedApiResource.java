package io.xenmigration.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.xenmigration.sandbox.EmbeddedApi;
import io.xenmigration.sandbox.StoreFaults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Kubernetes API of the operator's {@code @QuarkusTest}s: the sandbox's embedded store, which
 * answers server-side apply and refuses a write naming an old resourceVersion with 409, so the
 * tests run the operator's production write path. Tests reach the store's faults through {@link
 * #faults()}.
 */
public final class EmbeddedApiResource implements QuarkusTestResourceLifecycleManager {

  /**
   * How long the operator's client waits for one answer in the tests: short, so that a write whose
   * answer is held back (an injected timeout) times out quickly.
   */
  public static final int REQUEST_TIMEOUT_MILLIS = 2_000;

  /**
   * The init argument that sets the operator's {@code pools.allowInsecure}: {@code true} unless
   * given, because the simulators of most tests speak plain HTTP; the trust tests turn it off.
   */
  public static final String ALLOW_INSECURE = "allowInsecure";

  private static volatile EmbeddedApi api;
  private String allowInsecure = "true";

  @Override
  public void init(Map<String, String> initArgs) {
    allowInsecure = initArgs.getOrDefault(ALLOW_INSECURE, "true");
  }

  @Override
  public Map<String, String> start() {
    try {
      api = EmbeddedApi.start(ProjectFiles.crds());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    api.faults().answerDelay(java.time.Duration.ofMillis(2L * REQUEST_TIMEOUT_MILLIS));
    Map<String, String> settings = new LinkedHashMap<>();
    // The client reads Fabric8's own properties at run time; the quarkus.kubernetes-client.* ones
    // are fixed when the application is built.
    settings.put("kubernetes.master", api.url());
    settings.put("kubernetes.auth.tryKubeConfig", "false");
    settings.put("kubernetes.auth.tryServiceAccount", "false");
    settings.put("kubernetes.namespace", "test");
    settings.put("kubernetes.request.timeout", Integer.toString(REQUEST_TIMEOUT_MILLIS));
    settings.put("http2.disable", "true");
    // Set every time: a system property stays from the previous test class otherwise.
    settings.put("xenmigration.pools.allow-insecure", allowInsecure);
    settings.forEach(System::setProperty);
    return settings;
  }

  @Override
  public void stop() {
    EmbeddedApi running = api;
    api = null;
    if (running != null) {
      running.close();
    }
  }

  /** The running store's faults. */
  public static StoreFaults faults() {
    EmbeddedApi running = api;
    if (running == null) {
      throw new IllegalStateException("the embedded API is not running");
    }
    return running.faults();
  }
}
