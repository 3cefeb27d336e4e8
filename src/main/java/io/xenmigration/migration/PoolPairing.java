package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.XenPool;
import java.util.List;

/**
 * Whether a cross-pool migration may run: the destination's XenPool must accept migrations from the
 * source by name, because starting one hands the source pool a session on the destination (the
 * {@code migrate_receive} ticket), which whoever controls the source could use as they please.
 */
final class PoolPairing {

  private PoolPairing() {}

  /**
   * Null when the destination accepts migrations from the source; else why not, for a person. The
   * pairing is read from the pool's first XenPool (as its limits are): a second XenPool for the
   * same pool, written by someone else, pairs nothing. A destination not known (yet) refuses.
   */
  static String refusal(String sourceName, XenPool destination, PoolIndex pools) {
    if (destination == null) {
      return "the destination XenPool is not known, so its pairing cannot be checked";
    }
    String uuid = PoolIndex.uuidOf(destination);
    XenPool first = uuid == null ? null : pools.first(uuid);
    XenPool deciding = first == null ? destination : first;
    if (!deciding.getMetadata().getNamespace().equals(destination.getMetadata().getNamespace())) {
      deciding = destination;
    }
    List<String> accepted =
        deciding.getSpec() == null ? null : deciding.getSpec().getAcceptMigrationsFrom();
    if (accepted != null && accepted.contains(sourceName)) {
      return null;
    }
    return "XenPool "
        + deciding.getMetadata().getName()
        + " does not accept migrations from "
        + sourceName
        + ": a cross-pool migration gives the source pool a session on the destination, so the"
        + " destination must list the source in spec.acceptMigrationsFrom";
  }
}
