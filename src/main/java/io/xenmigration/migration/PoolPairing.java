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

  /** Null when the destination accepts migrations from the source; else why not, for a person. */
  static String refusal(String sourceName, XenPool destination) {
    List<String> accepted =
        destination.getSpec() == null ? null : destination.getSpec().getAcceptMigrationsFrom();
    if (accepted != null && accepted.contains(sourceName)) {
      return null;
    }
    return "XenPool "
        + destination.getMetadata().getName()
        + " does not accept migrations from "
        + sourceName
        + ": a cross-pool migration gives the source pool a session on the destination, so the"
        + " destination must list the source in spec.acceptMigrationsFrom";
  }
}
