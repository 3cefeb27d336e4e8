package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.HostMaintenance;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MaintenancePhase;
import io.xenmigration.xen.HostInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hosts HostMaintenances hold, which no migration may choose as its destination: from a
 * maintenance's creation (before it has even resolved its host, or disabled it) until it has ended.
 * Dry runs hold nothing.
 */
public final class HostsInMaintenance {

  /** No host is held. */
  public static final HostsInMaintenance NONE = new HostsInMaintenance(List.of());

  /**
   * Label a maintenance puts on the LiveMigrations it creates, naming it by UID: its own moves back
   * to its host are not refused for the hold it has on it.
   */
  public static final String MAINTENANCE_LABEL = "xenmigration.io/maintenance";

  /**
   * Annotation on a maintenance's drain child naming, by UUID, the host it empties: a child whose
   * VM no longer runs there (moved by someone else while the child waited) ends without moving it.
   */
  public static final String FROM_HOST_ANNOTATION = "xenmigration.io/from-host";

  /** The host a migration may move its VM off only, by UUID, or null for any. */
  public static String fromHost(LiveMigration migration) {
    Map<String, String> annotations = migration.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(FROM_HOST_ANNOTATION);
  }

  /** One holding maintenance: its pool and host as resolved, or as its spec names them. */
  private record Hold(
      String key,
      String uid,
      String poolUuid,
      String namespace,
      String pool,
      String hostUuid,
      String host) {}

  private final List<Hold> holds;

  private HostsInMaintenance(List<Hold> holds) {
    this.holds = holds;
  }

  /** The holds of these maintenances; pool UUIDs not yet in their status come from the index. */
  public static HostsInMaintenance of(Collection<HostMaintenance> maintenances, PoolIndex pools) {
    List<Hold> holds = new ArrayList<>();
    for (HostMaintenance hm : maintenances) {
      if (!holdsHost(hm)) {
        continue;
      }
      String namespace = hm.getMetadata().getNamespace();
      var status = hm.getStatus();
      String poolUuid = status == null ? null : status.getPoolUuid();
      if (poolUuid == null) {
        poolUuid = pools.uuid(namespace, hm.getSpec().getPool());
      }
      holds.add(
          new Hold(
              namespace + "/" + hm.getMetadata().getName(),
              hm.getMetadata().getUid(),
              poolUuid,
              namespace,
              hm.getSpec().getPool(),
              status == null ? null : status.getHostUuid(),
              hm.getSpec().getHost()));
    }
    return holds.isEmpty() ? NONE : new HostsInMaintenance(List.copyOf(holds));
  }

  /**
   * Whether a maintenance keeps its host from receiving VMs now: from its creation until it has
   * ended, through its exit (the host is disabled until then). One cancelled or deleted before it
   * changed anything holds nothing.
   */
  public static boolean holdsHost(HostMaintenance hm) {
    if (hm.getSpec() == null || Boolean.TRUE.equals(hm.getSpec().getDryRun())) {
      return false;
    }
    MaintenancePhase phase = hm.getStatus() == null ? null : hm.getStatus().getPhase();
    if (phase == null || phase == MaintenancePhase.Planning) {
      return !Boolean.TRUE.equals(hm.getSpec().getCancel())
          && hm.getMetadata().getDeletionTimestamp() == null;
    }
    return phase.holdsHost();
  }

  /**
   * The held hosts among a pool's, by UUID, each with the maintenance (namespace/name) holding it.
   *
   * @param poolUuid the pool's UUID
   * @param hosts the pool's hosts
   */
  public Map<String, String> held(String poolUuid, Collection<HostInfo> hosts) {
    return held(poolUuid, hosts, null);
  }

  /**
   * The held hosts among a pool's for one migration: a maintenance's own LiveMigrations (its label
   * names it) may go to the host it holds, to bring VMs back.
   *
   * @param migration the asking migration, or null
   */
  public Map<String, String> held(
      String poolUuid, Collection<HostInfo> hosts, LiveMigration migration) {
    if (holds.isEmpty() || poolUuid == null) {
      return Map.of();
    }
    String own =
        migration == null || migration.getMetadata().getLabels() == null
            ? null
            : migration.getMetadata().getLabels().get(MAINTENANCE_LABEL);
    Map<String, String> held = new LinkedHashMap<>();
    for (Hold hold : holds) {
      if (!poolUuid.equals(hold.poolUuid()) || hold.uid().equals(own)) {
        continue;
      }
      for (HostInfo host : hosts) {
        boolean named =
            hold.hostUuid() != null
                ? hold.hostUuid().equals(host.uuid())
                : hold.host().equals(host.uuid()) || hold.host().equals(host.name());
        if (named) {
          held.putIfAbsent(host.uuid(), hold.key());
        }
      }
    }
    return held;
  }
}
