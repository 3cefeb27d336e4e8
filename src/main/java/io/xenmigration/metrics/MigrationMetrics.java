package io.xenmigration.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Prometheus metrics of migrations: how they end, by mode ({@code migrations_total}), how long each
 * phase takes ({@code migration_phase_seconds}), how long whole migrations take ({@code
 * migration_duration_seconds}), how many hold a slot ({@code migrations_in_flight}) and how many
 * wait for one ({@code migrations_queued}) per pool, why migrations roll back ({@code
 * migration_rollbacks_total}), and how many LiveMigration objects the operator holds by phase
 * ({@code migrations_known}), finished ones included, which cost memory until they are deleted.
 */
@ApplicationScoped
public class MigrationMetrics {

  private final MeterRegistry registry;
  private final Set<String> poolsWithGauges = ConcurrentHashMap.newKeySet();

  /** namespace/name of each migration seen in Queued, with its pool. */
  private final Map<String, String> queued = new ConcurrentHashMap<>();

  /** namespace/name of each migration last seen holding a slot, with its pool. */
  private final Map<String, String> active = new ConcurrentHashMap<>();

  @Inject
  public MigrationMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Notes the phase a migration is in after a reconcile, for the queued gauge; every migration is
   * reconciled after a restart, so the gauge is right again at once.
   */
  public void observed(String pool, String migration, MigrationPhase phase) {
    if (phase == MigrationPhase.Queued) {
      queued.put(migration, pool);
    } else {
      queued.remove(migration);
    }
    if (phase != null && phase.isActive()) {
      active.put(migration, pool);
    } else {
      active.remove(migration);
    }
  }

  /** Counts the LiveMigrations in the operator's cache by phase, each time metrics are read. */
  public void countKnown(Supplier<Stream<LiveMigration>> cache) {
    for (MigrationPhase phase : MigrationPhase.values()) {
      // Held strongly: nothing else keeps the cache's supplier alive.
      Gauge.builder(
              "migrations.known",
              cache,
              c ->
                  c.get()
                      .filter(m -> m.getStatus() != null && m.getStatus().getPhase() == phase)
                      .count())
          .tags("phase", phase.name())
          .strongReference(true)
          .register(registry);
    }
  }

  /** Forgets a migration that was deleted. */
  public void forget(String migration) {
    queued.remove(migration);
    active.remove(migration);
  }

  /**
   * Removes a pool's series once its XenPool is gone, so that pools created and deleted over time
   * do not leave series behind; they come back if the pool does.
   */
  public synchronized void forgetPool(String pool) {
    if (poolsWithGauges.remove(pool)) {
      Tags tags = Tags.of("pool", pool);
      for (String name : List.of("migrations.in.flight", "migrations.queued")) {
        Meter meter = registry.find(name).tags(tags).meter();
        if (meter != null) {
          registry.remove(meter);
        }
      }
    }
  }

  /**
   * Gives a XenPool (namespace/name) its gauges, once: only pools that exist get series, not
   * whatever name a LiveMigration gives as its pool.
   */
  public synchronized void poolKnown(String pool) {
    if (poolsWithGauges.add(pool)) {
      Tags tags = Tags.of("pool", pool);
      registry.gauge(
          "migrations.in.flight",
          tags,
          active,
          a -> a.values().stream().filter(pool::equals).count());
      registry.gauge(
          "migrations.queued", tags, queued, q -> q.values().stream().filter(pool::equals).count());
    }
  }

  /** Records a phase change: the time spent in the phase left, and the outcome at the end. */
  public void phaseChanged(
      String pool,
      MigrationPhase from,
      MigrationPhase to,
      LiveMigrationStatus status,
      Instant now) {
    if (to == MigrationPhase.RollingBack) {
      registry
          .counter("migration.rollbacks", "reason", ReasonLabel.of(status.getReason()))
          .increment();
    }
    String entered = from == null ? null : status.getPhaseTimestamps().get(from.name());
    if (entered != null) {
      Timer.builder("migration.phase")
          .tag("phase", from.name())
          .publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofMillis(100))
          .maximumExpectedValue(Duration.ofHours(6))
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
              ReasonLabel.of(status.getReason()))
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
