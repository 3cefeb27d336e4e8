package io.xenmigration.bench;

import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.testing.OperatorProcess;
import io.xenmigration.xapisim.api.CallLog;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * B1, and the progress half of B4: what the control plane adds to each migration (creation to
 * Completed as a watching client sees it, minus the simulated task's own duration) with 1, 10 and
 * 100 migrations at once, limits high enough never to bind; and how many XenAPI calls following
 * progress costs per progress update the pool reports.
 */
final class OverheadBench {

  private static final long GIB = 1L << 30;
  private static final int HOSTS = 20;
  private static final int VMS = 100;
  private static final int WARM_UP_ROUNDS = Integer.getInteger("bench.warmup", 3);

  /** Simulated seconds per real second: a 2 GiB VM then moves in about a second. */
  static final double TIME_SCALE = 2;

  private final BenchCluster cluster;
  private final PrintStream out;
  private int created;

  private OverheadBench(BenchCluster cluster, PrintStream out) {
    this.cluster = cluster;
    this.out = out;
  }

  static List<Measure> run(BenchPaths paths, PrintStream out) throws Exception {
    try (BenchCluster cluster =
        new BenchCluster(
            new BenchCluster.Settings(
                paths,
                TIME_SCALE,
                BenchCluster.limits(1000, 100, 100),
                BenchCluster.sharedPool(HOSTS, 128 * GIB, VMS, 2 * GIB)))) {
      cluster.startOperator("b1");
      cluster.awaitPoolReady(Duration.ofSeconds(60));
      return new OverheadBench(cluster, out).measure();
    }
  }

  private List<Measure> measure() throws Exception {
    out.printf(
        Locale.ROOT,
        "B1: %d hosts, %d VMs of 2 GiB on shared storage, time scale %.0f%n",
        HOSTS,
        VMS,
        TIME_SCALE);
    // Warm-up, not counted: the JIT compiles the hot paths while these run (start-up is B6).
    for (int i = 0; i < WARM_UP_ROUNDS; i++) {
      round(100);
    }
    CallLog calls = cluster.simulator.calls();
    calls.clear();
    long reportsBefore = cluster.simulator.engine().progressReports();
    List<Double> serial = new ArrayList<>();
    int updates = 0;
    for (int i = 0; i < 20; i++) {
      Result r = round(1);
      serial.addAll(r.overheads);
      updates += r.progressUpdates;
    }
    long followCalls = calls.count("event.from") + calls.count("task.get_record");
    long reports = cluster.simulator.engine().progressReports() - reportsBefore;
    Map<String, Long> byMethod = calls.counts();
    List<Double> ten = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ten.addAll(round(10).overheads);
    }
    List<Double> hundred = new ArrayList<>();
    List<Double> toRunning = new ArrayList<>();
    double operatorCpu = cluster.operator().cpuMillis();
    double benchCpu = OperatorProcess.cpuMillis(ProcessHandle.current().pid());
    long wall = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      Result r = round(100);
      hundred.addAll(r.overheads);
      toRunning.addAll(r.toRunning);
    }
    double wallMillis = (System.nanoTime() - wall) / 1e6;
    operatorCpu = cluster.operator().cpuMillis() - operatorCpu;
    benchCpu = OperatorProcess.cpuMillis(ProcessHandle.current().pid()) - benchCpu;
    Stats one = Stats.of(serial);
    Stats tens = Stats.of(ten);
    Stats hundreds = Stats.of(hundred);
    for (var row : List.of(Map.entry(1, one), Map.entry(10, tens), Map.entry(100, hundreds))) {
      Stats s = row.getValue();
      out.printf(
          Locale.ROOT,
          "  %3d at once: %d migrations, overhead p50 %.1f ms, p95 %.1f ms, p99 %.1f ms (min %.1f, max %.1f)%n",
          row.getKey(),
          s.count(),
          s.p50(),
          s.p95(),
          s.p99(),
          s.min(),
          s.max());
    }
    out.printf(
        Locale.ROOT,
        "  100 at once: creation to Running p50 %.1f ms, p99 %.1f ms%n",
        Stats.of(toRunning).p50(),
        Stats.of(toRunning).p99());
    out.printf(
        Locale.ROOT,
        "  100 at once, CPU per migration: operator %.1f ms, embedded API + simulator + watch %.1f"
            + " ms (%.0f%% of both cores over the %.1f s of the three rounds)%n",
        operatorCpu / 300,
        benchCpu / 300,
        100 * (operatorCpu + benchCpu) / (2 * wallMillis),
        wallMillis / 1000);
    double perUpdate = (double) followCalls / Math.max(1, reports);
    out.printf(
        Locale.ROOT,
        "B4 progress: 20 migrations one at a time; the pool reported progress %d times, the operator"
            + " wrote it %d times and made %d calls following tasks (event.from + task.get_record):"
            + " %.2f per progress report; all calls meanwhile: %s%n",
        reports,
        updates,
        followCalls,
        perUpdate,
        byMethod);
    return List.of(
        new Measure(
            "B1",
            "overhead per migration (creation → Completed minus the task's own time)",
            String.format(
                Locale.ROOT,
                "p50/p95/p99 ms — 1 at once: %.0f/%.0f/%.0f; 10: %.0f/%.0f/%.0f; 100: %.0f/%.0f/%.0f",
                one.p50(),
                one.p95(),
                one.p99(),
                tens.p50(),
                tens.p95(),
                tens.p99(),
                hundreds.p50(),
                hundreds.p95(),
                hundreds.p99()),
            "p50 < 100 ms, p99 < 500 ms at 100",
            hundreds.p50() < 100 && hundreds.p99() < 500),
        new Measure(
            "B4",
            "XenAPI calls to follow progress, per progress update the pool reports",
            String.format(
                Locale.ROOT,
                "%.2f (%d calls for %d reports; %d progress writes)",
                perUpdate,
                followCalls,
                reports,
                updates),
            "≤ 1 per update",
            perUpdate <= 1.0));
  }

  private record Result(List<Double> overheads, List<Double> toRunning, int progressUpdates) {}

  /** Creates {@code n} migrations at once and waits for them all. */
  private Result round(int n) throws Exception {
    List<LiveMigration> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = "b1-" + created;
      batch.add(BenchCluster.migration(name, "vm-" + (created % VMS)));
      created++;
    }
    cluster.create(batch, Math.min(n, 8));
    List<String> names = batch.stream().map(lm -> lm.getMetadata().getName()).toList();
    var ended = cluster.awaitEnded(names, Duration.ofSeconds(120));
    List<Double> overheads = new ArrayList<>();
    List<Double> toRunning = new ArrayList<>();
    int updates = 0;
    for (BenchCluster.Seen seen : ended.values()) {
      double task = cluster.realMillis(cluster.taskOf(seen).duration());
      overheads.add(seen.millisTo(MigrationPhase.Completed) - task);
      if (System.getenv("BENCH_TRACE") != null) {
        out.printf(
            Locale.ROOT,
            "    trace n=%d created-answer %.1f ts %s | Q %.1f P %.1f R %.1f C %.1f task %.1f%n",
            n,
            (seen.createAnswered - seen.created) / 1e6,
            seen.last.getStatus().getPhaseTimestamps().entrySet().stream()
                .map(
                    e ->
                        e.getKey().charAt(0)
                            + "="
                            + (java.time.Instant.parse(e.getValue()).toEpochMilli()
                                - seen.createdWall))
                .toList(),
            seen.millisTo(MigrationPhase.Queued),
            seen.millisTo(MigrationPhase.Preparing),
            seen.millisTo(MigrationPhase.Running),
            seen.millisTo(MigrationPhase.Completed),
            task);
      }
      toRunning.add(seen.millisTo(MigrationPhase.Running));
      updates += seen.progressUpdates;
    }
    return new Result(overheads, toRunning, updates);
  }
}
