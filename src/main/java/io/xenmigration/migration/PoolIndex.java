package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.PoolLimits;
import io.xenmigration.api.v1alpha1.XenPool;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * The XenPools the operator knows, by the identity of the pool they describe: a pool is one pool
 * however many XenPools name it, and its limits are those of the oldest of them.
 */
public final class PoolIndex {

  /** Oldest first, then by namespace and name: the same XenPool is "first" for everyone. */
  static final Comparator<XenPool> FIRST =
      Comparator.comparing(
              (XenPool p) ->
                  p.getMetadata().getCreationTimestamp() == null
                      ? Instant.EPOCH
                      : Instant.parse(p.getMetadata().getCreationTimestamp()))
          .thenComparing(p -> p.getMetadata().getNamespace())
          .thenComparing(p -> p.getMetadata().getName());

  private final Map<String, XenPool> byKey = new HashMap<>();
  private final Map<String, XenPool> firstByUuid = new HashMap<>();

  private PoolIndex() {}

  /** An index of these XenPools; those not read yet (no pool UUID) are known by name only. */
  public static PoolIndex of(Collection<XenPool> pools) {
    PoolIndex index = new PoolIndex();
    for (XenPool pool : pools) {
      index.byKey.put(key(pool), pool);
      String uuid = uuidOf(pool);
      if (uuid != null) {
        index.firstByUuid.merge(uuid, pool, (a, b) -> FIRST.compare(a, b) <= 0 ? a : b);
      }
    }
    return index;
  }

  /** The pool's UUID as its XenPool status has it, or null before the pool was first read. */
  public static String uuidOf(XenPool pool) {
    return pool.getStatus() == null ? null : pool.getStatus().getPoolUuid();
  }

  private static String key(XenPool pool) {
    return pool.getMetadata().getNamespace() + "/" + pool.getMetadata().getName();
  }

  /** The UUID of the pool a XenPool (namespace, name) describes, or null when not known. */
  public String uuid(String namespace, String name) {
    XenPool pool = name == null ? null : byKey.get(namespace + "/" + name);
    return pool == null ? null : uuidOf(pool);
  }

  /** The XenPool whose limits apply to a pool, or null. */
  public XenPool first(String uuid) {
    return firstByUuid.get(uuid);
  }

  /** The XenPool whose limits apply to the same pool as this one, when that is another one. */
  public XenPool firstOtherThan(XenPool pool) {
    String uuid = uuidOf(pool);
    XenPool first = uuid == null ? null : firstByUuid.get(uuid);
    return first == null || key(first).equals(key(pool)) ? null : first;
  }

  /** A pool's limits as admission applies them, from its first XenPool, or null. */
  public Admission.Pool limits(String uuid) {
    XenPool first = first(uuid);
    if (first == null) {
      return null;
    }
    PoolLimits limits = MigrationDefaults.limits(first.getSpec().getLimits());
    return new Admission.Pool(
        uuid,
        first.getMetadata().getName(),
        limits.getMaxParallelMigrations(),
        limits.getMaxParallelPerHost());
  }

  /** A pool's limits with defaults filled in, from its first XenPool. */
  public PoolLimits poolLimits(String uuid) {
    XenPool first = first(uuid);
    return MigrationDefaults.limits(first == null ? null : first.getSpec().getLimits());
  }
}
