package io.xenmigration.chaos;

import io.fabric8.kubernetes.api.model.Event;
import io.xenmigration.api.v1alpha1.Leftover;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationAttempt;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.sandbox.LeaseHistory;
import io.xenmigration.xapisim.api.CallLog;
import io.xenmigration.xapisim.engine.MigrationEngine;
import io.xenmigration.xapisim.model.SimSession;
import io.xenmigration.xapisim.model.SimTask;
import io.xenmigration.xapisim.model.SimVdi;
import io.xenmigration.xapisim.model.SimVm;
import io.xenmigration.xapisim.model.SimWorld;
import io.xenmigration.xapisim.model.XClass;
import io.xenmigration.xen.PoolWrites;
import io.xenmigration.xen.TaskTag;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The invariants a chaos schedule must keep, each checked against what the pools, the API and the
 * Lease history recorded (never against what the operator says of itself alone); each broken one is
 * a line saying which and how.
 */
final class Invariants {

  private static final String ORIGINATOR = "xen-migration-operator/";

  private final ChaosCluster cluster;
  private final Set<String> deleted;
  private final List<String> violations = new ArrayList<>();

  Invariants(ChaosCluster cluster, Set<String> deleted) {
    this.cluster = cluster;
    this.deleted = deleted;
  }

  /** Every invariant, after the schedule's faults stopped and its migrations ended. */
  List<String> check() {
    List<LiveMigration> migrations = cluster.migrations();
    List<MigrationEngine.Ended> moves = cluster.simulator.engine().history();
    oneStartPerAttempt(migrations, moves);
    everyVmRunsOnceWhereItsPhaseSays(migrations, moves);
    noForeignDiskDestroyed(migrations);
    noTaskOrSessionLeft();
    limitsHeld();
    onlyTheLeaderWrote();
    return violations;
  }

  /** 7: every LiveMigration ended once the faults stopped; called when waiting gave up. */
  void notEnded(List<LiveMigration> migrations) {
    for (LiveMigration lm : migrations) {
      MigrationPhase phase = lm.getStatus() == null ? null : lm.getStatus().getPhase();
      if (phase == null || !phase.isTerminal()) {
        violations.add(
            "7 not ended: "
                + lm.getMetadata().getName()
                + " is "
                + phase
                + (lm.getStatus() == null ? "" : " (" + lm.getStatus().getReason() + ")"));
      }
    }
  }

  /** 1: at most one migrate call per attempt, and per VM no more than its attempts. */
  private void oneStartPerAttempt(
      List<LiveMigration> migrations, List<MigrationEngine.Ended> moves) {
    Map<String, Long> perAttempt =
        moves.stream()
            .map(m -> m.taskOtherConfig().get(TaskTag.KEY))
            .filter(tag -> tag != null)
            .map(Invariants::attemptOf)
            .collect(Collectors.groupingBy(a -> a, Collectors.counting()));
    perAttempt.forEach(
        (attempt, count) -> {
          if (count > 1) {
            violations.add("1 started " + count + " times: attempt " + attempt);
          }
        });
    Map<String, Long> perVm =
        moves.stream()
            .collect(Collectors.groupingBy(MigrationEngine.Ended::vm, Collectors.counting()));
    Map<String, Integer> attempts = new HashMap<>();
    Set<String> vmsOfDeleted = new java.util.HashSet<>();
    for (LiveMigration lm : migrations) {
      attempts.merge(lm.getSpec().getVm(), attemptsOf(lm.getStatus()), Integer::sum);
    }
    for (String name : deleted) {
      vmsOfDeleted.add(vmOf(name));
    }
    perVm.forEach(
        (vm, count) -> {
          if (!vmsOfDeleted.contains(vm) && count > attempts.getOrDefault(vm, 0)) {
            violations.add(
                "1 "
                    + vm
                    + " was migrated "
                    + count
                    + " times for "
                    + attempts.getOrDefault(vm, 0)
                    + " attempts");
          }
        });
  }

  private final Map<String, String> vmByMigration = new HashMap<>();

  /** Notes which VM a migration named, so that a deleted one is still known. */
  void named(String migration, String vm) {
    vmByMigration.put(migration, vm);
  }

  private String vmOf(String migration) {
    return vmByMigration.get(migration);
  }

  private static String attemptOf(String tag) {
    String[] parts = tag.split("/");
    return parts.length >= 2 ? parts[0] + "/" + parts[1] : tag;
  }

