package io.xenmigration.migration;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which queued migration of a pool may start: one migration per VM, at most {@code
 * maxParallelMigrations} in the pool and {@code maxParallelPerHost} leaving one source host, higher
 * priority first, then the older, then the larger VM. Pure: the caller supplies who holds slots and
 * who waits.
 */
public final class Admission {

  /**
   * A migration as admission sees it.
   *
   * @param memory the VM's memory in bytes (0 when unknown), which its migration time follows
   */
  public record Request(
      String id, String vm, String sourceHost, int priority, Instant created, long memory) {}

  /** Why a migration may or may not start now. */
  public enum Reason {
    /** It may start. */
    Admitted,
    /** Another migration of the same VM is active or ahead in the queue. */
    VMBusy,
    /** The pool runs as many migrations as its limit allows. */
    PoolLimit,
    /** The VM's host already sends as many migrations as its limit allows. */
    HostLimit,
    /** Migrations with a higher priority, or older ones, take the free slots first. */
    HigherPriorityFirst
  }

  /** The answer, with a message for the migration's status. */
  public record Decision(Reason reason, String message) {
    public boolean admitted() {
      return reason == Reason.Admitted;
    }
  }

  /**
   * Queue order: higher priority first, then older, then the larger VM, then by name for a stable
   * order. Migrations created together (one apply of an evacuation, within the second a creation
   * time resolves) start with the longest: the last migration of a host then is a short one, which
   * brings the whole batch close to its shortest possible time.
   */
  static final Comparator<Request> ORDER =
      Comparator.comparingInt(Request::priority)
          .reversed()
          .thenComparing(Request::created)
          .thenComparing(Comparator.comparingLong(Request::memory).reversed())
          .thenComparing(Request::id);

  private Admission() {}

  /**
   * Hands the free slots to the waiting migrations in queue order, as if each took its slot in
   * turn, and reports what happens to the candidate.
   *
   * @param active migrations holding a slot (Preparing, Running, RollingBack)
   * @param waiting queued migrations of the pool, the candidate among them
   */
  public static Decision decide(
      Request candidate,
      Collection<Request> active,
      Collection<Request> waiting,
      int maxInPool,
      int maxPerHost) {
    int inPool = active.size();
    Map<String, Integer> perHost = new HashMap<>();
    Set<String> busyVms = new HashSet<>();
    for (Request running : active) {
      perHost.merge(hostKey(running), 1, Integer::sum);
      busyVms.add(running.vm());
    }
    List<Request> queue = new ArrayList<>(waiting);
    if (!queue.contains(candidate)) {
      queue.add(candidate);
    }
    queue.sort(ORDER);
    boolean passedOver = false;
    for (Request next : queue) {
      boolean isCandidate = next.id().equals(candidate.id());
      if (busyVms.contains(next.vm())) {
        if (isCandidate) {
          return new Decision(
              Reason.VMBusy, "another migration of VM " + next.vm() + " goes first");
        }
        continue;
      }
      if (inPool >= maxInPool) {
        if (isCandidate) {
          return new Decision(
              passedOver ? Reason.HigherPriorityFirst : Reason.PoolLimit,
              passedOver
                  ? "migrations with a higher priority or queued earlier take the free slots"
                  : "the pool already runs " + inPool + " migrations, its limit");
        }
        continue;
      }
      int fromHost = perHost.getOrDefault(hostKey(next), 0);
      if (fromHost >= maxPerHost) {
        if (isCandidate) {
          return new Decision(
              Reason.HostLimit,
              "host "
                  + next.sourceHost()
                  + " already sends "
                  + fromHost
                  + " migrations, its limit");
        }
        continue;
      }
      if (isCandidate) {
        return new Decision(Reason.Admitted, "admitted");
      }
      // Someone ahead takes this slot.
      inPool++;
      perHost.merge(hostKey(next), 1, Integer::sum);
      busyVms.add(next.vm());
      passedOver = true;
    }
    throw new IllegalStateException("the candidate was not in its own queue");
  }

  /** A migration whose source host is not known yet counts as a host of its own. */
  private static String hostKey(Request request) {
    return request.sourceHost() == null ? "unknown:" + request.id() : request.sourceHost();
  }
}
