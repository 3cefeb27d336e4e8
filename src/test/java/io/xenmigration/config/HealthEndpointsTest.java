package io.xenmigration.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.xenmigration.testing.EmbeddedApiResource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The endpoints the Helm chart's probes and metrics Service point at are served. */
@QuarkusTest
@WithTestResource(value = EmbeddedApiResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class HealthEndpointsTest {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @TestHTTPResource("/")
  URI root;

  @ParameterizedTest
  @ValueSource(strings = {"q/health/live", "q/health/ready", "q/health/started"})
  void probesAnswerUp(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = get(path);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).contains("\"status\": \"UP\"");
  }

  @Test
  void metricsAreInPrometheusFormat() throws IOException, InterruptedException {
    HttpResponse<String> response = get("q/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("# TYPE jvm_memory_used_bytes gauge");
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return CLIENT.send(
        HttpRequest.newBuilder(root.resolve(path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
