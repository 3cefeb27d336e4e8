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
 * Which queued migration may start: one migration per VM, at most {@code maxParallelMigrations}
 * touching a pool (leaving it or, across pools, arriving in it) and {@code maxParallelPerHost}
 * leaving one source host, higher priority first, then the older, then the larger VM. Pure: the
 * caller supplies who holds slots and who waits.
 */
public final class Admission {

  /**
   * A pool's limits as admission applies them.
   *
   * @param uuid the pool's identity
   * @param name how people know it (its first XenPool)
   * @param maxParallel migrations touching the pool at once
   * @param maxPerHost migrations leaving one of its hosts at once
   */
  public record Pool(String uuid, String name, int maxParallel, int maxPerHost) {}

  /**
   * A migration as admission sees it.
   *
   * @param id namespace/name
   * @param vm the VM's UUID (or the name the spec gives while the VM is unknown)
   * @param pools the UUIDs of the pools it touches: its own, then the destination pool if another
   * @param sourceHost the UUID of the host the VM runs on, or null when not known
   * @param memory the VM's memory in bytes (0 when unknown), which its migration time follows
   */
  public record Request(
      String id,
      String vm,
      List<String> pools,
      String sourceHost,
      int priority,
      Instant created,
      long memory) {

    public Request {
      pools = List.copyOf(pools);
    }
  }

  /** Why a migration may or may not start now. */
  public enum Reason {
    /** It may start. */
    Admitted,
    /** Another migration of the same VM is active or ahead in the queue. */
    VMBusy,
    /** A pool it touches runs as many migrations as its limit allows. */
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
   * @param active what the migrations holding slots hold (Preparing, Running, RollingBack, and
   *     admissions not yet written)
   * @param waiting queued migrations of the candidate's pools; the candidate's own entry, if there,
   *     is left for {@code candidate}
   * @param pools the limits of every pool by UUID; a pool missing here has no room
   */
  public static Decision decide(
      Request candidate,
      Collection<Holding> active,
      Collection<Request> waiting,
      Map<String, Pool> pools) {
    Map<String, Integer> inPool = new HashMap<>();
    Map<String, Integer> perHost = new HashMap<>();
    Set<String> busyVms = new HashSet<>();
    for (Holding holding : active) {
      for (String pool : holding.pools()) {
        inPool.merge(pool, 1, Integer::sum);
      }
      perHost.merge(hostKey(holding.sourceHost(), holding.migration()), 1, Integer::sum);
      busyVms.add(holding.vm());
    }
    // Only those ahead of the candidate can take its slot: the rest are never reached.
    List<Request> queue = new ArrayList<>();
    for (Request request : waiting) {
      if (!request.id().equals(candidate.id()) && ORDER.compare(request, candidate) < 0) {
        queue.add(request);
      }
    }
    queue.sort(ORDER);
    queue.add(candidate);
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
      Pool full = fullPool(next, inPool, pools);
      if (full != null) {
        if (isCandidate) {
          return passedOver
              ? new Decision(
                  Reason.HigherPriorityFirst,
                  "migrations with a higher priority or queued earlier take the free slots")
              : new Decision(
                  Reason.PoolLimit,
                  "pool "
                      + full.name()
                      + " already runs "
                      + inPool.getOrDefault(full.uuid(), 0)
                      + " migrations, its limit");
        }
        continue;
      }
      Pool source = pools.get(next.pools().get(0));
      int fromHost = perHost.getOrDefault(hostKey(next.sourceHost(), next.id()), 0);
      if (fromHost >= source.maxPerHost()) {
        if (isCandidate) {
          return new Decision(
              Reason.HostLimit,
              "its host already sends " + fromHost + " migrations, the limit of " + source.name());
        }
        continue;
      }
      if (isCandidate) {
        return new Decision(Reason.Admitted, "admitted");
      }
      // Someone ahead takes this slot.
      for (String pool : next.pools()) {
        inPool.merge(pool, 1, Integer::sum);
      }
      perHost.merge(hostKey(next.sourceHost(), next.id()), 1, Integer::sum);
      busyVms.add(next.vm());
      passedOver = true;
    }
    throw new IllegalStateException("the candidate was not in its own queue");
  }

  /** The first pool the request touches that has no slot left, or null. */
  private static Pool fullPool(
      Request request, Map<String, Integer> inPool, Map<String, Pool> pools) {
    for (String uuid : request.pools()) {
      Pool pool = pools.get(uuid);
      if (pool == null) {
        return new Pool(uuid, uuid, 0, 0);
      }
      if (inPool.getOrDefault(uuid, 0) >= pool.maxParallel()) {
        return pool;
      }
    }
    return null;
  }

  /** A migration whose source host is not known yet counts as a host of its own. */
  private static String hostKey(String sourceHost, String id) {
    return sourceHost == null ? "unknown:" + id : sourceHost;
  }
}
