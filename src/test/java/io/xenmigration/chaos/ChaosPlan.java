package io.xenmigration.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * One schedule of the chaos suite, drawn from a seed alone: which migrations are asked for, and
 * which faults strike when. The same seed always draws the same schedule, so a failing run's seed
 * replays it (the instants are kept; how the processes interleave within them is not).
 */
record ChaosPlan(long seed, List<Move> moves, List<Fault> faults, double statusFaultRate) {

  /** How long faults go on after the migrations were asked for. */
  static final Duration FAULT_WINDOW = Duration.ofSeconds(16);

  /** The VMs of pool-a on shared storage, and those on their host's local storage. */
  static final int SHARED_VMS = 8;

  static final int LOCAL_VMS = 4;

  /** How a migration is asked for. */
  enum Mode {
    /** Within pool-a, shared storage: {@code VM.pool_migrate}. */
    POOL,
    /** Within pool-a, a local disk copied to the shared SR: {@code VM.migrate_send}. */
    STORAGE,
    /** From pool-a to pool-b: {@code VM.migrate_send} with a receive ticket. */
    CROSS_POOL
  }

  /** One LiveMigration: its name, VM, mode, and whether a second one names the same VM. */
  record Move(String name, String vm, Mode mode) {}

  /** What a fault does. */
  enum Kind {
    KILL_LEADER,
    KILL_STANDBY,
    STALL_LEADER,
    CANCEL,
    DELETE,
    LABEL_MIGRATION,
    LABEL_POOL,
    FAIL_MIGRATION,
    FAIL_CALL,
    HOST_OFFLINE,
    EXPIRE_SESSIONS,
    HTTP_ERRORS,
    CONNECTION_RESETS,
    LATENCY
  }

  /**
   * One fault: when (after the migrations were asked for), what, on what (a migration's name, a VM,
   * a method, a host), and for how long where it lasts.
   */
  record Fault(Duration at, Kind kind, String target, Duration lasting, double progress) {
    @Override
    public String toString() {
      return at.toMillis()
          + "ms "
          + kind
          + (target == null ? "" : " " + target)
          + (lasting.isZero() ? "" : " for " + lasting.toMillis() + "ms");
    }
  }

  /** Methods a call fault may strike, each a step of some phase. */
  static final List<String> METHODS =
      List.of(
          "VM.assert_can_migrate",
          "host.migrate_receive",
          "Async.VM.pool_migrate",
          "Async.VM.migrate_send",
          "task.add_to_other_config",
          "task.cancel",
          "task.destroy",
          "VDI.destroy",
          "VM.get_record",
          "event.from");

  /** Codes a call fault answers with: transient ones and refusals. */
  static final List<String> CODES =
      List.of("INTERNAL_ERROR", "OTHER_OPERATION_IN_PROGRESS", "HOST_OFFLINE", "VM_MIGRATE_FAILED");

  /** Draws schedule {@code index} of a run seeded with {@code runSeed}. */
  static ChaosPlan draw(long runSeed, int index) {
    return of(new Random(runSeed).nextLong() ^ (0x9E3779B97F4A7C15L * (index + 1)));
  }

