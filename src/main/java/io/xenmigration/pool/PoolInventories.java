package io.xenmigration.pool;

import io.xenmigration.xen.PoolInventory;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The last inventory read of each XenPool (key: namespace/name), which the scheduler reads. */
@ApplicationScoped
public class PoolInventories {

  private final Map<String, PoolInventory> inventories = new ConcurrentHashMap<>();

  /** Records a fresh inventory. */
  public void put(String pool, PoolInventory inventory) {
    inventories.put(pool, inventory);
  }

  /** The last inventory of a pool, if it was ever read. */
  public Optional<PoolInventory> get(String pool) {
    return Optional.ofNullable(inventories.get(pool));
  }

  /** Forgets a pool that is gone or unreachable. */
  public void remove(String pool) {
    inventories.remove(pool);
  }
}