  private static int attemptsOf(LiveMigrationStatus status) {
    return status == null || status.getAttempts() == null ? 0 : status.getAttempts().size();
  }

  /**
   * 2: every VM runs on exactly one host; a Completed migration's VM is on its destination (unless
   * a later one moved it on), and a VM no migration completed for is where it began.
   */
  private void everyVmRunsOnceWhereItsPhaseSays(
      List<LiveMigration> migrations, List<MigrationEngine.Ended> moves) {
    Map<String, List<String>> where =
        cluster.simulator.inWorld(
            w -> {
              Map<String, List<String>> found = new LinkedHashMap<>();
              for (String pool : List.of("pool-a", "pool-b")) {
                for (SimVm vm : w.pool(pool).<SimVm>all(XClass.VM)) {
                  if (vm.isATemplate || vm.isControlDomain || vm.isASnapshot) {
                    continue;
                  }
                  found
                      .computeIfAbsent(vm.nameLabel, k -> new ArrayList<>())
                      .add(
                          vm.powerState
                              + "@"
                              + (vm.residentOn == null ? "nowhere" : vm.residentOn.nameLabel));
                }
              }
              return found;
            });
    for (String vm : cluster.startedOn.keySet()) {
      List<String> copies = where.getOrDefault(vm, List.of());
      if (copies.size() != 1 || !copies.get(0).startsWith("Running@")) {
        violations.add("2 " + vm + " is " + copies + ", not Running on one host");
      }
    }
    Map<String, String> lastSuccess = new HashMap<>();
    moves.stream()
        .filter(m -> m.outcome().equals("success"))
        .sorted(Comparator.comparing(MigrationEngine.Ended::ended))
        .forEach(m -> lastSuccess.put(m.vm(), m.destination()));
    for (String vm : cluster.startedOn.keySet()) {
      String expected = lastSuccess.getOrDefault(vm, cluster.startedOn.get(vm));
      List<String> copies = where.getOrDefault(vm, List.of());
      if (copies.size() == 1 && !copies.get(0).equals("Running@" + expected)) {
        violations.add("2 " + vm + " is " + copies.get(0) + "; the pool moved it to " + expected);
      }
    }
    for (LiveMigration lm : migrations) {
      LiveMigrationStatus status = lm.getStatus();
      if (status == null || status.getPhase() == null) {
        continue;
      }
      String vm = lm.getSpec().getVm();
      List<String> copies = where.getOrDefault(vm, List.of());
      String at = copies.size() == 1 ? copies.get(0).substring("Running@".length()) : null;
      long succeeded =
          moves.stream()
              .filter(m -> m.outcome().equals("success") && m.vm().equals(vm))
              .filter(m -> taggedFor(m, lm))
              .count();
      if (status.getPhase() == MigrationPhase.Completed) {
        if (succeeded == 0 && !movedUntagged(moves, vm)) {
          violations.add(
              "2 "
                  + lm.getMetadata().getName()
                  + " is Completed but no move of "
                  + vm
                  + " succeeded");
        }
        if (lastSuccess.containsKey(vm)
            && at != null
            && status.getDestinationHost() != null
            && !status.getDestinationHost().equals(lastSuccess.get(vm))
            && onlyMigrationOf(migrations, vm)) {
          violations.add(
              "2 "
                  + lm.getMetadata().getName()
                  + " is Completed to "
                  + status.getDestinationHost()
                  + " but "
                  + vm
                  + " went to "
                  + lastSuccess.get(vm));
        }
      } else if (status.getPhase().isTerminal() && succeeded > 0) {
        violations.add(
            "2 "
                + lm.getMetadata().getName()
                + " is "
                + status.getPhase()
                + " ("
                + status.getReason()
                + ") but its attempt moved "
                + vm);
      }
    }
  }

  /** Whether this is the only migration of the VM there ever was (deleted ones count too). */
  private boolean onlyMigrationOf(List<LiveMigration> migrations, String vm) {
    return migrations.stream().filter(m -> vm.equals(m.getSpec().getVm())).count() == 1
        && deleted.stream().noneMatch(name -> vm.equals(vmOf(name)));
  }

  private static boolean movedUntagged(List<MigrationEngine.Ended> moves, String vm) {
    return moves.stream()
        .anyMatch(
            m ->
                m.vm().equals(vm)
                    && m.outcome().equals("success")
                    && m.taskOtherConfig().get(TaskTag.KEY) == null);
  }