  /** The schedule of this seed. */
  static ChaosPlan of(long seed) {
    Random random = new Random(seed);
    List<Move> moves = new ArrayList<>();
    int count = 6 + random.nextInt(5);
    List<String> shared = new ArrayList<>();
    for (int i = 0; i < SHARED_VMS; i++) {
      shared.add(String.format("vm-s%02d", i));
    }
    List<String> local = new ArrayList<>();
    for (int i = 0; i < LOCAL_VMS; i++) {
      local.add(String.format("vm-l%02d", i));
    }
    java.util.Collections.shuffle(shared, random);
    java.util.Collections.shuffle(local, random);
    for (int i = 0; i < count; i++) {
      double draw = random.nextDouble();
      Mode mode = draw < 0.45 ? Mode.POOL : draw < 0.75 ? Mode.STORAGE : Mode.CROSS_POOL;
      List<String> from = mode == Mode.STORAGE ? local : shared;
      if (from.isEmpty()) {
        mode = Mode.POOL;
        from = shared;
      }
      if (from.isEmpty()) {
        break;
      }
      String vm = from.remove(0);
      moves.add(new Move("move-" + i, vm, mode));
      if (random.nextDouble() < 0.12) {
        // A second migration of the same VM, as a user who applied twice: at most one may run.
        moves.add(new Move("again-" + i, vm, mode == Mode.CROSS_POOL ? Mode.POOL : mode));
      }
    }
    List<Fault> faults = new ArrayList<>();
    long window = FAULT_WINDOW.toMillis();
    int kills = 2 + random.nextInt(3);
    for (int i = 0; i < kills; i++) {
      faults.add(at(random, window, Kind.KILL_LEADER, null, 0));
    }
    if (random.nextDouble() < 0.35) {
      faults.add(at(random, window, Kind.KILL_STANDBY, null, 0));
    }
    if (random.nextDouble() < 0.4) {
      // Longer than the Lease: the standby takes over while the paused leader still holds its
      // connections to the pools.
      faults.add(
          new Fault(
              Duration.ofMillis(random.nextLong(window / 2)),
              Kind.STALL_LEADER,
              null,
              Duration.ofMillis(4_500 + random.nextInt(3_000)),
              0));
    }
    for (Move move : moves) {
      double draw = random.nextDouble();
      if (draw < 0.12) {
        faults.add(at(random, window, Kind.CANCEL, move.name(), 0));
      } else if (draw < 0.2) {
        faults.add(at(random, window, Kind.DELETE, move.name(), 0));
      } else if (draw < 0.3) {
        faults.add(at(random, window, Kind.LABEL_MIGRATION, move.name(), 0));
      }
      if (random.nextDouble() < 0.3) {
        faults.add(
            at(random, window, Kind.FAIL_MIGRATION, move.vm(), 0.05 + 0.9 * random.nextDouble()));
      }
    }
    int poolFaults = 3 + random.nextInt(5);
    for (int i = 0; i < poolFaults; i++) {
      Kind kind =
          List.of(
                  Kind.FAIL_CALL,
                  Kind.FAIL_CALL,
                  Kind.HOST_OFFLINE,
                  Kind.EXPIRE_SESSIONS,
                  Kind.HTTP_ERRORS,
                  Kind.CONNECTION_RESETS,
                  Kind.LATENCY,
                  Kind.LABEL_POOL)
              .get(random.nextInt(8));
      String target =
          switch (kind) {
            case FAIL_CALL ->
                METHODS.get(random.nextInt(METHODS.size()))
                    + " "
                    + CODES.get(random.nextInt(CODES.size()));
            case HOST_OFFLINE -> "a-host-" + (2 + random.nextInt(3));
            case EXPIRE_SESSIONS -> random.nextBoolean() ? "pool-a" : "pool-b";
            case LABEL_POOL -> random.nextBoolean() ? "pool-a" : "pool-b";
            default -> null;
          };
      Duration lasting =
          kind == Kind.HOST_OFFLINE || kind == Kind.LATENCY
              ? Duration.ofMillis(1_000 + random.nextInt(3_000))
              : Duration.ZERO;
      faults.add(new Fault(Duration.ofMillis(random.nextLong(window)), kind, target, lasting, 0));
    }
    faults.sort(Comparator.comparing(Fault::at));
    double statusFaultRate = random.nextDouble() < 0.5 ? 0.0 : 0.02 + 0.08 * random.nextDouble();
    return new ChaosPlan(seed, List.copyOf(moves), List.copyOf(faults), statusFaultRate);
  }

  private static Fault at(Random random, long window, Kind kind, String target, double progress) {
    return new Fault(
        Duration.ofMillis(random.nextLong(window)), kind, target, Duration.ZERO, progress);
  }

  /** How many faults of a kind the schedule holds. */
  long count(Kind kind) {
    return faults.stream().filter(f -> f.kind() == kind).count();
  }
}
