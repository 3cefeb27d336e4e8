package io.xenmigration.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.xenmigration.scheduler.Rejection.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Filters, weighers, explanations and reservations of the scheduler. */
class SchedulerTest {

  private static final long GIB = 1L << 30;

  private static HostFacts host(String name, long freeGib) {
    return new HostFacts(
        "uuid-" + name,
        name,
        true,
        true,
        "XCP",
        "3.2.1",
        freeGib * GIB,
        16,
        Set.of("sr-shared", "sr-local-" + name),
        Set.of("net-mgmt"));
  }

  private static final VmNeeds VM =
      new VmNeeds(
          "vm-uuid",
          "web-01",
          "uuid-src",
          "XCP",
          "3.2.1",
          4 * GIB,
          2,
          Set.of("sr-shared"),
          Set.of("net-mgmt"));

  private static PlacementRequest request(List<HostFacts> hosts) {
    return new PlacementRequest("ns/move-web-01", VM, hosts, Set.of(), null, false, false, 2);
  }

  private static HostFacts with(HostFacts h, UnaryOperator<Builder> change) {
    return change.apply(new Builder(h)).build();
  }

  /** Copies a host with one fact changed. */
  private static final class Builder {
    String uuid;
    String name;
    boolean enabled;
    boolean live;
    String platformName;
    String platformVersion;
    long free;
    int cpus;
    Set<String> storage;
    Set<String> networks;

    Builder(HostFacts h) {
      uuid = h.uuid();
      name = h.name();
      enabled = h.enabled();
      live = h.live();
      platformName = h.platformName();
      platformVersion = h.platformVersion();
      free = h.freeMemoryBytes();
      cpus = h.cpuCount();
      storage = h.storage();
      networks = h.networks();
    }

    HostFacts build() {
      return new HostFacts(
          uuid, name, enabled, live, platformName, platformVersion, free, cpus, storage, networks);
    }
  }

