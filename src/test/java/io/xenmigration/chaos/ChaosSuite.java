package io.xenmigration.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The chaos suite: {@code schedules} schedules drawn from one seed, each run on a fresh cluster,
 * with the totals at the end. Exits with 1 when any invariant broke, naming the seeds that replay
 * the failing schedules.
 *
 * <p>{@code ./mvnw -B -Pchaos verify -Dchaos.schedules=200 -Dchaos.seed=42}; {@code
 * -Dchaos.replay=SEED} runs the one schedule of that seed; {@code -Dchaos.from=N} goes on with a
 * stopped run from its Nth schedule.
 */
public final class ChaosSuite {

  private ChaosSuite() {}

  /** Totals over a run. */
  record Totals(
      int schedules,
      int migrations,
      int kills,
      int stalls,
      int apiFaults,
      int poolFaults,
      int violations,
      List<Long> failingSeeds) {}

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    int schedules = Integer.getInteger("chaos.schedules", 200);
    int from = Integer.getInteger("chaos.from", 1);
    long seed = Long.getLong("chaos.seed", 1L);
    String replay = System.getProperty("chaos.replay", "");
    Path logs = Path.of(System.getProperty("chaos.logs", "target/chaos"));
    Totals totals =
        run(
            jar,
            logs,
            replay.isBlank() ? seed : null,
            replay.isBlank() ? from : 1,
            replay.isBlank() ? schedules : 1,
            replay.isBlank() ? null : Long.parseLong(replay));
    System.exit(totals.violations() == 0 ? 0 : 1);
  }

  /**
   * Runs the schedules of a run seed (or the one schedule a replay seed names), printing a line per
   * schedule, the details of each failing one, and the totals. {@code from} (counted from 1) goes
   * on with a run that was stopped: its schedules are the same as in one run from the first.
   */
  static Totals run(Path jar, Path logs, Long runSeed, int from, int schedules, Long replay)
      throws Exception {
    Files.createDirectories(logs);
    ChaosRun runner = new ChaosRun(jar, logs);
    int migrations = 0;
    int kills = 0;
    int stalls = 0;
    int apiFaults = 0;
    int poolFaults = 0;
    int violations = 0;
    List<Long> failing = new ArrayList<>();
    Instant began = Instant.now();
    System.out.println(
        "chaos: "
            + (replay != null
                ? "replaying seed " + replay
                : schedules
                    + " schedules, run seed "
                    + runSeed
                    + (from > 1 ? ", from schedule " + from : ""))
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores, started "
            + began);
    int ran = 0;
    for (int i = from - 1; i < schedules; i++) {
      ran++;
      ChaosPlan plan = replay != null ? ChaosPlan.of(replay) : ChaosPlan.draw(runSeed, i);
      ChaosRun.Result result = runner.run(plan);
      System.out.println("[" + (i + 1) + "/" + schedules + "] " + result.line());
      if (!result.violations().isEmpty()) {
        failing.add(result.seed());
        result.violations().forEach(v -> System.out.println("  VIOLATION " + v));
        System.out.println(result.details());
        System.out.println("  replay: ./mvnw -B -Pchaos verify -Dchaos.replay=" + result.seed());
      }
      migrations += result.migrations();
      kills += result.kills();
      stalls += result.stalls();
      apiFaults += result.apiFaults();
      poolFaults += result.poolFaults();
      violations += result.violations().size();
    }
    Totals totals =
        new Totals(ran, migrations, kills, stalls, apiFaults, poolFaults, violations, failing);
    System.out.println(
        String.format(
            "chaos totals: %d schedules, %d migrations, %d operator kills, %d leader stalls,"
                + " %d API faults, %d pool faults, %d violations%s; %d min",
            ran,
            migrations,
            kills,
            stalls,
            apiFaults,
            poolFaults,
            violations,
            failing.isEmpty() ? "" : " (seeds " + failing + ")",
            Duration.between(began, Instant.now()).toMinutes()));
    return totals;
  }
}
