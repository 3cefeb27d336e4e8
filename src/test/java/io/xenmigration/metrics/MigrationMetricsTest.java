package io.xenmigration.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationMode;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metrics' series stay bounded whatever pools answer and however many pools come and go. */
class MigrationMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MigrationMetrics metrics = new MigrationMetrics(registry);

  private static LiveMigrationStatus failedWith(String reason) {
    LiveMigrationStatus status = new LiveMigrationStatus();
    status.setReason(reason);
    status.setMode(MigrationMode.PoolMigrate);
    status.setPhaseTimestamps(new java.util.HashMap<>(Map.of()));
    return status;
  }

  @Test
  void reasonsAPoolMadeUpAreCountedAsOther() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < 50; i++) {
      LiveMigrationStatus status = failedWith("MADE_UP_" + i);
      metrics.phaseChanged(
          "ns/pool", MigrationPhase.Running, MigrationPhase.RollingBack, status, now);
      metrics.phaseChanged(
          "ns/pool", MigrationPhase.RollingBack, MigrationPhase.Failed, status, now);
    }
    metrics.phaseChanged(
        "ns/pool",
        MigrationPhase.RollingBack,
        MigrationPhase.Failed,
        failedWith("VM_MIGRATE_FAILED"),
        now);
    assertThat(registry.find("migration.rollbacks").counters())
        .extracting(c -> c.getId().getTag("reason"))
        .containsExactly("Other");
    assertThat(registry.find("migrations").counters())
        .extracting(c -> c.getId().getTag("reason"))
        .containsExactlyInAnyOrder("Other", "VM_MIGRATE_FAILED");
    assertThat(registry.find("migrations").tag("reason", "Other").counter().count()).isEqualTo(50);
  }

  @Test
  void aDeletedPoolLeavesNoSeries() {
    metrics.poolKnown("ns/gone");
    metrics.poolKnown("ns/kept");
    metrics.observed("ns/gone", "ns/move", MigrationPhase.Queued);
    metrics.observed("ns/kept", "ns/other", MigrationPhase.Queued);
    // A pool no XenPool describes gets no series, however many migrations name it.
    metrics.observed("ns/made-up", "ns/third", MigrationPhase.Queued);
    assertThat(registry.getMeters())
        .extracting(Meter::getId)
        .noneMatch(id -> "ns/made-up".equals(id.getTag("pool")));
    assertThat(registry.find("migrations.queued").tag("pool", "ns/gone").gauge().value())
        .isEqualTo(1);
    metrics.forget("ns/move");
    metrics.forgetPool("ns/gone");
    assertThat(registry.getMeters())
        .extracting(Meter::getId)
        .noneMatch(id -> "ns/gone".equals(id.getTag("pool")));
    assertThat(registry.find("migrations.queued").tag("pool", "ns/kept").gauge()).isNotNull();
    // It comes back with the pool.
    metrics.poolKnown("ns/gone");
    metrics.observed("ns/gone", "ns/again", MigrationPhase.Running);
    assertThat(registry.find("migrations.in.flight").tag("pool", "ns/gone").gauge().value())
        .isEqualTo(1);
  }
}
