package io.xenmigration.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.LifecycleAware;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.xenmigration.testing.EmbeddedApiResource;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The liveness probe follows the controllers' watches: an informer that stops for good (as one did
 * when it could not read an object) fails the probe once its grace has passed, so that Kubernetes
 * restarts the operator instead of leaving it deaf. Its own application, since it breaks one.
 */
@QuarkusTest
@TestProfile(LivenessIT.ShortGrace.class)
@WithTestResource(value = EmbeddedApiResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class LivenessIT {

  /** A second of grace instead of thirty. */
  public static class ShortGrace implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("xenmigration.health.dead-watch-grace", "1s");
    }
  }

  @Inject Operator operator;

  @TestHTTPResource("/")
  URI root;

  private HttpResponse<String> live() throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(root.resolve("q/health/live")).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aStoppedWatchFailsTheLivenessProbeOnceItsGraceHasPassed() throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(() -> live().statusCode() == 200);
    Controller<?> pools =
        (Controller<?>) operator.getRuntimeInfo().getRegisteredController("xenpool");
    // The Secret watch's informer stops, as an informer does for good on a fatal watch error.
    for (var source : pools.getEventSourceManager().getEventSourcesFor(Secret.class)) {
      var informers = ((InformerEventSource<?, ?>) source).informerHealthIndicators().values();
      for (var informer : informers) {
        ((LifecycleAware) informer).stop();
      }
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              HttpResponse<String> response = live();
              assertThat(response.statusCode()).isEqualTo(503);
              assertThat(response.body()).contains("\"status\": \"DOWN\"").contains("xenpool");
            });
  }
}
