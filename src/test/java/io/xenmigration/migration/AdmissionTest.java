package io.xenmigration.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.xenmigration.migration.Admission.Decision;
import io.xenmigration.migration.Admission.Reason;
import io.xenmigration.migration.Admission.Request;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Queue order and limits: who starts, who waits, and why. Pure: no ledger, no pools. */
class AdmissionTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Map<String, Admission.Pool> limits(int maxInPool, int maxPerHost) {
    return Map.of(
        "pa", new Admission.Pool("pa", "pool-a", maxInPool, maxPerHost),
        "pb", new Admission.Pool("pb", "pool-b", maxInPool, maxPerHost));
  }

  private static Request request(
      String id, String vm, String host, int priority, int secondsAfter) {
    return new Request(
        id, vm, List.of("pa"), host, priority, T0.plusSeconds(secondsAfter), 1L << 30);
  }

  private static Request sized(String id, String host, long gib) {
    return new Request(id, "vm-" + id, List.of("pa"), host, 0, T0, gib << 30);
  }

  private static Holding holding(String id, String vm, String host) {
    return new Holding(id, vm, List.of("pa"), host, null, 1L << 30, false);
  }

  @Test
  void amongMigrationsCreatedTogetherTheLargestVmGoesFirst() {
    Request small = sized("a-small", "h1", 1);
    Request large = sized("b-large", "h1", 16);
    Request medium = sized("c-medium", "h1", 4);
    List<Request> waiting = List.of(small, large, medium);
    // One slot on h1: the 16 GiB VM takes it, though its name sorts after the small one's.
    assertThat(Admission.decide(large, List.of(), waiting, limits(5, 1)).admitted()).isTrue();
    assertThat(Admission.decide(small, List.of(), waiting, limits(5, 1)).reason())
        .isEqualTo(Reason.HostLimit);
    // With two slots the medium one comes next, and the small one waits.
    assertThat(Admission.decide(medium, List.of(), waiting, limits(5, 2)).admitted()).isTrue();
    assertThat(Admission.decide(small, List.of(), waiting, limits(5, 2)).admitted()).isFalse();
    // Age still comes first: an older small VM is not passed over by a newer large one.
    Request olderSmall =
        new Request("z-old", "vm-z", List.of("pa"), "h1", 0, T0.minusSeconds(5), 1L << 30);
    assertThat(
            Admission.decide(
                    olderSmall, List.of(), List.of(small, large, medium, olderSmall), limits(5, 1))
                .admitted())
        .isTrue();
  }

  @Test
  void freeSlotsAdmit() {
    Request r = request("m1", "vm-1", "h1", 0, 0);
    assertThat(Admission.decide(r, List.of(), List.of(r), limits(5, 2)).admitted()).isTrue();
  }

  @Test
  void theVmMayHaveOneActiveMigration() {
    Request second = request("m2", "vm-1", "h1", 9, 1);
    Decision decision =
        Admission.decide(
            second, List.of(holding("m1", "vm-1", "h1")), List.of(second), limits(5, 2));
    assertThat(decision.reason()).isEqualTo(Reason.VMBusy);
    assertThat(decision.message()).contains("vm-1");
  }

  @Test
  void poolAndHostLimitsHold() {
    List<Holding> active = List.of(holding("a1", "vm-1", "h1"), holding("a2", "vm-2", "h1"));
    Request sameHost = request("m3", "vm-3", "h1", 0, 1);
    assertThat(Admission.decide(sameHost, active, List.of(sameHost), limits(5, 2)).reason())
        .isEqualTo(Reason.HostLimit);
    Request otherHost = request("m4", "vm-4", "h2", 0, 1);
    Decision full = Admission.decide(otherHost, active, List.of(otherHost), limits(2, 2));
    assertThat(full.reason()).isEqualTo(Reason.PoolLimit);
    assertThat(full.message()).contains("pool-a");
    assertThat(Admission.decide(otherHost, active, List.of(otherHost), limits(3, 2)).admitted())
        .isTrue();
  }

  @Test
  void aCrossPoolMigrationCountsInBothPoolsAndNeedsRoomInBoth() {
    // pool-b runs one migration of its own; its limit is 1.
    Map<String, Admission.Pool> pools =
        Map.of(
            "pa", new Admission.Pool("pa", "pool-a", 5, 2),
            "pb", new Admission.Pool("pb", "pool-b", 1, 2));
    List<Holding> active = List.of(new Holding("b1", "vm-b", List.of("pb"), "hb", null, 0, false));
    Request across = new Request("x", "vm-x", List.of("pa", "pb"), "h1", 0, T0, 1L << 30);
    Decision decision = Admission.decide(across, active, List.of(across), pools);
    assertThat(decision.reason()).isEqualTo(Reason.PoolLimit);
    assertThat(decision.message()).contains("pool-b");
    // An inflow holds a slot of the destination pool: pool-b's own migration then waits.
    List<Holding> inflow =
        List.of(new Holding("x", "vm-x", List.of("pa", "pb"), "h1", null, 0, false));
    Request own = new Request("b2", "vm-b2", List.of("pb"), "hb", 0, T0, 1L << 30);
    assertThat(Admission.decide(own, inflow, List.of(own), pools).reason())
        .isEqualTo(Reason.PoolLimit);
  }

  @Test
  void aPoolWithoutKnownLimitsAdmitsNothing() {
    Request r = new Request("m1", "vm-1", List.of("unknown"), "h1", 0, T0, 1L << 30);
    assertThat(Admission.decide(r, List.of(), List.of(r), limits(5, 2)).admitted()).isFalse();
  }

  @Test
  void higherPriorityThenOlderGoFirst() {
    Request old = request("old", "vm-1", "h1", 0, 0);
    Request urgent = request("urgent", "vm-2", "h2", 10, 5);
    Request young = request("young", "vm-3", "h3", 0, 9);
    List<Request> waiting = List.of(old, urgent, young);
    // One slot: only the urgent one.
    assertThat(Admission.decide(urgent, List.of(), waiting, limits(1, 2)).admitted()).isTrue();
    assertThat(Admission.decide(old, List.of(), waiting, limits(1, 2)).reason())
        .isEqualTo(Reason.HigherPriorityFirst);
    // Two slots: the urgent one and then the older.
    assertThat(Admission.decide(old, List.of(), waiting, limits(2, 2)).admitted()).isTrue();
    assertThat(Admission.decide(young, List.of(), waiting, limits(2, 2)).reason())
        .isEqualTo(Reason.HigherPriorityFirst);
  }

  @Test
  void aBlockedMigrationAheadDoesNotHoldUpOthers() {
    // The urgent one waits for its busy host; a less urgent one from another host may go.
    List<Holding> active = List.of(holding("a1", "vm-1", "h1"), holding("a2", "vm-2", "h1"));
    Request urgent = request("urgent", "vm-3", "h1", 10, 1);
    Request other = request("other", "vm-4", "h2", 0, 2);
    assertThat(Admission.decide(other, active, List.of(urgent, other), limits(5, 2)).admitted())
        .isTrue();
  }
}