  private static boolean taggedFor(MigrationEngine.Ended move, LiveMigration lm) {
    String tag = move.taskOtherConfig().get(TaskTag.KEY);
    return tag != null && tag.startsWith(lm.getMetadata().getUid() + "/");
  }

  /**
   * 3: the operator destroyed only disks a migration of its own created, and only of moves that did
   * not succeed; every bystander is there; every copy left behind is reported.
   */
  private void noForeignDiskDestroyed(List<LiveMigration> migrations) {
    Map<String, String> outcomeByTask = new HashMap<>();
    Map<String, MigrationEngine.Ended> moveByTask = new HashMap<>();
    for (MigrationEngine.Ended move : cluster.simulator.engine().history()) {
      outcomeByTask.put(move.task(), move.outcome());
      moveByTask.put(move.task(), move);
    }
    List<SimWorld.DestroyedVdi> destroyed = cluster.simulator.inWorld(SimWorld::destroyedVdis);
    for (SimWorld.DestroyedVdi vdi : destroyed) {
      if (vdi.createdByTask() == null) {
        violations.add("3 destroyed a disk no migration created: " + vdi);
      } else if ("success".equals(outcomeByTask.get(vdi.createdByTask()))) {
        violations.add("3 destroyed a disk of a move that succeeded: " + vdi);
      }
    }
    record Left(String uuid, String name, String task) {}
    List<Left> left = new ArrayList<>();
    Set<String> present =
        cluster.simulator.inWorld(
            w -> {
              Set<String> uuids = new java.util.HashSet<>();
              for (String pool : List.of("pool-a", "pool-b")) {
                for (SimVdi vdi : w.pool(pool).<SimVdi>all(XClass.VDI)) {
                  uuids.add(vdi.uuid);
                  if (vdi.createdByTask != null && vdi.vbds.isEmpty() && !vdi.isASnapshot) {
                    left.add(new Left(vdi.uuid, vdi.nameLabel, vdi.createdByTask));
                  }
                }
              }
              return uuids;
            });
    for (String bystander : cluster.bystanders) {
      if (!present.contains(bystander)) {
        violations.add("3 a bystander disk is gone: " + bystander);
      }
    }
    Set<String> reported = new java.util.HashSet<>();
    for (LiveMigration lm : migrations) {
      if (lm.getStatus() != null && lm.getStatus().getRollback() != null) {
        for (Leftover leftover : lm.getStatus().getRollback().getLeftovers()) {
          reported.add(leftover.getUuid());
        }
      }
    }
    String events =
        cluster.client.v1().events().inNamespace(ChaosCluster.NAMESPACE).list().getItems().stream()
            .map(Event::getMessage)
            .filter(m -> m != null)
            .collect(Collectors.joining("\n"));
    for (Left copy : left) {
      if (!reported.contains(copy.uuid()) && !events.contains(copy.uuid())) {
        violations.add(
            "3 a copy was left unreported: " + copy + " by " + moveByTask.get(copy.task()));
      }
    }
  }

  /**
   * 4: no migration task unfinished or left undestroyed unless reported, and no replica alive holds
   * more than its one session per pool.
   */
  private void noTaskOrSessionLeft() {
    Set<String> alive = cluster.alive();
    cluster.simulator.inWorld(
        w -> {
          for (String pool : List.of("pool-a", "pool-b")) {
            for (SimTask task : w.pool(pool).<SimTask>all(XClass.TASK)) {
              if (task.pending()) {
                violations.add(
                    "4 a task still runs in " + pool + ": " + task.ref + " " + task.otherConfig);
              }
            }
            Map<String, Long> sessions =
                w.pool(pool).<SimSession>all(XClass.SESSION).stream()
                    .filter(s -> s.valid && s.originator.startsWith(ORIGINATOR))
                    .collect(Collectors.groupingBy(s -> s.originator, Collectors.counting()));
            sessions.forEach(
                (originator, count) -> {
                  String name = originator.substring(ORIGINATOR.length());
                  if (alive.contains(name) && count > 1) {
                    violations.add("4 " + name + " holds " + count + " sessions on " + pool);
                  }
                });
          }
          return null;
        });
  }

