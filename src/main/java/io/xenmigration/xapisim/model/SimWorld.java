package io.xenmigration.xapisim.model;

import io.xenmigration.xapisim.SimClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every simulated pool and the clock they share. All reads and changes of the model happen while
 * holding this object's monitor.
 */
public final class SimWorld {

  public final SimClock clock;
  private final List<SimPool> pools = new ArrayList<>();
  private final Map<String, XObject> objects = new HashMap<>();

  /**
   * A VDI destroyed through {@code VDI.destroy}: which, where, when (simulated), by whom (its
   * session's originator), and the migration task that created it (null for any other VDI).
   */
  public record DestroyedVdi(
      String uuid, String nameLabel, String sr, java.time.Instant at, String createdByTask) {}

  private final List<DestroyedVdi> destroyedVdis = new ArrayList<>();

  /** Notes a VDI destroyed through the API. */
  public synchronized void destroyed(SimVdi vdi) {
    destroyedVdis.add(
        new DestroyedVdi(vdi.uuid, vdi.nameLabel, vdi.sr.uuid, clock.now(), vdi.createdByTask));
  }

  /** Every VDI destroyed through {@code VDI.destroy}, oldest first. */
  public synchronized List<DestroyedVdi> destroyedVdis() {
    return List.copyOf(destroyedVdis);
  }

  public SimWorld(SimClock clock) {
    this.clock = clock;
  }

  /** Creates an empty pool. */
  public synchronized SimPool addPool(String nameLabel) {
    SimPool pool = new SimPool(this, nameLabel);
    pools.add(pool);
    return pool;
  }

  /** The pools, in creation order. */
  public synchronized List<SimPool> pools() {
    return List.copyOf(pools);
  }

  /** The pool with this name-label, or null. */
  public synchronized SimPool pool(String nameLabel) {
    for (SimPool pool : pools) {
      if (pool.nameLabel.equals(nameLabel)) {
        return pool;
      }
    }
    return null;
  }

  /** An object of any pool by its ref, or null: how one pool finds another's host. */
  public synchronized XObject lookup(String ref) {
    return objects.get(ref);
  }

  void index(XObject object, SimPool pool) {
    objects.put(object.ref, object);
  }

  void unindex(XObject object) {
    objects.remove(object.ref);
  }
}
