package io.xenmigration.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.MigrationMode;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.PoolLimits;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.api.v1alpha1.XenPoolSpec;
import io.xenmigration.api.v1alpha1.XenPoolStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What migrations hold is read off their statuses: rebuilt exactly by a new ledger (a restart, a
 * new leader), bridged while a write is under way or not yet in the cache, given back only once the
 * write ending a migration has landed, and kept by pool identity however many XenPools name the
 * pool.
 */
class MigrationLedgerTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String POOL = "pool-uuid";

  private static XenPool pool(String namespace, String name, int maxParallel, Instant created) {
    XenPool pool = new XenPool();
    pool.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(namespace)
            .withCreationTimestamp(created.toString())
            .build());
    XenPoolSpec spec = new XenPoolSpec();
    PoolLimits limits = new PoolLimits();
    limits.setMaxParallelMigrations(maxParallel);
    limits.setMaxParallelPerHost(100);
    spec.setLimits(limits);
    pool.setSpec(spec);
    XenPoolStatus status = new XenPoolStatus();
    status.setPoolUuid(POOL);
    pool.setStatus(status);
    return pool;
  }

  private static final PoolIndex ONE_POOL = PoolIndex.of(List.of(pool("ns", "pool-a", 5, T0)));

  private static LiveMigration migration(String name, MigrationPhase phase, long version) {
    LiveMigration lm = new LiveMigration();
    lm.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace("ns")
            .withResourceVersion(Long.toString(version))
            .withCreationTimestamp(T0.toString())
            .build());
    LiveMigrationSpec spec = new LiveMigrationSpec();
    spec.setPool("pool-a");
    spec.setVm("vm-" + name);
    lm.setSpec(spec);
    if (phase != null) {
      MigrationStatusWriter writer = new MigrationStatusWriter(lm);
      writer.phase(MigrationPhase.Queued, "Queued", "accepted", T0);
      if (phase != MigrationPhase.Queued) {
        writer.phase(MigrationPhase.Preparing, "Admitted", "", T0);
        writer.vm("uuid-" + name, "vm-" + name).source("h1", "host-1").pools(POOL, null);
        if (phase != MigrationPhase.Preparing) {
          writer
              .attemptStarted("h2", "host-2", "uid/1/x", null, T0)
              .mode(MigrationMode.StorageMigrate, "sr", "sr-uuid");
          writer.sizes(4L << 30, 0);
          writer.phase(MigrationPhase.Running, "Migrating", "", T0);
          if (phase != MigrationPhase.Running) {
            writer.phase(phase, "Done", "", T0);
          }
        }
      }
    }
    return lm;
  }

  /** A VM of uuid-NAME and vm-NAME on a host, needing this much memory. */
  private static io.xenmigration.scheduler.VmNeeds needs(String name, String on, long memory) {
    return new io.xenmigration.scheduler.VmNeeds(
        "uuid-" + name,
        "vm-" + name,
        on,
        "XCP",
        "3.2.1",
        memory,
        1,
        java.util.Set.of(),
        java.util.Set.of());
  }

  /** A live, enabled host with this much memory free. */
  private static io.xenmigration.scheduler.HostFacts host(String uuid, String name, long free) {
    return new io.xenmigration.scheduler.HostFacts(
        uuid, name, true, true, "XCP", "3.2.1", free, 8, java.util.Set.of(), java.util.Set.of());
  }

  private static Admission.Request request(String name) {
    return new Admission.Request(
        "ns/" + name, "uuid-" + name, List.of(POOL), "host-" + name, 0, T0, 0);
  }

  @Test
  void activeStatusesHoldSlotsAndDestinations() {
    MigrationLedger ledger = new MigrationLedger();
    List<LiveMigration> cached =
        List.of(
            migration("queued", MigrationPhase.Queued, 1),
            migration("preparing", MigrationPhase.Preparing, 2),
            migration("running", MigrationPhase.Running, 3),
            migration("done", MigrationPhase.Completed, 4));
    List<Holding> holdings = ledger.holdings(MigrationView.of(cached), ONE_POOL);
    assertThat(holdings)
        .extracting(Holding::migration)
        .containsExactly("ns/preparing", "ns/running");
    Holding running = holdings.get(1);
    assertThat(running.destinationHost()).isEqualTo("host-2");
    assertThat(running.memoryBytes()).isEqualTo(4L << 30);
    assertThat(running.copiesDisks()).isTrue();
    assertThat(holdings.get(0).destinationHost()).isNull();
  }

  @Test
  void aNewLedgerCountsExactlyWhatTheStatusesSay() {
    List<LiveMigration> cached = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      cached.add(migration("m" + i, MigrationPhase.Running, i + 1));
    }
    cached.add(migration("waiting", MigrationPhase.Queued, 10));
    MigrationLedger restarted = new MigrationLedger();
    Admission.Decision decision =
        restarted.admit(
            request("waiting"), MigrationView.of(cached), ONE_POOL, m -> null, new ArrayList<>());
    assertThat(decision.reason()).isEqualTo(Admission.Reason.PoolLimit);
  }

  @Test
  void aWriteNotYetInTheCacheCountsAtOnce() {
    MigrationLedger ledger = new MigrationLedger();
    List<LiveMigration> cached = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      cached.add(migration("m" + i, MigrationPhase.Running, i + 1));
    }
    cached.add(migration("waiting", MigrationPhase.Queued, 10));
    // m0's end was written (version 20), the cache still shows it Running (version 1).
    ledger.written(migration("m0", MigrationPhase.Completed, 20), List.of());
    assertThat(ledger.holdings(MigrationView.of(cached), ONE_POOL)).hasSize(4);
    assertThat(
            ledger
                .admit(
                    request("waiting"),
                    MigrationView.of(cached),
                    ONE_POOL,
                    m -> null,
                    new ArrayList<>())
                .admitted())
        .isTrue();
    // A newer version in the cache (written by another leader, say) stands for itself.
    List<LiveMigration> caughtUp = new ArrayList<>(cached);
    caughtUp.set(0, migration("m0", MigrationPhase.Running, 21));
    assertThat(ledger.holdings(MigrationView.of(caughtUp), ONE_POOL))
        .extracting(Holding::migration)
        .contains("ns/m0", "ns/waiting"); // waiting's claim too
    // Written under way while the cache still shows it queued: it holds its slot all the same.
    MigrationLedger another = new MigrationLedger();
    another.written(migration("waiting", MigrationPhase.Running, 11), List.of());
    assertThat(another.holdings(MigrationView.of(cached), ONE_POOL))
        .extracting(Holding::migration)
        .contains("ns/waiting")
        .hasSize(6);
  }

  @Test
  void aReconcileWithAnOlderCopyOfTheCacheStillSeesWhatWasWritten() {
    MigrationLedger ledger = new MigrationLedger();
    PoolIndex one = PoolIndex.of(List.of(pool("ns", "pool-a", 1, T0)));
    List<LiveMigration> old =
        List.of(migration("x", MigrationPhase.Queued, 1), migration("y", MigrationPhase.Queued, 2));
    // x was admitted and its Preparing write landed (version 3).
    ledger.written(migration("x", MigrationPhase.Preparing, 3), List.of());
    // One reconcile's fresh copy shows it...
    List<LiveMigration> fresh =
        List.of(
            migration("x", MigrationPhase.Preparing, 3), migration("y", MigrationPhase.Queued, 2));
    assertThat(ledger.holdings(MigrationView.of(fresh), one)).hasSize(1);
    // ...and one with an older copy still counts x's slot: y may not take it.
    assertThat(
            ledger
                .admit(request("y"), MigrationView.of(old), one, m -> null, new ArrayList<>())
                .admitted())
        .isFalse();
  }

  @Test
  void aClaimWhoseWriteAnswerWasLostHoldsUntilTheCacheTellsWhatHappened() {
    MigrationLedger ledger = new MigrationLedger();
    PoolIndex one = PoolIndex.of(List.of(pool("ns", "pool-a", 1, T0)));
    List<LiveMigration> cached =
        List.of(migration("a", MigrationPhase.Queued, 1), migration("b", MigrationPhase.Queued, 2));
    List<MigrationLedger.Claim> claimed = new ArrayList<>();
    assertThat(
            ledger
                .admit(request("a"), MigrationView.of(cached), one, m -> null, claimed)
                .admitted())
        .isTrue();
    // a's write timed out: it may have landed.
    ledger.uncertain(claimed, cached.get(0));
    assertThat(
            ledger
                .admit(request("b"), MigrationView.of(cached), one, m -> null, new ArrayList<>())
                .admitted())
        .isFalse();
    // The cache shows a's write did land: a holds the slot by its status now.
    List<LiveMigration> landed =
        List.of(
            migration("a", MigrationPhase.Preparing, 3), migration("b", MigrationPhase.Queued, 2));
    assertThat(ledger.holdings(MigrationView.of(landed), one))
        .extracting(Holding::migration)
        .containsExactly("ns/a");
    assertThat(
            ledger
                .admit(request("b"), MigrationView.of(landed), one, m -> null, new ArrayList<>())
                .admitted())
        .isFalse();
    // Had it not landed, the cache's newer copy (still Queued) frees the slot.
    MigrationLedger other = new MigrationLedger();
    List<MigrationLedger.Claim> lost = new ArrayList<>();
    other.admit(request("a"), MigrationView.of(cached), one, m -> null, lost);
    other.uncertain(lost, cached.get(0));
    List<LiveMigration> notLanded =
        List.of(migration("a", MigrationPhase.Queued, 5), migration("b", MigrationPhase.Queued, 2));
    assertThat(other.holdings(MigrationView.of(notLanded), one)).isEmpty();
  }

  @Test
  void aMigrationWhoseSpecCannotBeReadIsCountedByItsStatus() {
    LiveMigration unreadable = migration("u", MigrationPhase.Running, 1);
    unreadable.setSpec(null);
    assertThat(new MigrationLedger().holdings(MigrationView.of(List.of(unreadable)), ONE_POOL))
        .singleElement()
        .satisfies(h -> assertThat(h.pools()).containsExactly(POOL));
  }

  @Test
  void aClaimHoldsUntilItsWriteLandsOrFails() {
    MigrationLedger ledger = new MigrationLedger();
    PoolIndex one = PoolIndex.of(List.of(pool("ns", "pool-a", 1, T0)));
    List<LiveMigration> cached =
        List.of(migration("a", MigrationPhase.Queued, 1), migration("b", MigrationPhase.Queued, 2));
    List<MigrationLedger.Claim> claimed = new ArrayList<>();
    assertThat(
            ledger
                .admit(request("a"), MigrationView.of(cached), one, m -> null, claimed)
                .admitted())
        .isTrue();
    // a's Preparing write is under way: b may not take the one slot.
    assertThat(
            ledger
                .admit(request("b"), MigrationView.of(cached), one, m -> null, new ArrayList<>())
                .admitted())
        .isFalse();
    // a's write is refused: the slot is given back.
    ledger.settle(claimed);
    assertThat(
            ledger
                .admit(request("b"), MigrationView.of(cached), one, m -> null, new ArrayList<>())
                .admitted())
        .isTrue();
  }

  @Test
  void aDestinationLetGoInTheLookThatAdmittedKeepsTheSlotUntilTheWriteSettlesIt() {
    MigrationLedger ledger = new MigrationLedger();
    PoolIndex one = PoolIndex.of(List.of(pool("ns", "pool-a", 1, T0)));
    MigrationView cached =
        MigrationView.of(
            List.of(
                migration("x", MigrationPhase.Queued, 1),
                migration("b", MigrationPhase.Queued, 2)));
    List<MigrationLedger.Claim> claimed = new ArrayList<>();
    assertThat(ledger.admit(request("x"), cached, one, m -> null, claimed).admitted()).isTrue();
    // The same look places x, and the chosen host refuses its pre-check: the place is let go.
    MigrationLedger.Placed placed =
        ledger.place(fortyGiBOnto("host-2"), List.of(POOL), false, 100, 3, T0, cached, one, T0);
    assertThat(placed.claim()).isNotNull();
    ledger.settle(List.of(placed.claim()));
    assertThat(ledger.holdings(cached, one))
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.migration()).isEqualTo("ns/x");
              assertThat(h.destinationHost()).isNull();
            });
    assertThat(ledger.admit(request("b"), cached, one, m -> null, new ArrayList<>()).admitted())
        .as("x still holds the pool's one slot")
        .isFalse();
    // x's write (admitted, waiting in Preparing) is refused: nothing of the look holds.
    ledger.settle(claimed);
    assertThat(ledger.holdings(cached, one)).isEmpty();
    assertThat(ledger.admit(request("b"), cached, one, m -> null, new ArrayList<>()).admitted())
        .isTrue();
  }

  @Test
  void aLookThatFailsGivesBackWhatItClaimed() {
    MigrationLedger ledger = new MigrationLedger();
    PoolIndex one = PoolIndex.of(List.of(pool("ns", "pool-a", 1, T0)));
    MigrationView cached = MigrationView.of(List.of(migration("x", MigrationPhase.Queued, 1)));
    MigrationLedger.Claim before = ledger.claimOf("ns/x");
    ledger.admit(request("x"), cached, one, m -> null, new ArrayList<>());
    ledger.place(fortyGiBOnto("host-2"), List.of(POOL), false, 100, 3, T0, cached, one, T0);
    assertThat(ledger.holdings(cached, one)).hasSize(1);
    ledger.restore("ns/x", before);
    assertThat(ledger.holdings(cached, one)).isEmpty();
  }

  @Test
  void thirtyConcurrentAdmissionsNeverExceedTheLimit() throws Exception {
    MigrationLedger ledger = new MigrationLedger();
    List<LiveMigration> cached = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 30; i++) {
      cached.add(migration("m" + i, MigrationPhase.Queued, i + 1));
    }
    ExecutorService threads = Executors.newFixedThreadPool(8);
    List<Future<Boolean>> answers = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String name = "m" + i;
      answers.add(
          threads.submit(
              () ->
                  ledger
                      .admit(
                          request(name),
                          MigrationView.of(cached),
                          ONE_POOL,
                          m -> null,
                          new ArrayList<>())
                      .admitted()));
    }
    int admitted = 0;
    for (Future<Boolean> answer : answers) {
      admitted += answer.get() ? 1 : 0;
    }
    threads.shutdown();
    assertThat(admitted).isEqualTo(5);
    assertThat(ledger.holdings(MigrationView.of(cached), ONE_POOL)).hasSize(5);
  }

  @Test
  void twoXenPoolsOfOnePoolShareTheOldersLimits() {
    XenPool older = pool("ns", "pool-a", 2, T0);
    XenPool newer = pool("other-ns", "same-pool", 50, T0.plusSeconds(60));
    PoolIndex index = PoolIndex.of(List.of(newer, older));
    assertThat(index.firstOtherThan(newer)).isSameAs(older);
    assertThat(index.firstOtherThan(older)).isNull();
    assertThat(index.limits(POOL).maxParallel()).isEqualTo(2);
    MigrationLedger ledger = new MigrationLedger();
    List<LiveMigration> cached = new ArrayList<>();
    cached.add(migration("a", MigrationPhase.Running, 1));
    LiveMigration elsewhere = migration("b", MigrationPhase.Running, 2);
    elsewhere.getMetadata().setNamespace("other-ns");
    elsewhere.getSpec().setPool("same-pool");
    cached.add(elsewhere);
    // Two migrations run in the pool, through two XenPools: the limit of 2 is reached for both.
    assertThat(
            ledger
                .admit(request("c"), MigrationView.of(cached), index, m -> null, new ArrayList<>())
                .reason())
        .isEqualTo(Admission.Reason.PoolLimit);
  }

  @Test
  void placementCountsWhatDestinationsHoldAndTheStorageLimit() {
    MigrationLedger ledger = new MigrationLedger();
    List<LiveMigration> cached = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      cached.add(migration("s" + i, MigrationPhase.Running, i + 1)); // storage, from host-1
    }
    var needs = needs("x", "host-1", 1L << 30);
    var host =
        new io.xenmigration.scheduler.HostFacts(
            "host-3",
            "h3",
            true,
            true,
            "XCP",
            "3.2.1",
            64L << 30,
            8,
            java.util.Set.of("sr"),
            java.util.Set.of());
    var request =
        new io.xenmigration.scheduler.PlacementRequest(
            "ns/x", needs, List.of(host), java.util.Set.of(), null, true, false, 2);
    MigrationLedger.Placed storage =
        ledger.place(
            request, List.of(POOL), true, 100, 3, T0, MigrationView.of(cached), ONE_POOL, T0);
    assertThat(storage.storageLimited()).isTrue();
    assertThat(storage.claim()).isNull();
    MigrationLedger.Placed memoryOnly =
        ledger.place(
            request, List.of(POOL), false, 100, 3, T0, MigrationView.of(cached), ONE_POOL, T0);
    assertThat(memoryOnly.storageLimited()).isFalse();
    assertThat(memoryOnly.claim().holding().destinationHost()).isEqualTo("host-3");
    // The claim holds the destination's inbound place for the next placement.
    var again =
        new io.xenmigration.scheduler.PlacementRequest(
            "ns/y", needs, List.of(host), java.util.Set.of(), null, true, false, 1);
    assertThat(
            ledger
                .place(
                    again, List.of(POOL), false, 100, 3, T0, MigrationView.of(cached), ONE_POOL, T0)
                .placement()
                .placed())
        .isFalse();
    // Its source host already sends three: with a limit of three per host it waits.
    assertThat(
            ledger
                .place(
                    request, List.of(POOL), false, 3, 3, T0, MigrationView.of(cached), ONE_POOL, T0)
                .hostLimited())
        .isTrue();
  }

  @Test
  void memoryOfAMigrationThatArrivedAfterThePoolWasReadIsStillHeld() {
    MigrationLedger ledger = new MigrationLedger();
    LiveMigration arrived = migration("done", MigrationPhase.Completed, 1);
    arrived.getStatus().setCompletionTime(T0.plusSeconds(30).toString());
    arrived.getStatus().setDestinationHostUuid("host-3");
    var needs = needs("x", "host-1", 40L << 30);
    var host = host("host-3", "h3", 42L << 30);
    var request =
        new io.xenmigration.scheduler.PlacementRequest(
            "ns/x", needs, List.of(host), java.util.Set.of(), null, true, false, 2);
    // Read before it arrived: its 4 GiB are not in the 42 GiB free the pool reported.
    assertThat(
            ledger
                .place(
                    request,
                    List.of(POOL),
                    false,
                    100,
                    3,
                    T0,
                    MigrationView.of(List.of(arrived)),
                    ONE_POOL,
                    T0)
                .placement()
                .placed())
        .isFalse();
    // The host it left has its memory back, though the reading is older.
    var left = host("host-1", "h1", 38L << 30);
    var needsFromElsewhere = needs("x", "host-9", 40L << 30);
    assertThat(
            ledger
                .place(
                    new io.xenmigration.scheduler.PlacementRequest(
                        "ns/x",
                        needsFromElsewhere,
                        List.of(left),
                        java.util.Set.of(),
                        null,
                        true,
                        false,
                        2),
                    List.of(POOL),
                    false,
                    100,
                    3,
                    T0,
                    MigrationView.of(List.of(arrived)),
                    ONE_POOL,
                    T0)
                .placement()
                .placed())
        .isTrue();
    // Its migration is over: the memory it took is held, but it is no inbound migration.
    var small = needs("y", "host-1", 1L << 30);
    assertThat(
            ledger
                .place(
                    new io.xenmigration.scheduler.PlacementRequest(
                        "ns/y", small, List.of(host), java.util.Set.of(), null, true, false, 1),
                    List.of(POOL),
                    false,
                    100,
                    3,
                    T0,
                    MigrationView.of(List.of(arrived)),
                    ONE_POOL,
                    T0)
                .placement()
                .placed())
        .isTrue();
    // Read after it arrived: the pool's own figure counts it.
    assertThat(
            ledger
                .place(
                    request,
                    List.of(POOL),
                    false,
                    100,
                    3,
                    T0.plusSeconds(60),
                    MigrationView.of(List.of(arrived)),
                    ONE_POOL,
                    T0)
                .placement()
                .placed())
        .isTrue();
  }

  /** Places at a time, then gives the claim back, as a write that was refused would. */
  private static boolean placedThenLetGo(
      MigrationLedger ledger,
      io.xenmigration.scheduler.PlacementRequest request,
      MigrationView view,
      Instant now) {
    MigrationLedger.Placed placed =
        ledger.place(request, List.of(POOL), false, 100, 3, T0, view, ONE_POOL, now);
    if (placed.claim() != null) {
      ledger.settle(List.of(placed.claim()));
    }
    return placed.placement().placed();
  }

  private static LiveMigration arrivedOn(String name, long version, String uid, String host) {
    LiveMigration arrived = migration(name, MigrationPhase.Completed, version);
    arrived.getMetadata().setUid(uid);
    arrived.getStatus().setCompletionTime(T0.plusSeconds(30).toString());
    arrived.getStatus().setDestinationHostUuid(host);
    return arrived;
  }

  private static io.xenmigration.scheduler.PlacementRequest fortyGiBOnto(String host) {
    var needs = needs("x", "host-1", 40L << 30);
    var facts = host(host, host, 42L << 30);
    return new io.xenmigration.scheduler.PlacementRequest(
        "ns/x", needs, List.of(facts), java.util.Set.of(), null, true, false, 2);
  }

  @Test
  void anArrivalCountsOnceWhetherThisProcessWroteItOrOnlyTheCacheShowsIt() {
    MigrationLedger ledger = new MigrationLedger();
    MigrationView none = MigrationView.of(List.of());
    Instant now = T0.plusSeconds(50);
    assertThat(placedThenLetGo(ledger, fortyGiBOnto("host-3"), none, now)).isTrue();
    // This process ends a migration onto host-3 after the reading: the next placement counts its
    // 4 GiB at once, before the cache shows it.
    LiveMigration mine = arrivedOn("mine", 5, "uid-mine-1", "host-3");
    ledger.written(mine, List.of());
    assertThat(placedThenLetGo(ledger, fortyGiBOnto("host-3"), none, now)).isFalse();
    // Still counted when the sum is made again from a cache that does not show it yet.
    assertThat(placedThenLetGo(ledger, fortyGiBOnto("host-3"), none, now.plusSeconds(3))).isFalse();
    // Once the cache shows it too, it is still counted once: 4 GiB, not 8 (36 GiB still fit).
    var thirtySixGiB =
        new io.xenmigration.scheduler.PlacementRequest(
            "ns/y",
            needs("y", "host-1", 36L << 30),
            fortyGiBOnto("host-3").hosts(),
            java.util.Set.of(),
            null,
            true,
            false,
            1);
    for (int i = 0; i < 40; i++) {
      Instant at = now.plusSeconds(3).plusMillis(100L * i);
      assertThat(placedThenLetGo(ledger, thirtySixGiB, MigrationView.of(List.of(mine)), at))
          .isTrue();
    }
    now = now.plusSeconds(10);
    // Written once more (the record after its task was forgotten): still once.
    LiveMigration recorded = arrivedOn("mine", 7, "uid-mine-1", "host-3");
    ledger.written(recorded, List.of());
    assertThat(placedThenLetGo(ledger, thirtySixGiB, MigrationView.of(List.of(recorded)), now))
        .isTrue();
    // One that only the cache shows (ended by a predecessor) onto host-4 is counted by the next
    // sum, a moment later.
    LiveMigration theirs = arrivedOn("theirs", 6, "uid-theirs", "host-4");
    MigrationView both = MigrationView.of(List.of(recorded, theirs));
    assertThat(
            placedThenLetGo(
                ledger, fortyGiBOnto("host-4"), both, now.plus(MigrationLedger.ARRIVALS_RECOUNT)))
        .isFalse();
    // The name comes back as a new migration that ends onto host-5: a new arrival, counted too.
    LiveMigration again = arrivedOn("mine", 9, "uid-mine-2", "host-5");
    ledger.written(again, List.of());
    assertThat(placedThenLetGo(ledger, fortyGiBOnto("host-5"), both, now.plusSeconds(3))).isFalse();
  }
}
