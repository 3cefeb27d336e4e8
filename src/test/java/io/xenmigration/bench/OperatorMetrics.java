package io.xenmigration.bench;

import java.time.Duration;

/** What the operator's Prometheus metrics say about its work. */
final class OperatorMetrics {

  private OperatorMetrics() {}

  /** Reconciles of LiveMigrations finished so far, successful or not. */
  static double reconciles(String metrics) {
    double sum = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(RECONCILES) && line.contains("livemigration")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  static final String RECONCILES = "operator_sdk_reconciliations_executions_total";

  /** Waits until the operator has reconciled at least {@code count} LiveMigrations. */
  static void awaitReconciled(OperatorProcess operator, int count, Duration limit)
      throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    double seen = -1;
    while (System.nanoTime() < deadline) {
      if (!operator.alive()) {
        throw new IllegalStateException("the operator died; see " + operator.log());
      }
      try {
        seen = reconciles(operator.metrics());
        if (seen >= count) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // the HTTP server is not up yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "the operator reconciled " + seen + " of " + count + " LiveMigrations in " + limit);
  }
}
