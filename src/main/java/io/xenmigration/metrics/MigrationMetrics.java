package io.xenmigration.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.migration.AdmissionGate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus metrics of migrations: how they end, by mode ({@code migrations_total}), how long each
 * phase takes ({@code migration_phase_seconds}), how long whole migrations take ({@code
 * migration_duration_seconds}), and how many hold a slot per pool ({@code migrations_in_flight}).
 */
@ApplicationScoped
public class MigrationMetrics {

  private final MeterRegistry registry;
  private final AdmissionGate gate;
  private final Set<String> poolsWithGauges = ConcurrentHashMap.newKeySet();

  @Inject
  public MigrationMetrics(MeterRegistry registry, AdmissionGate gate) {
    this.registry = registry;
    this.gate = gate;
  }

  /** Records a phase change: the time spent in the phase left, and the outcome at the end. */
  public void phaseChanged(
      String pool,
      MigrationPhase from,
      MigrationPhase to,
      LiveMigrationStatus status,
      Instant now) {
    if (poolsWithGauges.add(pool)) {
      registry.gauge(
          "migrations.in.flight",
          io.micrometer.core.instrument.Tags.of("pool", pool),
          gate,
          g -> g.active(pool).size());
    }
    String entered = from == null ? null : status.getPhaseTimestamps().get(from.name());
    if (entered != null) {
      Timer.builder("migration.phase")
          .tag("phase", from.name())
          .register(registry)
          .record(Duration.between(Instant.parse(entered), now));
    }
    if (to.isTerminal()) {
      String mode = status.getMode() == null ? "None" : status.getMode().name();
      registry
          .counter(
              "migrations",
              "outcome",
              to.name(),
              "mode",
              mode,
              "reason",
              String.valueOf(status.getReason()))
          .increment();
      if (status.getStartTime() != null) {
        Timer.builder("migration.duration")
            .tag("outcome", to.name())
            .tag("mode", mode)
            .register(registry)
            .record(Duration.between(Instant.parse(status.getStartTime()), now));
      }
    }
  }
}
