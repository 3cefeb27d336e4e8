package io.xenmigration.config;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * The liveness probe: down once an informer of a started controller has stayed stopped longer than
 * {@code xenmigration.health.dead-watch-grace}, so that Kubernetes restarts an operator whose watch
 * died rather than leave it deaf (readiness alone would only take it out of its Service). A watch
 * that reconnects is not stopped; before the operator has started, the startup probe decides.
 */
@Liveness
@ApplicationScoped
public class ControllersAlive implements HealthCheck {

  private final Operator operator;
  private final Clock clock;
  private final Duration grace;
  private volatile Instant deadSince;

  @Inject
  public ControllersAlive(Operator operator, Clock clock, OperatorConfig config) {
    this.operator = operator;
    this.clock = clock;
    this.grace = config.health().deadWatchGrace();
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named("Controllers' watches");
    RuntimeInfo info = operator.getRuntimeInfo();
    if (!info.isStarted()) {
      deadSince = null;
      return response.up().withData("started", false).build();
    }
    List<String> stopped = new ArrayList<>();
    for (Map.Entry<String, Map<String, InformerWrappingEventSourceHealthIndicator>> controller :
        info.unhealthyInformerWrappingEventSourceHealthIndicator().entrySet()) {
      for (Map.Entry<String, InformerWrappingEventSourceHealthIndicator> source :
          controller.getValue().entrySet()) {
        @SuppressWarnings("unchecked")
        Map<String, InformerHealthIndicator> informers =
            source.getValue().informerHealthIndicators();
        for (Map.Entry<String, InformerHealthIndicator> informer : informers.entrySet()) {
          if (!informer.getValue().isRunning()) {
            stopped.add(controller.getKey() + "/" + source.getKey() + "/" + informer.getKey());
          }
        }
      }
    }
    if (stopped.isEmpty()) {
      deadSince = null;
      return response.up().build();
    }
    Instant now = clock.instant();
    if (deadSince == null) {
      deadSince = now;
    }
    response
        .withData("stopped", String.join(", ", stopped))
        .withData("since", deadSince.toString());
    return Duration.between(deadSince, now).compareTo(grace) >= 0
        ? response.down().build()
        : response.up().build();
  }
}
