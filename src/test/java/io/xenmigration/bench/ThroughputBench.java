package io.xenmigration.bench;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.testing.OperatorProcess;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * B2: how many migrations per second the control plane completes when the hypervisor takes no time
 * (1,000 at once on a 200-host pool, near-zero transfer), and the operator's resident memory once
 * 10,000 finished LiveMigrations sit in its cache.
 */
final class ThroughputBench {

  private static final long MIB = 1L << 20;
  private static final int HOSTS = 200;
  private static final int VMS = 1_000;
  private static final int ROUNDS = 3;
  private static final int FINISHED = 10_000;

  /** At this scale a 256 MiB VM moves in well under a millisecond. */
  static final double TIME_SCALE = 1000;

  private ThroughputBench() {}

  static List<Measure> run(BenchPaths paths, PrintStream out) throws Exception {
    try (BenchCluster cluster =
        new BenchCluster(
            new BenchCluster.Settings(
                paths,
                TIME_SCALE,
                BenchCluster.limits(1000, 100, 100),
                BenchCluster.sharedPool(HOSTS, 64L << 30, VMS, 256 * MIB)))) {
      cluster.startOperator("b2");
      cluster.awaitPoolReady(Duration.ofSeconds(120));
      out.printf(
          Locale.ROOT,
          "B2: %d hosts, %d VMs of 256 MiB, time scale %.0f%n",
          HOSTS,
          VMS,
          TIME_SCALE);
      int created = round(cluster, 0, 100).created; // warm-up, not counted
      cluster.simulator.calls().clear();
      List<Double> rates = new ArrayList<>();
      for (int r = 0; r < ROUNDS; r++) {
        Round round = round(cluster, created, VMS);
        created += round.created;
        rates.add(round.perSecond);
        out.printf(
            Locale.ROOT,
            "  round %d: %d completed in %.2f s: %.1f/s (created over %.2f s);"
                + " CPU per migration: operator %.1f ms, API, simulator and watch %.1f ms%n",
            r + 1,
            VMS,
            round.seconds,
            round.perSecond,
            round.creationSeconds,
            round.operatorCpuMillis / VMS,
            round.suiteCpuMillis / VMS);
      }
      out.printf(
          Locale.ROOT,
          "  XenAPI calls for %,d migrations: %s%n",
          ROUNDS * VMS,
          new java.util.TreeMap<>(cluster.simulator.calls().counts()));
      OperatorProcess.Memory busy = cluster.operator().memory();
      out.printf(
          Locale.ROOT,
          "  operator RSS after the rounds (%,d objects): %.0f MiB, peak %.0f MiB%n",
          created,
          busy.rssMiB(),
          busy.peakMiB());
      cluster.stopOperator();
      int finished = fill(cluster, FINISHED);
      OperatorProcess restarted = cluster.startOperator("b2-restart");
      long start = System.nanoTime();
      OperatorMetrics.awaitCompletedKnown(restarted, finished, Duration.ofSeconds(120));
      double settle = (System.nanoTime() - start) / 1e9;
      restarted.collectGarbage();
      OperatorProcess.Memory full = restarted.memory();
      out.printf(
          Locale.ROOT,
          "  restarted with %,d finished LiveMigrations: all in its cache %.1f s after start;"
              + " RSS after a full GC %.0f MiB, peak %.0f MiB%n",
          finished,
          settle,
          full.rssMiB(),
          full.peakMiB());
      Stats stats = Stats.of(rates);
      return List.of(
          new Measure(
              "B2",
              "throughput: 1,000 migrations at once, 200 hosts, near-zero transfer",
              String.format(Locale.ROOT, "%s completed/s", stats.spread("%.0f")),
              "≥ 50/s",
              stats.p50() >= 50),
          new Measure(
              "B2",
              "operator memory with "
                  + String.format(Locale.ROOT, "%,d", finished)
                  + " finished objects",
              String.format(
                  Locale.ROOT,
                  "RSS %.0f MiB after GC, peak %.0f MiB (heap %s)",
                  full.rssMiB(),
                  full.peakMiB(),
                  OperatorProcess.HEAP),
              "RSS < 512 MiB",
              full.peakMiB() < 512));
    }
  }

  /**
   * One round: how many were created, how long they took, and the CPU the operator and this process
   * (the embedded API, the simulator, the watch and the creating clients) used meanwhile.
   */
  private record Round(
      int created,
      double seconds,
      double perSecond,
      double creationSeconds,
      double operatorCpuMillis,
      double suiteCpuMillis) {}

  /**
   * Migrates {@code n} VMs at once; the rate runs from the first creation to the last Completed.
   */
  private static Round round(BenchCluster cluster, int first, int n) throws Exception {
    List<LiveMigration> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(BenchCluster.migration("b2-" + (first + i), "vm-" + i));
    }
    long suite = ProcessHandle.current().pid();
    double operatorCpu = cluster.operator().cpuMillis();
    double suiteCpu = OperatorProcess.cpuMillis(suite);
    cluster.create(batch, 8);
    var ended =
        cluster.awaitEnded(
            batch.stream().map(lm -> lm.getMetadata().getName()).toList(), Duration.ofSeconds(300));
    long firstCreated = Long.MAX_VALUE;
    long lastCreated = 0;
    long lastDone = 0;
    for (BenchCluster.Seen seen : ended.values()) {
      firstCreated = Math.min(firstCreated, seen.created);
      lastCreated = Math.max(lastCreated, seen.created);
      lastDone = Math.max(lastDone, seen.phases.get(MigrationPhase.Completed));
    }
    double seconds = (lastDone - firstCreated) / 1e9;
    return new Round(
        n,
        seconds,
        n / seconds,
        (lastCreated - firstCreated) / 1e9,
        cluster.operator().cpuMillis() - operatorCpu,
        OperatorProcess.cpuMillis(suite) - suiteCpu);
  }

  /**
   * Adds copies of a finished migration, as the operator left it (finalizer and Completed status),
   * until the namespace holds {@code total}; the operator is stopped meanwhile. Returns how many
   * there are.
   */
  private static int fill(BenchCluster cluster, int total) throws Exception {
    var resources =
        cluster.client.resources(LiveMigration.class).inNamespace(BenchCluster.NAMESPACE);
    List<LiveMigration> existing = resources.list().getItems();
    LiveMigration template =
        existing.stream()
            .filter(lm -> lm.getStatus().getPhase() == MigrationPhase.Completed)
            .findFirst()
            .orElseThrow();
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = existing.size(); i < total; i++) {
        String name = "b2-finished-" + i;
        done.add(
            threads.submit(
                () -> {
                  LiveMigration copy = Serialization.clone(template);
                  copy.setMetadata(
                      new ObjectMetaBuilder()
                          .withName(name)
                          .withNamespace(BenchCluster.NAMESPACE)
                          .withFinalizers(template.getMetadata().getFinalizers())
                          .build());
                  LiveMigration made = resources.resource(copy).create();
                  made.setStatus(template.getStatus());
                  resources.resource(made).patchStatus();
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      threads.shutdown();
    }
    return resources.list().getItems().size();
  }
}
