package io.xenmigration.bench;

import io.xenmigration.migration.MigrationCallCount;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The benchmark suite: B1 to B7 against the packaged operator, the embedded API and the simulator,
 * ending with one table. Its output is also written to {@code target/bench/suite-<time>.txt}.
 *
 * <pre>
 * ./mvnw -B -Pbench verify                        # the whole suite
 * ./mvnw -B -Pbench verify -Dbench.only=B1,B6     # some of it
 * </pre>
 */
public final class BenchSuite {

  private BenchSuite() {}

  public static void main(String[] args) {
    int code = 0;
    try {
      run(args);
    } catch (Exception | AssertionError e) {
      e.printStackTrace();
      code = 1;
    }
    // The embedded API's and simulator's non-daemon threads may linger; the suite is done.
    System.exit(code);
  }

  private static void run(String[] args) throws Exception {
    Path jar = Path.of(args.length > 0 ? args[0] : "target/quarkus-app/quarkus-run.jar");
    Path crds = Path.of(args.length > 1 ? args[1] : "deploy/crds");
    String only = System.getProperty("bench.only", "");
    Path logDir = Path.of("target", "bench");
    Files.createDirectories(logDir);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no operator at " + jar + "; run ./mvnw -B -Pbench verify");
    }
    Path report = logDir.resolve("suite-" + Instant.now().toString().replace(':', '-') + ".txt");
    try (OutputStream file = new FileOutputStream(report.toFile());
        PrintStream out =
            new PrintStream(new Tee(System.out, file), true, StandardCharsets.UTF_8)) {
      Set<String> chosen =
          only.isBlank()
              ? Set.of("B1", "B2", "B3", "B4", "B5", "B6", "B7")
              : Set.copyOf(Arrays.asList(only.toUpperCase(Locale.ROOT).split("\\s*,\\s*")));
      out.printf(
          Locale.ROOT,
          "Benchmark suite, %s: %d cores, %d MiB memory, Java %s (%s)%n%n",
          Instant.now(),
          Runtime.getRuntime().availableProcessors(),
          totalMemoryMiB(),
          System.getProperty("java.version"),
          System.getProperty("java.vm.name"));
      BenchPaths paths = new BenchPaths(jar, crds, logDir);
      long start = System.nanoTime();
      List<Measure> table = new ArrayList<>();
      if (chosen.contains("B1") || chosen.contains("B4")) {
        table.addAll(OverheadBench.run(paths, out));
      }
      if (chosen.contains("B2")) {
        table.addAll(ThroughputBench.run(paths, out));
      }
      if (chosen.contains("B3")) {
        table.addAll(DrainBench.run(paths, out));
      }
      if (chosen.contains("B4")) {
        table.add(callCounts(out));
      }
      if (chosen.contains("B5")) {
        table.add(placement(out));
      }
      if (chosen.contains("B7")) {
        table.addAll(MaintenanceBench.run(paths, out));
      }
      if (chosen.contains("B6")) {
        table.addAll(StartupBench.run(paths, out));
      }
      out.printf(Locale.ROOT, "%n| # | measure | result | goal | met |%n|---|---|---|---|---|%n");
      table.stream()
          .sorted(java.util.Comparator.comparing(Measure::id))
          .forEach(
              m ->
                  out.printf(
                      "| %s | %s | %s | %s | %s |%n",
                      m.id(), m.measure(), m.result(), m.goal(), m.met() ? "yes" : "NO"));
      out.printf(
          Locale.ROOT,
          "%nSuite took %.0f s; output kept in %s%n",
          (System.nanoTime() - start) / 1e9,
          report);
    }
  }

  /** B4: the deterministic call counts, as MigrationCallBudgetTest asserts them. */
  private static Measure callCounts(PrintStream out) throws Exception {
    var pool = MigrationCallCount.poolMigrate();
    var storage = MigrationCallCount.storageMigrate();
    var cross = MigrationCallCount.crossPoolMigrate();
    out.printf(
        "B4 calls: PoolMigrate %d %s%n  StorageMigrate %d %s%n  CrossPoolMigrate %d %s%n",
        pool.total(), pool.calls(), storage.total(), storage.calls(), cross.total(), cross.calls());
    return new Measure(
        "B4",
        "XenAPI calls per migration (simulator's call log, progress reads left out)",
        String.format(
            "PoolMigrate %d, StorageMigrate %d, CrossPoolMigrate %d",
            pool.total(), storage.total(), cross.total()),
        "PoolMigrate ≤ " + MigrationCallCount.POOL_MIGRATE_BUDGET,
        pool.total() <= MigrationCallCount.POOL_MIGRATE_BUDGET);
  }

  /** B5: the scheduler alone. */
  private static Measure placement(PrintStream out) {
    Stats hundred = SchedulerBench.measure(100);
    Stats thousand = SchedulerBench.measure(1_000);
    Stats tenThousand = SchedulerBench.measure(10_000);
    out.printf(
        Locale.ROOT,
        "B5: placement p50/p95/p99 ms: 100 hosts %.3f/%.3f/%.3f, 1,000 %.3f/%.3f/%.3f, 10,000 %.3f/%.3f/%.3f%n",
        hundred.p50(),
        hundred.p95(),
        hundred.p99(),
        thousand.p50(),
        thousand.p95(),
        thousand.p99(),
        tenThousand.p50(),
        tenThousand.p95(),
        tenThousand.p99());
    return new Measure(
        "B5",
        "scheduler placement time, p50",
        String.format(
            Locale.ROOT,
            "100 hosts %.3f ms; 1,000 %.3f ms; 10,000 %.2f ms",
            hundred.p50(),
            thousand.p50(),
            tenThousand.p50()),
        "< 1 ms, < 2 ms, < 10 ms",
        hundred.p50() < 1 && thousand.p50() < 2 && tenThousand.p50() < 10);
  }

  private static long totalMemoryMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
      }
    } catch (java.io.IOException e) {
      // not Linux: leave it out
    }
    return -1;
  }

  /** Writes to two streams. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws java.io.IOException {
      a.write(bytes, off, len);
      b.write(bytes, off, len);
    }

    @Override
    public void flush() throws java.io.IOException {
      a.flush();
      b.flush();
    }
  }
}
