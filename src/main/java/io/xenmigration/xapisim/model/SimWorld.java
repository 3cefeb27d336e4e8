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
