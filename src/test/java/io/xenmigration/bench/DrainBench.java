package io.xenmigration.bench;

import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.xapisim.engine.MigrationEngine;
import io.xenmigration.xapisim.model.PoolBuilder;
import io.xenmigration.xapisim.model.SimHost;
import io.xenmigration.xapisim.model.SimSr;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * B3: how well the migration slots are used when hosts are drained: 60 VMs of mixed sizes leave 3
 * hosts (disabled, as before maintenance) under {@code maxParallelPerHost: 2}. The makespan (first
 * creation to last Completed) is held against the ideal one: for each drained host the best split
 * of its VMs' task durations, as the simulator ran them, over its two slots.
 */
final class DrainBench {

  private static final long GIB = 1L << 30;
  private static final int DRAINED = 3;
  private static final int VMS_PER_HOST = 20;
  private static final int SPARES = 6;
  private static final int REPEATS = 3;
  private static final int SLOTS = 2;
  private static final long[] SIZES_GIB = {1, 2, 4, 8, 16};

  /** Twice as fast as a 10 GbE migration network: overhead weighs twice what it would. */
  static final double TIME_SCALE = 2;

  private DrainBench() {}

  /** Drained hosts {@code drain-1..3} with 20 VMs each, and six empty {@code spare-n}. */
  static Consumer<PoolBuilder> pool() {
    return pool -> {
      Random random = new Random(60);
      SimSr nfs = pool.addSharedSr("nfs");
      for (int h = 1; h <= DRAINED; h++) {
        SimHost host = pool.addHost("drain-" + h, 512 * GIB);
        for (int v = 1; v <= VMS_PER_HOST; v++) {
          long memory = SIZES_GIB[random.nextInt(SIZES_GIB.length)] * GIB;
          pool.addVm("vm-" + h + "-" + v, host, memory, nfs, 20 * GIB);
        }
        host.enabled = false; // in maintenance: nothing may land here
      }
      for (int s = 1; s <= SPARES; s++) {
        pool.addHost("spare-" + s, 512 * GIB);
      }
    };
  }

  static List<Measure> run(BenchPaths paths, PrintStream out) throws Exception {
    out.printf(
        Locale.ROOT,
        "B3: %d hosts drained of %d VMs each (1–16 GiB) onto %d spares, maxParallelPerHost %d,"
            + " time scale %.0f%n",
        DRAINED,
        VMS_PER_HOST,
        SPARES,
        SLOTS,
        TIME_SCALE);
    List<Double> ratios = new ArrayList<>();
    for (int r = 0; r < REPEATS; r++) {
      try (BenchCluster cluster =
          new BenchCluster(
              new BenchCluster.Settings(
                  paths,
                  TIME_SCALE,
                  BenchCluster.limits(2 * DRAINED * SLOTS, SLOTS, SLOTS),
                  pool()))) {
        cluster.startOperator("b3-" + r);
        cluster.awaitPoolReady(Duration.ofSeconds(60));
        ratios.add(drain(cluster, out));
      }
    }
    Stats stats = Stats.of(ratios);
    return List.of(
        new Measure(
            "B3",
            "draining 3 hosts of 60 VMs, maxParallelPerHost 2: makespan ÷ ideal",
            stats.spread("%.3f"),
            "≤ 1.05",
            stats.p50() <= 1.05));
  }

  private static double drain(BenchCluster cluster, PrintStream out) throws Exception {
    List<LiveMigration> batch = new ArrayList<>();
    for (int h = 1; h <= DRAINED; h++) {
      for (int v = 1; v <= VMS_PER_HOST; v++) {
        batch.add(BenchCluster.migration("evacuate-" + h + "-" + v, "vm-" + h + "-" + v));
      }
    }
    cluster.create(batch, 8);
    var ended =
        cluster.awaitEnded(
            batch.stream().map(lm -> lm.getMetadata().getName()).toList(), Duration.ofSeconds(300));
    long firstCreated = Long.MAX_VALUE;
    long lastDone = 0;
    Map<String, List<Long>> bySource = new HashMap<>();
    for (BenchCluster.Seen seen : ended.values()) {
      firstCreated = Math.min(firstCreated, seen.created);
      lastDone = Math.max(lastDone, seen.phases.get(MigrationPhase.Completed));
      MigrationEngine.Ended task = cluster.taskOf(seen);
      bySource
          .computeIfAbsent(task.source(), s -> new ArrayList<>())
          .add(Math.round(cluster.realMillis(task.duration())));
    }
    double makespan = (lastDone - firstCreated) / 1e6;
    long ideal = 0;
    for (List<Long> durations : bySource.values()) {
      ideal = Math.max(ideal, bestSplit(durations));
    }
    double ratio = makespan / ideal;
    out.printf(
        Locale.ROOT,
        "  makespan %.0f ms, ideal %d ms: %.3f; most at once per drained host %s%n",
        makespan,
        ideal,
        ratio,
        cluster.simulator.engine().peakBySourceHost());
    return ratio;
  }

  /**
   * The shortest time two slots need for these tasks: the split of their durations whose larger
   * half is smallest (exact, by the sums reachable with some of them).
   */
  static long bestSplit(List<Long> millis) {
    long total = millis.stream().mapToLong(Long::longValue).sum();
    boolean[] reachable = new boolean[(int) total + 1];
    reachable[0] = true;
    for (long d : millis) {
      for (int s = (int) total; s >= d; s--) {
        reachable[s] |= reachable[(int) (s - d)];
      }
    }
    long best = total;
    for (int s = 0; s <= total; s++) {
      if (reachable[s]) {
        best = Math.min(best, Math.max(s, total - s));
      }
    }
    return best;
  }
}
