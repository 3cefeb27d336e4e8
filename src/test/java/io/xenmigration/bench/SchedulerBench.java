package io.xenmigration.bench;

import io.xenmigration.scheduler.HostFacts;
import io.xenmigration.scheduler.Placement;
import io.xenmigration.scheduler.PlacementRequest;
import io.xenmigration.scheduler.Reservations;
import io.xenmigration.scheduler.Scheduler;
import io.xenmigration.scheduler.VmNeeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * How long one placement takes among 100, 1,000 and 10,000 hosts: every host through every filter,
 * the survivors weighed, the best reserved. About a fifth of the hosts are refused for varied
 * reasons, as in a real pool.
 *
 * <pre>
 * ./mvnw -q test-compile exec:java@bench-scheduler
 * </pre>
 */
public final class SchedulerBench {

  private static final long GIB = 1L << 30;

  private SchedulerBench() {}

  public static void main(String[] args) {
    System.out.printf(
        Locale.ROOT,
        "cores %d, java %s%n%n| hosts | p50 ms | p95 ms | p99 ms | placements timed |%n|---|---|---|---|---|%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    for (int hosts : new int[] {100, 1_000, 10_000}) {
      Stats stats = measure(hosts);
      System.out.printf(
          Locale.ROOT,
          "| %,d | %.3f | %.3f | %.3f | %,d |%n",
          hosts,
          stats.p50(),
          stats.p95(),
          stats.p99(),
          stats.count());
    }
  }

  /** Placement times in milliseconds among {@code count} hosts. */
  static Stats measure(int count) {
    Random random = new Random(count);
    List<HostFacts> hosts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int roll = random.nextInt(20);
      hosts.add(
          new HostFacts(
              "uuid-" + i,
              "host-" + i,
              roll != 0,
              roll != 1,
              "XCP",
              roll == 2 ? "3.1.0" : "3.2.1",
              (roll == 3 ? 1 : 8 + random.nextInt(500)) * GIB,
              16,
              roll == 4 ? Set.of("sr-local-" + i) : Set.of("sr-shared", "sr-local-" + i),
              Set.of("net-mgmt")));
    }
    VmNeeds vm =
        new VmNeeds(
            "vm",
            "web-01",
            "uuid-0",
            "XCP",
            "3.2.1",
            4 * GIB,
            2,
            Set.of("sr-shared"),
            Set.of("net-mgmt"));
    Scheduler scheduler = new Scheduler(new Reservations());
    PlacementRequest request =
        new PlacementRequest("ns/bench", vm, hosts, Set.of(), null, false, false, 2);
    int warmUp = 2_000;
    int timed = count >= 10_000 ? 1_000 : 5_000;
    List<Double> millis = new ArrayList<>(timed);
    Placement last = null;
    for (int i = 0; i < warmUp + timed; i++) {
      long start = System.nanoTime();
      last = scheduler.place(request);
      long took = System.nanoTime() - start;
      if (i >= warmUp) {
        millis.add(took / 1e6);
      }
    }
    if (last == null || !last.placed()) {
      throw new IllegalStateException("benchmark placement found no host");
    }
    return Stats.of(millis);
  }
}