  static Stream<Arguments> filters() {
    HostFacts h = host("h1", 64);
    return Stream.of(
        Arguments.of(
            "source host",
            with(
                h,
                b -> {
                  b.uuid = "uuid-src";
                  return b;
                }),
            Reason.IsSource),
        Arguments.of(
            "disabled",
            with(
                h,
                b -> {
                  b.enabled = false;
                  return b;
                }),
            Reason.Disabled),
        Arguments.of(
            "not live",
            with(
                h,
                b -> {
                  b.live = false;
                  return b;
                }),
            Reason.NotLive),
        Arguments.of(
            "other platform",
            with(
                h,
                b -> {
                  b.platformName = "XenServer";
                  return b;
                }),
            Reason.DifferentPlatform),
        Arguments.of(
            "older platform",
            with(
                h,
                b -> {
                  b.platformVersion = "3.1.9";
                  return b;
                }),
            Reason.OlderPlatform),
        Arguments.of(
            "too few CPUs",
            with(
                h,
                b -> {
                  b.cpus = 1;
                  return b;
                }),
            Reason.NotEnoughCpus),
        Arguments.of(
            "cannot see storage",
            with(
                h,
                b -> {
                  b.storage = Set.of("sr-other");
                  return b;
                }),
            Reason.MissingStorage),
        Arguments.of(
            "missing network",
            with(
                h,
                b -> {
                  b.networks = Set.of("net-other");
                  return b;
                }),
            Reason.MissingNetwork),
        Arguments.of(
            "not enough memory",
            with(
                h,
                b -> {
                  b.free = 3 * GIB;
                  return b;
                }),
            Reason.NotEnoughMemory),
        // The first filter that refuses a host names the reason.
        Arguments.of(
            "disabled and not live",
            with(
                h,
                b -> {
                  b.enabled = false;
                  b.live = false;
                  return b;
                }),
            Reason.Disabled),
        Arguments.of(
            "older and short of memory",
            with(
                h,
                b -> {
                  b.platformVersion = "2.0";
                  b.free = 0;
                  return b;
                }),
            Reason.OlderPlatform));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filters")
  void eachFilterRefusesWithItsReason(String name, HostFacts refused, Reason reason) {
    Scheduler scheduler = new Scheduler(new Reservations());
    Placement placement = scheduler.place(request(List.of(refused, host("h2", 32))));
    assertThat(placement.chosen().host().name()).isEqualTo("h2");
    assertThat(placement.rejected())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.host()).isEqualTo("h1");
              assertThat(r.reason()).isEqualTo(reason);
              assertThat(r.message()).isNotBlank();
            });
  }

  @Test
  void newerPlatformIsFine() {
    HostFacts newer =
        with(
            host("h1", 64),
            b -> {
              b.platformVersion = "3.10.0";
              return b;
            });
    assertThat(new Scheduler(new Reservations()).place(request(List.of(newer))).placed()).isTrue();
  }

  @Test
  void excludedHostsAreRefusedWithTheirReason() {
    PlacementRequest request =
        new PlacementRequest(
            "ns/m",
            VM,
            List.of(host("h1", 64), host("h2", 32)),
            Set.of("uuid-h1"),
            null,
            false,
            false,
            2);
    Placement placement = new Scheduler(new Reservations()).place(request);
    assertThat(placement.chosen().host().name()).isEqualTo("h2");
    assertThat(placement.rejected())
        .extracting(Rejection::reason)
        .containsExactly(Reason.ExcludedByEarlierAttempt);
  }

  @Test
  void storageMigrationLetsAHostWithoutTheStorageQualifyButLast() {
    HostFacts seesShared = host("b-small", 16);
    HostFacts localOnly =
        with(
            host("a-big", 256),
            b -> {
              b.storage = Set.of("sr-local-a");
              return b;
            });
    PlacementRequest request =
        new PlacementRequest(
            "ns/m", VM, List.of(localOnly, seesShared), Set.of(), null, true, false, 2);
    Placement placement = new Scheduler(new Reservations()).place(request);
    // Copying disks costs far more than memory headroom is worth: the shared-storage host wins.
    assertThat(placement.chosen().host().name()).isEqualTo("b-small");
    assertThat(placement.chosen().copiesDisks()).isFalse();
    assertThat(placement.candidates())
        .extracting(c -> c.host().name())
        .containsExactly("b-small", "a-big");
    assertThat(placement.candidates().get(1).copiesDisks()).isTrue();
  }

  @Test
  void mappedNetworksLetAHostWithoutThemQualify() {
    HostFacts other =
        with(
            host("b1", 64),
            b -> {
              b.networks = Set.of("net-b");
              return b;
            });
    PlacementRequest request =
        new PlacementRequest("ns/m", VM, List.of(other), Set.of(), null, true, true, 2);
    assertThat(new Scheduler(new Reservations()).place(request).placed()).isTrue();
  }

  @Test
  void spreadsToTheHostWithTheMostMemoryLeftWithADeterministicTieBreak() {
    Scheduler scheduler = new Scheduler(new Reservations());
    Placement placement =
        scheduler.place(request(List.of(host("c", 32), host("b", 64), host("a", 64))));
    assertThat(placement.candidates())
        .extracting(c -> c.host().name())
        .containsExactly("a", "b", "c");
    assertThat(placement.chosen().memoryLeftBytes()).isEqualTo(60 * GIB);
  }

  @Test
  void onlyTheBestTenAreRankedButAllThatFitAreCounted() {
    List<HostFacts> hosts = new ArrayList<>();
    for (int i = 1; i <= 15; i++) {
      hosts.add(host(String.format("h%02d", i), 10 + i));
    }
    Placement placement = new Scheduler(new Reservations()).place(request(hosts));
    assertThat(placement.fitting()).isEqualTo(15);
    assertThat(placement.candidates())
        .hasSize(10)
        .extracting(c -> c.host().name())
        .startsWith("h15", "h14")
        .endsWith("h06");
  }

  @Test
  void reservationsCountAgainstLaterPlacementsAndAreReleased() {
    Reservations reservations = new Reservations();
    Scheduler scheduler = new Scheduler(reservations);
    List<HostFacts> hosts = List.of(host("a", 10), host("b", 9));
    Placement first = scheduler.place(request(hosts));
    assertThat(first.chosen().host().name()).isEqualTo("a");
    assertThat(reservations.reservedBytes("uuid-a")).isEqualTo(4 * GIB);
    // A second migration sees a's memory as taken: b now has more left.
    Placement second =
        scheduler.place(
            new PlacementRequest("ns/other", VM, hosts, Set.of(), null, false, false, 2));
    assertThat(second.chosen().host().name()).isEqualTo("b");
    scheduler.release("ns/move-web-01");
    scheduler.release("ns/other");
    assertThat(reservations.reservedBytes("uuid-a")).isZero();
    assertThat(reservations.inbound("uuid-b")).isZero();
  }

  @Test
  void aNewAttemptReplacesTheMigrationsOwnReservation() {
    Reservations reservations = new Reservations();
    Scheduler scheduler = new Scheduler(reservations);
    HostFacts only = host("a", 5);
    assertThat(scheduler.place(request(List.of(only))).placed()).isTrue();
    // The same migration asking again does not compete with itself.
    assertThat(scheduler.place(request(List.of(only))).placed()).isTrue();
    assertThat(reservations.reservedBytes("uuid-a")).isEqualTo(4 * GIB);
  }

  @Test
  void inboundLimitIsExplained() {
    Reservations reservations = new Reservations();
    reservations.reserve("ns/x", "uuid-a", GIB);
    reservations.reserve("ns/y", "uuid-a", GIB);
    Placement placement = new Scheduler(reservations).place(request(List.of(host("a", 256))));
    assertThat(placement.placed()).isFalse();
    assertThat(placement.rejected())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo(Reason.InboundLimit);
              assertThat(r.message()).isEqualTo("already receiving 2 migrations, the limit is 2");
            });
  }

  @Test
  void memoryRejectionCountsMigrationsInFlight() {
    Reservations reservations = new Reservations();
    reservations.reserve("ns/x", "uuid-a", 3 * GIB);
    Placement placement = new Scheduler(reservations).place(request(List.of(host("a", 6))));
    assertThat(placement.rejected())
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.message())
                    .isEqualTo("needs 4.0 GiB of memory, 3.0 GiB free after migrations in flight"));
  }

  @Test
  void explicitHostIsCheckedAloneAndExplained() {
    Scheduler scheduler = new Scheduler(new Reservations());
    List<HostFacts> hosts =
        List.of(
            host("a", 64),
            with(
                host("b", 64),
                x -> {
                  x.enabled = false;
                  return x;
                }));
    PlacementRequest byName =
        new PlacementRequest("ns/m", VM, hosts, Set.of(), "b", false, false, 2);
    Placement refused = scheduler.place(byName);
    assertThat(refused.placed()).isFalse();
    assertThat(refused.rejected()).extracting(Rejection::reason).containsExactly(Reason.Disabled);
    PlacementRequest byUuid =
        new PlacementRequest("ns/m", VM, hosts, Set.of(), "uuid-a", false, false, 2);
    assertThat(scheduler.place(byUuid).chosen().host().name()).isEqualTo("a");
  }

  @Test
  void concurrentPlacementsNeverOversubscribeANearlyFullHost() throws Exception {
    Reservations reservations = new Reservations();
    Scheduler scheduler = new Scheduler(reservations);
    // Room for exactly three 4 GiB VMs; twenty migrations ask at the same moment.
    List<HostFacts> hosts = List.of(host("nearly-full", 14));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Placement>> answers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String migration = "ns/m-" + i;
      Callable<Placement> place =
          () ->
              scheduler.place(
                  new PlacementRequest(migration, VM, hosts, Set.of(), null, false, false, 100));
      answers.add(pool.submit(place));
    }
    int placed = 0;
    for (Future<Placement> answer : answers) {
      Placement placement = answer.get();
      if (placement.placed()) {
        placed++;
      } else {
        assertThat(placement.rejected())
            .extracting(Rejection::reason)
            .containsExactly(Reason.NotEnoughMemory);
      }
    }
    pool.shutdown();
    assertThat(placed).isEqualTo(3);
    assertThat(reservations.reservedBytes("uuid-nearly-full")).isEqualTo(12 * GIB);
  }

  @Test
  void platformVersionsCompareNumberByNumber() {
    assertThat(PlatformVersions.compare("3.10.0", "3.2.1")).isPositive();
    assertThat(PlatformVersions.compare("3.2", "3.2.0")).isZero();
    assertThat(PlatformVersions.compare("2.9-beta", "3.0")).isNegative();
  }
}
