package io.xenmigration.bench;

import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.testing.OperatorProcess;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * B6: from starting the operator's JVM to its first reconcile, seen from outside as the first
 * status written on a LiveMigration that was waiting before the process started. Five starts, each
 * a new process.
 */
final class StartupBench {

  private static final long GIB = 1L << 30;
  private static final int STARTS = 5;

  private StartupBench() {}

  static List<Measure> run(BenchPaths paths, PrintStream out) throws Exception {
    List<Double> firstReconcile = new ArrayList<>();
    List<Double> reported = new ArrayList<>();
    try (BenchCluster cluster =
        new BenchCluster(
            new BenchCluster.Settings(
                paths,
                20,
                BenchCluster.limits(5, 2, 2),
                BenchCluster.sharedPool(4, 64 * GIB, 8, GIB)))) {
      for (int i = 0; i < STARTS; i++) {
        String name = "b6-" + i;
        cluster.create(List.of(BenchCluster.migration(name, "vm-" + i)), 1);
        OperatorProcess operator = cluster.startOperator("b6-" + i);
        // Ended here means fully migrated: the next start then finds a quiet pool.
        BenchCluster.Seen seen =
            cluster.awaitEnded(List.of(name), Duration.ofSeconds(60)).get(name);
        double millis = (seen.phases.get(MigrationPhase.Queued) - operator.startNanos) / 1e6;
        firstReconcile.add(millis);
        reported.add(operator.reportedStartSeconds() * 1000);
        cluster.stopOperator();
      }
    }
    Stats first = Stats.of(firstReconcile);
    Stats quarkus = Stats.of(reported);
    out.printf(
        Locale.ROOT,
        "B6: %d starts, process start → first reconcile %s ms; Quarkus's own \"started in\" %s ms%n",
        STARTS,
        first.spread("%.0f"),
        quarkus.spread("%.0f"));
    return List.of(
        new Measure(
            "B6",
            "start-up: process start → first reconcile (JVM, " + OperatorProcess.HEAP + ")",
            String.format(Locale.ROOT, "%s ms", first.spread("%.0f")),
            "< 3 s",
            first.p50() < 3000));
  }
}
