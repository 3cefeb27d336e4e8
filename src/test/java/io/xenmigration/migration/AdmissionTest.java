package io.xenmigration.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.xenmigration.migration.Admission.Decision;
import io.xenmigration.migration.Admission.Reason;
import io.xenmigration.migration.Admission.Request;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Queue order and limits: who starts, who waits, and why. */
class AdmissionTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Request request(
      String id, String vm, String host, int priority, int secondsAfter) {
    return new Request(id, vm, host, priority, T0.plusSeconds(secondsAfter), 1L << 30);
  }

  private static Request sized(String id, String host, long gib) {
    return new Request(id, "vm-" + id, host, 0, T0, gib << 30);
  }

  @Test
  void amongMigrationsCreatedTogetherTheLargestVmGoesFirst() {
    Request small = sized("a-small", "h1", 1);
    Request large = sized("b-large", "h1", 16);
    Request medium = sized("c-medium", "h1", 4);
    List<Request> waiting = List.of(small, large, medium);
    // One slot on h1: the 16 GiB VM takes it, though its name sorts after the small one's.
    assertThat(Admission.decide(large, List.of(), waiting, 5, 1).admitted()).isTrue();
    assertThat(Admission.decide(small, List.of(), waiting, 5, 1).reason())
        .isEqualTo(Reason.HostLimit);
    // With two slots the medium one comes next, and the small one waits.
    assertThat(Admission.decide(medium, List.of(), waiting, 5, 2).admitted()).isTrue();
    assertThat(Admission.decide(small, List.of(), waiting, 5, 2).admitted()).isFalse();
    // Age still comes first: an older small VM is not passed over by a newer large one.
    Request olderSmall = new Request("z-old", "vm-z", "h1", 0, T0.minusSeconds(5), 1L << 30);
    assertThat(
            Admission.decide(olderSmall, List.of(), List.of(small, large, medium, olderSmall), 5, 1)
                .admitted())
        .isTrue();
  }

  @Test
  void freeSlotsAdmit() {
    Request r = request("m1", "vm-1", "h1", 0, 0);
    assertThat(Admission.decide(r, List.of(), List.of(r), 5, 2).admitted()).isTrue();
  }

  @Test
  void theVmMayHaveOneActiveMigration() {
    Request running = request("m1", "vm-1", "h1", 0, 0);
    Request second = request("m2", "vm-1", "h1", 9, 1);
    Decision decision = Admission.decide(second, List.of(running), List.of(second), 5, 2);
    assertThat(decision.reason()).isEqualTo(Reason.VMBusy);
    assertThat(decision.message()).contains("vm-1");
  }

  @Test
  void poolAndHostLimitsHold() {
    List<Request> active =
        List.of(request("a1", "vm-1", "h1", 0, 0), request("a2", "vm-2", "h1", 0, 0));
    Request sameHost = request("m3", "vm-3", "h1", 0, 1);
    assertThat(Admission.decide(sameHost, active, List.of(sameHost), 5, 2).reason())
        .isEqualTo(Reason.HostLimit);
    Request otherHost = request("m4", "vm-4", "h2", 0, 1);
    assertThat(Admission.decide(otherHost, active, List.of(otherHost), 2, 2).reason())
        .isEqualTo(Reason.PoolLimit);
    assertThat(Admission.decide(otherHost, active, List.of(otherHost), 3, 2).admitted()).isTrue();
  }

  @Test
  void higherPriorityThenOlderGoFirst() {
    Request old = request("old", "vm-1", "h1", 0, 0);
    Request urgent = request("urgent", "vm-2", "h2", 10, 5);
    Request young = request("young", "vm-3", "h3", 0, 9);
    List<Request> waiting = List.of(old, urgent, young);
    // One slot: only the urgent one.
    assertThat(Admission.decide(urgent, List.of(), waiting, 1, 2).admitted()).isTrue();
    assertThat(Admission.decide(old, List.of(), waiting, 1, 2).reason())
        .isEqualTo(Reason.HigherPriorityFirst);
    // Two slots: the urgent one and then the older.
    assertThat(Admission.decide(old, List.of(), waiting, 2, 2).admitted()).isTrue();
    assertThat(Admission.decide(young, List.of(), waiting, 2, 2).reason())
        .isEqualTo(Reason.HigherPriorityFirst);
  }

  @Test
  void aBlockedMigrationAheadDoesNotHoldUpOthers() {
    // The urgent one waits for its busy host; a less urgent one from another host may go.
    List<Request> active =
        List.of(request("a1", "vm-1", "h1", 0, 0), request("a2", "vm-2", "h1", 0, 0));
    Request urgent = request("urgent", "vm-3", "h1", 10, 1);
    Request other = request("other", "vm-4", "h2", 0, 2);
    assertThat(Admission.decide(other, active, List.of(urgent, other), 5, 2).admitted()).isTrue();
  }

  @Test
  void thirtyConcurrentMigrationsNeverExceedTheLimits() throws Exception {
    AdmissionGate gate = new AdmissionGate();
    List<Request> waiting = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      waiting.add(request("m" + i, "vm-" + i, "h" + (i % 4), i % 3, i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    int maxSeenInPool = 0;
    List<Request> remaining = Collections.synchronizedList(new ArrayList<>(waiting));
    int completed = 0;
    while (!remaining.isEmpty()) {
      List<Future<?>> round = new ArrayList<>();
      for (Request r : List.copyOf(remaining)) {
        round.add(
            pool.submit(
                () -> {
                  if (gate.tryAdmit("ns/pool-a", r, List.copyOf(remaining), 5, 2).admitted()) {
                    remaining.remove(r);
                  }
                }));
      }
      for (Future<?> f : round) {
        f.get();
      }
      List<Request> active = gate.active("ns/pool-a");
      maxSeenInPool = Math.max(maxSeenInPool, active.size());
      assertThat(active).hasSizeLessThanOrEqualTo(5);
      for (int h = 0; h < 4; h++) {
        String host = "h" + h;
        assertThat(active.stream().filter(r -> r.sourceHost().equals(host)))
            .hasSizeLessThanOrEqualTo(2);
      }
      // Finish everything that ran in this round.
      for (Request r : active) {
        gate.release(r.id());
        completed++;
      }
    }
    pool.shutdown();
    assertThat(completed).isEqualTo(30);
    assertThat(maxSeenInPool).isEqualTo(5);
  }

  @Test
  void aMigrationThatEndedIsNotRestoredFromAStaleView() {
    AdmissionGate gate = new AdmissionGate();
    Request r = request("m1", "vm-1", "h1", 0, 0);
    gate.tryAdmit("p", r, List.of(r), 5, 2);
    gate.release("m1");
    gate.restore("p", r); // the cache still shows it Running
    assertThat(gate.active("p")).isEmpty();
    gate.restore("p", request("m2", "vm-2", "h1", 0, 0)); // unknown: active before a restart
    assertThat(gate.active("p")).hasSize(1);
  }

  @Test
  void aHolderIsAdmittedAgainWithoutASecondSlot() {
    AdmissionGate gate = new AdmissionGate();
    Request r = request("m1", "vm-1", "h1", 0, 0);
    assertThat(gate.tryAdmit("p", r, List.of(r), 1, 1).admitted()).isTrue();
    assertThat(gate.tryAdmit("p", r, List.of(r), 1, 1).admitted()).isTrue();
    assertThat(gate.active("p")).hasSize(1);
    gate.release("m1");
    gate.release("m1");
    assertThat(gate.active("p")).isEmpty();
  }
}
