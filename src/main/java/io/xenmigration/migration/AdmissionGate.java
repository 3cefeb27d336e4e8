package io.xenmigration.migration;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The slots each pool's migrations hold, granted atomically: two reconciles at the same moment can
 * never both take the last slot. Rebuilt from the migrations' statuses after a restart.
 */
public final class AdmissionGate {

  private final Map<String, Map<String, Admission.Request>> activeByPool = new HashMap<>();
  private final Map<String, String> poolOf = new HashMap<>();

  /**
   * Migrations this process has admitted or released. A migration it knows is never restored from
   * the cluster's view, which may still show as active a migration that just ended.
   */
  private final java.util.Set<String> known = new java.util.HashSet<>();

  /**
   * Admits the candidate if {@link Admission#decide} lets it start, and takes its slot at once. A
   * migration that already holds a slot is admitted again without taking another.
   */
  public synchronized Admission.Decision tryAdmit(
      String pool,
      Admission.Request candidate,
      Collection<Admission.Request> waiting,
      int maxInPool,
      int maxPerHost) {
    Map<String, Admission.Request> active =
        activeByPool.computeIfAbsent(pool, p -> new LinkedHashMap<>());
    if (active.containsKey(candidate.id())) {
      return new Admission.Decision(Admission.Reason.Admitted, "admitted");
    }
    Admission.Decision decision =
        Admission.decide(candidate, active.values(), waiting, maxInPool, maxPerHost);
    if (decision.admitted()) {
      active.put(candidate.id(), candidate);
      poolOf.put(candidate.id(), pool);
      known.add(candidate.id());
    }
    return decision;
  }

  /**
   * Records a slot held by a migration found active that this process never admitted, as after a
   * restart.
   */
  public synchronized void restore(String pool, Admission.Request holder) {
    if (!known.add(holder.id())) {
      return;
    }
    activeByPool.computeIfAbsent(pool, p -> new LinkedHashMap<>()).put(holder.id(), holder);
    poolOf.put(holder.id(), pool);
  }

  /**
   * Gives back a migration's slot when it ends, whatever the outcome; returns the pool whose slot
   * it was, or null when it held none.
   */
  public synchronized String release(String migration) {
    known.add(migration);
    String pool = poolOf.remove(migration);
    if (pool != null) {
      activeByPool.get(pool).remove(migration);
    }
    return pool;
  }

  /** The migrations holding slots in a pool. */
  public synchronized List<Admission.Request> active(String pool) {
    return new ArrayList<>(activeByPool.getOrDefault(pool, Map.of()).values());
  }
}
