package io.xenmigration.chaos;

import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.testing.OperatorProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Runs one chaos schedule: the cluster, the migrations, the faults at their instants, then the
 * healing and the wait for every migration to end, and the invariants.
 */
final class ChaosRun {

  /** How long migrations may take to end once the faults stopped. */
  static final Duration SETTLE = Duration.ofSeconds(150);

  /** What one schedule did and what it broke. */
  record Result(
      long seed,
      int migrations,
      int kills,
      int stalls,
      int apiFaults,
      int poolFaults,
      Map<String, Long> phases,
      List<String> violations,
      Duration took,
      String details) {

    String line() {
      return String.format(
          "seed %d: %d migrations %s, %d kills, %d stalls, %d API faults, %d pool faults,"
              + " %.0f s: %s",
          seed,
          migrations,
          phases,
          kills,
          stalls,
          apiFaults,
          poolFaults,
          took.toMillis() / 1000.0,
          violations.isEmpty() ? "ok" : violations.size() + " VIOLATIONS");
    }
  }

  private final Path jar;
  private final Path logs;

  ChaosRun(Path jar, Path logs) {
    this.jar = jar;
    this.logs = logs;
  }

  Result run(ChaosPlan plan) throws Exception {
    long began = System.nanoTime();
    AtomicInteger kills = new AtomicInteger();
    AtomicInteger stalls = new AtomicInteger();
    AtomicInteger poolFaults = new AtomicInteger();
    Set<String> deleted = ConcurrentHashMap.newKeySet();
    List<String> errors = new ArrayList<>();
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    try (ChaosCluster cluster = new ChaosCluster(jar, logs.resolve("seed-" + plan.seed()))) {
      Invariants invariants = new Invariants(cluster, deleted);
      cluster.replaceDead();
      cluster.api.awaitPoolReady(ChaosCluster.NAMESPACE, "pool-a", Duration.ofSeconds(90));
      cluster.api.awaitPoolReady(ChaosCluster.NAMESPACE, "pool-b", Duration.ofSeconds(90));
      // A Deployment's restarts: a dead replica is replaced within half a second.
      timer.scheduleWithFixedDelay(
          () -> {
            try {
              cluster.replaceDead();
            } catch (Exception e) {
              errors.add("replacing a replica: " + e);
            }
          },
          500,
          500,
          TimeUnit.MILLISECONDS);
      if (plan.statusFaultRate() > 0) {
        cluster
            .api
            .faults()
            .failStatusWritesAtRandom(new java.util.Random(plan.seed()), plan.statusFaultRate());
      }
      for (ChaosPlan.Move move : plan.moves()) {
        invariants.named(move.name(), move.vm());
        cluster.createMigration(move);
      }
      long start = System.nanoTime();
      for (ChaosPlan.Fault fault : plan.faults()) {
        long wait = fault.at().toNanos() - (System.nanoTime() - start);
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        try {
          apply(cluster, fault, timer, kills, stalls, poolFaults, deleted);
        } catch (RuntimeException e) {
          // A fault that could not strike (its migration deleted, say) is no finding.
          errors.add(fault + ": " + e.getMessage());
        }
      }
      long rest = ChaosPlan.FAULT_WINDOW.toNanos() - (System.nanoTime() - start);
      if (rest > 0) {
        TimeUnit.NANOSECONDS.sleep(rest);
      }
      cluster.heal();
      cluster.replaceDead();
      List<LiveMigration> ended = awaitEnded(cluster);
      if (ended != null) {
        awaitTasksGone(cluster);
      }
      List<String> violations = new ArrayList<>();
      if (ended == null) {
        invariants.notEnded(cluster.migrations());
      }
      violations.addAll(invariants.check());
      List<LiveMigration> all = cluster.migrations();
      Map<String, Long> phases =
          new TreeMap<>(
              all.stream()
                  .collect(
                      Collectors.groupingBy(
                          m ->
                              String.valueOf(
                                  m.getStatus() == null ? null : m.getStatus().getPhase()),
                          Collectors.counting())));
      if (!deleted.isEmpty()) {
        phases.put("deleted", (long) deleted.size());
      }
      String details =
          "faults:\n  "
              + plan.faults().stream().map(Object::toString).collect(Collectors.joining("\n  "))
              + "\nmigrations:\n"
              + Invariants.describe(all)
              + (errors.isEmpty() ? "" : "not struck:\n  " + String.join("\n  ", errors) + "\n");
      return new Result(
          plan.seed(),
          plan.moves().size(),
          kills.get(),
          stalls.get(),
          cluster.api.faults().injected(),
          poolFaults.get(),
          phases,
          violations,
          Duration.ofNanos(System.nanoTime() - began),
          details);
    } finally {
      timer.shutdownNow();
    }
  }

