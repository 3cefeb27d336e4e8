package io.xenmigration.bench;

import io.xenmigration.testing.OperatorProcess;
import java.time.Duration;

/** What the operator's Prometheus metrics say about its work. */
final class OperatorMetrics {

  private OperatorMetrics() {}

  /** How many Completed LiveMigrations the operator holds in its cache. */
  static double completedKnown(String metrics) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith("migrations_known{") && line.contains("phase=\"Completed\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  /** Waits until the operator holds at least {@code count} Completed LiveMigrations. */
  static void awaitCompletedKnown(OperatorProcess operator, int count, Duration limit)
      throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    double seen = -1;
    while (System.nanoTime() < deadline) {
      if (!operator.alive()) {
        throw new IllegalStateException("the operator died; see " + operator.log());
      }
      try {
        seen = completedKnown(operator.metrics());
        if (seen >= count) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // the HTTP server is not up yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "the operator holds " + seen + " of " + count + " Completed LiveMigrations after " + limit);
  }
}
