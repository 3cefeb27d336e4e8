package io.xenmigration.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The bounded chaos run of every build: a few schedules of the full suite (kills, a leader stall,
 * API and pool faults) against the packaged operator, failing on any broken invariant with the
 * seeds that replay it. {@code -Dchaos.seed} draws other schedules; the full run is {@code ./mvnw
 * -B -Pchaos verify}.
 */
class ChaosE2E {

  /** A run seed whose first schedules hold a leader stall as well as kills. */
  static final long SEED = 3;

  static final int SCHEDULES = 3;

  @Test
  void aFewSchedulesOfKillsStallsAndFaultsBreakNoInvariant() throws Exception {
    long seed = Long.getLong("chaos.seed", SEED);
    ChaosSuite.Totals totals =
        ChaosSuite.run(
            io.xenmigration.testing.OperatorProcess.packagedJar(),
            Path.of("target", "chaos"),
            seed,
            1,
            Integer.getInteger("chaos.schedules", SCHEDULES),
            null);
    assertThat(totals.violations())
        .as("invariants broken; replay with -Dchaos.replay= one of %s", totals.failingSeeds())
        .isZero();
    assertThat(totals.kills()).as("operator kills").isPositive();
    assertThat(totals.migrations()).isPositive();
  }
}
