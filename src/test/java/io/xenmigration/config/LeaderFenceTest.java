package io.xenmigration.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.xenmigration.sandbox.EmbeddedApi;
import io.xenmigration.testing.ProjectFiles;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fence's write gate stays open only for the renew deadline after the renewal its last Lease
 * read showed, on a clock that runs while the process is paused: a replica resumed after its Lease
 * ran out sends nothing that changes a pool, whatever it had decided before.
 */
class LeaderFenceTest {

  private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
  private static EmbeddedApi api;
  private static KubernetesClient client;

  @BeforeAll
  static void start() throws Exception {
    api = EmbeddedApi.start(ProjectFiles.crds());
    client = api.client();
    api.createNamespaceWithCredentials("ops", "creds", java.util.List.of());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static OperatorConfig.LeaderElection settings(boolean enabled) {
    return new OperatorConfig.LeaderElection() {
      @Override
      public boolean enabled() {
        return enabled;
      }

      @Override
      public String leaseName() {
        return "xmo";
      }

      @Override
      public Optional<String> leaseNamespace() {
        return Optional.of("ops");
      }

      @Override
      public Duration leaseDuration() {
        return Duration.ofSeconds(15);
      }

      @Override
      public Duration renewDeadline() {
        return Duration.ofSeconds(10);
      }

      @Override
      public Duration retryPeriod() {
        return Duration.ofSeconds(2);
      }
    };
  }

  private static void lease(String holder, Instant renewed) {
    Lease lease = new Lease();
    lease.setMetadata(new ObjectMetaBuilder().withName("xmo").withNamespace("ops").build());
    lease.setSpec(
        new LeaseSpecBuilder()
            .withHolderIdentity(holder)
            .withLeaseDurationSeconds(15)
            .withRenewTime(ZonedDateTime.ofInstant(renewed, ZoneOffset.UTC))
            .build());
    client.resource(lease).inNamespace("ops").createOr(r -> r.update());
  }

  @Test
  void theGateClosesARenewDeadlineAfterTheRenewalTheLastReadShowed() {
    AtomicLong nanos = new AtomicLong(1_000);
    LeaderFence fence =
        new LeaderFence(settings(true), client, clockOf(nanos), "replica-1", nanos::get);
    assertThat(fence.closedBecause()).contains("does not lead");
    fence.startedLeading();
    // Leading, but the Lease does not show this replica renewing it.
    lease("replica-2", NOW);
    assertThat(fence.closedBecause()).contains("held by replica-2");

    lease("replica-1", NOW.minusSeconds(1)); // renewed a second ago: 9 s of the deadline left
    assertThat(fence.why()).isNull();
    nanos.addAndGet(Duration.ofMillis(8_900).toNanos());
    assertThat(fence.closedBecause()).isNull();
    // Paused past the deadline: nothing leaves, though it still thinks it leads; the Lease,
    // read again, shows no renewal since.
    nanos.addAndGet(Duration.ofMillis(200).toNanos());
    assertThat(fence.closedBecause()).contains("renewed at", "ago");
    // Meanwhile another replica took the Lease.
    lease("replica-2", NOW.plusSeconds(9));
    assertThat(fence.closedBecause()).contains("held by replica-2");
  }

  @Test
  void aLapsedGateReadsTheLeaseAgainAndOpensOnARecentRenewal() {
    AtomicLong nanos = new AtomicLong(0);
    LeaderFence fence = leading(nanos, nanos);
    lease("replica-1", NOW);
    // No intent was written for a while (a pre-check's receive, say): the gate reads the Lease.
    nanos.addAndGet(Duration.ofSeconds(20).toNanos());
    lease("replica-1", NOW.plusSeconds(19));
    assertThat(fence.closedBecause()).isNull();
  }

  @Test
  void aRenewalInTheFutureOpensTheGateNoLongerThanARenewDeadline() {
    AtomicLong nanos = new AtomicLong(0);
    LeaderFence fence = leading(nanos, nanos);
    lease("replica-1", Instant.parse("9999-12-31T00:00:00Z"));
    assertThat(fence.why()).isNull();
    nanos.addAndGet(Duration.ofMillis(9_900).toNanos());
    lease("replica-2", NOW.plusSeconds(9));
    assertThat(fence.closedBecause()).isNull(); // within the renew deadline of the read
    nanos.addAndGet(Duration.ofMillis(200).toNanos());
    assertThat(fence.closedBecause()).contains("held by replica-2");
  }

  @Test
  void theGateClosesOnTheWallClockWhenTheMonotonicOneStoodStill() {
    AtomicLong nanos = new AtomicLong(0);
    AtomicLong wall = new AtomicLong(0);
    LeaderFence fence = leading(wall, nanos);
    lease("replica-1", NOW);
    assertThat(fence.why()).isNull();
    // The machine was suspended for 11 s: nanoTime did not count them, the wall clock did.
    wall.addAndGet(Duration.ofSeconds(11).toNanos());
    lease("replica-2", NOW.plusSeconds(10));
    assertThat(fence.closedBecause()).contains("held by replica-2");
  }

  @Test
  void aReplicaShuttingDownSendsNoWrite() {
    AtomicLong nanos = new AtomicLong(0);
    LeaderFence fence = leading(nanos, nanos);
    lease("replica-1", NOW);
    assertThat(fence.closedBecause()).isNull();
    fence.shuttingDown(null);
    assertThat(fence.closedBecause()).contains("shutting down");
    LeaderFence single =
        new LeaderFence(settings(false), client, clockOf(nanos), "replica-1", nanos::get);
    single.shuttingDown(null);
    assertThat(single.closedBecause()).contains("shutting down");
  }

  /** replica-1's fence, leading, on a fake wall clock and a fake monotonic one. */
  private static LeaderFence leading(AtomicLong wall, AtomicLong nanos) {
    LeaderFence fence =
        new LeaderFence(settings(true), client, clockOf(wall), "replica-1", nanos::get);
    fence.startedLeading();
    return fence;
  }

  /** A wall clock that moves with the fake monotonic one, as a real one does. */
  private static Clock clockOf(AtomicLong nanos) {
    return new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return NOW.plusNanos(nanos.get());
      }
    };
  }

  @Test
  void aReadShowingAnotherHolderOrAnOldRenewalOpensNothing() {
    AtomicLong nanos = new AtomicLong(0);
    LeaderFence fence =
        new LeaderFence(
            settings(true), client, Clock.fixed(NOW, ZoneOffset.UTC), "replica-1", nanos::get);
    fence.startedLeading();
    lease("replica-2", NOW);
    assertThat(fence.mayAct()).isFalse();
    assertThat(fence.closedBecause()).isNotNull();
    lease("replica-1", NOW.minusSeconds(11));
    assertThat(fence.mayAct()).isFalse();
    assertThat(fence.closedBecause()).isNotNull();
  }

  @Test
  void withoutLeaderElectionTheOnlyReplicaAlwaysWrites() {
    LeaderFence fence =
        new LeaderFence(
            settings(false), client, Clock.fixed(NOW, ZoneOffset.UTC), "replica-1", () -> 0L);
    assertThat(fence.closedBecause()).isNull();
  }
}