  /** 5: the pools never ran more migrations at once than the XenPools' limits allow. */
  private void limitsHeld() {
    MigrationEngine engine = cluster.simulator.engine();
    engine
        .peakByPool()
        .forEach(
            (pool, peak) -> {
              if (peak > ChaosCluster.MAX_PARALLEL) {
                violations.add("5 " + peak + " migrations at once in " + pool);
              }
            });
    engine
        .peakBySourceHost()
        .forEach(
            (host, peak) -> {
              if (peak > ChaosCluster.PER_HOST) {
                violations.add("5 " + peak + " migrations at once leaving " + host);
              }
            });
    engine
        .peakByDestinationHost()
        .forEach(
            (host, peak) -> {
              if (peak > ChaosCluster.INBOUND) {
                violations.add("5 " + peak + " migrations at once arriving at " + host);
              }
            });
    engine
        .peakStorageBySourceHost()
        .forEach(
            (host, peak) -> {
              if (peak > ChaosCluster.STORAGE_PER_HOST) {
                violations.add("5 " + peak + " storage migrations at once leaving " + host);
              }
            });
  }

  /** How soon a start's tags follow it at the latest: a stall between the two included. */
  private static final java.time.Duration TAGS_FOLLOW_WITHIN = java.time.Duration.ofSeconds(10);

  /**
   * 6: every call that changes a pool came from the replica holding the Lease at that instant; the
   * one tag a replica writes on each task it has just started under its Lease (and on the subtasks
   * it read of it) belongs to that start.
   */
  private void onlyTheLeaderWrote() {
    LeaseHistory leases = cluster.api.leases();
    // caller|pool|task of each task started under the Lease (and its subtasks), with the start's
    // instant; a key leaves once its one tag is counted.
    Map<String, java.time.Instant> startedUnderLease = new HashMap<>();
    for (CallLog.Entry call : cluster.simulator.calls().entries()) {
      if (call.method().equals("task.get_subtasks") && call.answer() instanceof List<?> subtasks) {
        java.time.Instant started =
            startedUnderLease.get(call.caller() + "|" + call.pool() + "|" + call.subject());
        if (started != null) {
          subtasks.forEach(
              t ->
                  startedUnderLease.putIfAbsent(
                      call.caller() + "|" + call.pool() + "|" + t, started));
        }
      }
      if (!PoolWrites.changesPool(call.method())) {
        continue;
      }
      if (!call.caller().startsWith(ORIGINATOR)) {
        violations.add("6 " + call.method() + " from an unnamed caller at " + call.wall());
        continue;
      }
      String caller = call.caller().substring(ORIGINATOR.length());
      if (call.method().equals("task.add_to_other_config")) {
        java.time.Instant started =
            startedUnderLease.remove(call.caller() + "|" + call.pool() + "|" + call.subject());
        if (started != null && call.wall().isBefore(started.plus(TAGS_FOLLOW_WITHIN))) {
          continue;
        }
      }
      String holder = leases.holderAt(ChaosCluster.NAMESPACE, ChaosCluster.LEASE, call.wall());
      if (caller.equals(holder)
          && call.method().startsWith("Async.VM.")
          && call.succeeded()
          && call.answer() instanceof String task) {
        startedUnderLease.put(call.caller() + "|" + call.pool() + "|" + task, call.wall());
      }
      if (!caller.equals(holder)) {
        violations.add(
            "6 "
                + call.method()
                + " on "
                + call.pool()
                + " from "
                + caller
                + " at "
                + call.wall()
                + " while the Lease was "
                + (holder == null ? "held by nobody" : holder + "'s"));
      }
    }
  }

  /** What the attempts of the migrations say, for a failing schedule's report. */
  static String describe(List<LiveMigration> migrations) {
    StringBuilder out = new StringBuilder();
    for (LiveMigration lm : migrations) {
      LiveMigrationStatus s = lm.getStatus();
      out.append("  ")
          .append(lm.getMetadata().getName())
          .append(' ')
          .append(lm.getSpec().getVm())
          .append(": ")
          .append(
              s == null ? "no status" : s.getPhase() + " " + s.getReason() + ": " + s.getMessage());
      if (s != null && s.getPlacement() != null && !s.getPlacement().getRejected().isEmpty()) {
        out.append(" {rejected:");
        s.getPlacement()
            .getRejected()
            .forEach(r -> out.append(' ').append(r.getHost()).append('=').append(r.getReason()));
        out.append('}');
      }
      if (s != null && s.getAttempts() != null) {
        for (MigrationAttempt a : s.getAttempts()) {
          out.append(" [")
              .append(a.getHost())
              .append(' ')
              .append(a.getOutcome())
              .append(' ')
              .append(a.getReason())
              .append(']');
        }
      }
      out.append('\n');
    }
    return out.toString();
  }
}