  private static void apply(
      ChaosCluster cluster,
      ChaosPlan.Fault fault,
      ScheduledExecutorService timer,
      AtomicInteger kills,
      AtomicInteger stalls,
      AtomicInteger poolFaults,
      Set<String> deleted) {
    switch (fault.kind()) {
      case KILL_LEADER -> {
        OperatorProcess leader = awaitLeader(cluster);
        if (leader != null) {
          leader.kill();
          kills.incrementAndGet();
        }
      }
      case KILL_STANDBY -> {
        OperatorProcess standby = cluster.standby();
        if (standby != null) {
          standby.kill();
          kills.incrementAndGet();
        }
      }
      case STALL_LEADER -> {
        OperatorProcess leader = awaitLeader(cluster);
        if (leader != null) {
          leader.pause();
          stalls.incrementAndGet();
          timer.schedule(leader::resume, fault.lasting().toMillis(), TimeUnit.MILLISECONDS);
        }
      }
      case CANCEL ->
          cluster
              .client
              .resources(LiveMigration.class)
              .inNamespace(ChaosCluster.NAMESPACE)
              .withName(fault.target())
              .edit(
                  lm -> {
                    lm.getSpec().setCancel(true);
                    return lm;
                  });
      case DELETE -> {
        cluster
            .client
            .resources(LiveMigration.class)
            .inNamespace(ChaosCluster.NAMESPACE)
            .withName(fault.target())
            .delete();
        deleted.add(fault.target());
      }
      case LABEL_MIGRATION ->
          cluster
              .client
              .resources(LiveMigration.class)
              .inNamespace(ChaosCluster.NAMESPACE)
              .withName(fault.target())
              .edit(
                  lm -> {
                    if (lm.getMetadata().getLabels() == null) {
                      lm.getMetadata().setLabels(new java.util.LinkedHashMap<>());
                    }
                    lm.getMetadata().getLabels().put("chaos/touched", "yes");
                    return lm;
                  });
      case LABEL_POOL -> cluster.labelPool(fault.target(), "t" + fault.at().toMillis());
      case FAIL_MIGRATION -> {
        cluster
            .simulator
            .faults()
            .failMigration(fault.target(), fault.progress(), "VM_MIGRATE_FAILED", "injected");
        poolFaults.incrementAndGet();
      }
      case FAIL_CALL -> {
        String[] parts = fault.target().split(" ");
        cluster.simulator.faults().failCalls(parts[0], 1, parts[1]);
        poolFaults.incrementAndGet();
      }
      case HOST_OFFLINE -> {
        cluster.simulator.setHostLive("pool-a", fault.target(), false);
        poolFaults.incrementAndGet();
        timer.schedule(
            () -> cluster.simulator.setHostLive("pool-a", fault.target(), true),
            fault.lasting().toMillis(),
            TimeUnit.MILLISECONDS);
      }
      case EXPIRE_SESSIONS -> {
        cluster.simulator.expireSessions(fault.target());
        poolFaults.incrementAndGet();
      }
      case HTTP_ERRORS -> {
        cluster.simulator.faults().failHttp(3);
        poolFaults.incrementAndGet();
      }
      case CONNECTION_RESETS -> {
        cluster.simulator.faults().resetConnections(3);
        poolFaults.incrementAndGet();
      }
      case LATENCY -> {
        cluster.simulator.faults().addLatency(null, Duration.ofMillis(300));
        poolFaults.incrementAndGet();
        timer.schedule(
            () -> cluster.simulator.faults().clearLatency(),
            fault.lasting().toMillis(),
            TimeUnit.MILLISECONDS);
      }
    }
  }

  /**
   * The live leader, waited for while a Lease taken over from a killed one runs out (a few
   * seconds): a fault meant for the leader strikes the next one rather than nobody.
   */
  private static OperatorProcess awaitLeader(ChaosCluster cluster) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    OperatorProcess leader = cluster.leader();
    while (leader == null && System.nanoTime() < deadline) {
      try {
        TimeUnit.MILLISECONDS.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      leader = cluster.leader();
    }
    return leader;
  }

  /** The migrations once all have ended, or null when some had not within {@link #SETTLE}. */
  private static List<LiveMigration> awaitEnded(ChaosCluster cluster) throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (System.nanoTime() < deadline) {
      List<LiveMigration> all = cluster.migrations();
      if (all.stream()
          .allMatch(
              m ->
                  m.getStatus() != null
                      && m.getStatus().getPhase() != null
                      && m.getStatus().getPhase().isTerminal()
                      && (m.getMetadata().getFinalizers() == null
                          || m.getMetadata().getDeletionTimestamp() == null))) {
        return all;
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
    return null;
  }

  /** Gives the replicas a moment to forget the tasks of migrations that just ended. */
  private static void awaitTasksGone(ChaosCluster cluster) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      boolean none =
          cluster.simulator.inWorld(
              w ->
                  List.of("pool-a", "pool-b").stream()
                      .allMatch(
                          p ->
                              w
                                  .pool(p)
                                  .<io.xenmigration.xapisim.model.SimTask>all(
                                      io.xenmigration.xapisim.model.XClass.TASK)
                                  .stream()
                                  .noneMatch(io.xenmigration.xapisim.model.SimTask::pending)));
      if (none) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
  }

  static MigrationPhase phaseOf(LiveMigration lm) {
    return lm.getStatus() == null ? null : lm.getStatus().getPhase();
  }
}
