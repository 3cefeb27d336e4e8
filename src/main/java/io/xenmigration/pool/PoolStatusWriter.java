package io.xenmigration.pool;

import io.fabric8.kubernetes.api.model.Condition;
import io.xenmigration.api.v1alpha1.HostStatus;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.api.v1alpha1.XenPoolStatus;
import io.xenmigration.status.Conditions;
import io.xenmigration.xen.HostInfo;
import io.xenmigration.xen.PoolInventory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a XenPool's status: the only place it is written. Keeps the Ready condition's {@code
 * lastTransitionTime} while its status does not change, and keeps the last inventory when the pool
 * cannot be read, so a short outage does not blank the hosts.
 */
public final class PoolStatusWriter {

  /** The condition type XenPool uses. */
  public static final String READY = "Ready";

  /** True while another, older XenPool describes the same pool. */
  public static final String DUPLICATE = "Duplicate";

  /** True while a deleted XenPool waits for its active migrations. */
  public static final String DELETING = "Deleting";

  private PoolStatusWriter() {}

  /** The status of a pool read just now. */
  public static XenPoolStatus ready(
      XenPool pool, PoolInventory inventory, PoolReason reason, String message, Instant now) {
    XenPoolStatus status = new XenPoolStatus();
    status.setPoolUuid(inventory.uuid());
    status.setApiVersion(inventory.apiVersion());
    HostInfo master = inventory.masterHost();
    status.setMaster(master == null ? null : master.name());
    List<HostStatus> hosts = new ArrayList<>();
    for (HostInfo host : inventory.hosts()) {
      HostStatus h = new HostStatus();
      h.setName(host.name());
      h.setUuid(host.uuid());
      h.setAddress(host.address());
      h.setEnabled(host.enabled());
      h.setLive(host.live());
      h.setProductVersion(host.productVersion());
      h.setPlatformVersion(host.platformVersion());
      h.setMemoryTotalBytes(host.memoryTotalBytes());
      h.setMemoryFreeBytes(host.memoryFreeBytes());
      h.setResidentVMs(host.residentVms());
      hosts.add(h);
    }
    status.setHosts(hosts);
    status.setHostCount(hosts.size());
    status.setVmCount(inventory.vms().size());
    status.setLastSyncTime(inventory.readAt().toString());
    status.setObservedGeneration(pool.getMetadata().getGeneration());
    status.setConditions(condition(pool, true, reason, message, now));
    return status;
  }

  /** The status of a pool that could not be read: the reason, and what was known before. */
  public static XenPoolStatus notReady(
      XenPool pool, PoolReason reason, String message, Instant now) {
    XenPoolStatus previous = pool.getStatus();
    XenPoolStatus status = new XenPoolStatus();
    if (previous != null) {
      status.setPoolUuid(previous.getPoolUuid());
      status.setApiVersion(previous.getApiVersion());
      status.setMaster(previous.getMaster());
      status.setHosts(previous.getHosts());
      status.setHostCount(previous.getHostCount());
      status.setVmCount(previous.getVmCount());
      status.setLastSyncTime(previous.getLastSyncTime());
    }
    status.setObservedGeneration(pool.getMetadata().getGeneration());
    status.setConditions(condition(pool, false, reason, message, now));
    return status;
  }

  private static List<Condition> condition(
      XenPool pool, boolean value, PoolReason reason, String message, Instant now) {
    XenPoolStatus previous = pool.getStatus();
    return Conditions.set(
        previous == null ? null : previous.getConditions(),
        READY,
        value,
        reason.name(),
        message,
        pool.getMetadata().getGeneration(),
        now);
  }

  /**
   * Says in a status whether another XenPool describes the same pool and came first (its limits
   * then apply to both); returns whether that became so with this call.
   */
  public static boolean duplicate(XenPool pool, XenPoolStatus status, XenPool first, Instant now) {
    boolean before = Conditions.find(status.getConditions(), DUPLICATE) != null;
    if (first == null) {
      status.setConditions(Conditions.remove(status.getConditions(), DUPLICATE));
      return false;
    }
    status.setConditions(
        Conditions.set(
            status.getConditions(),
            DUPLICATE,
            true,
            "SamePool",
            "XenPool "
                + first.getMetadata().getNamespace()
                + "/"
                + first.getMetadata().getName()
                + " describes the same pool ("
                + status.getPoolUuid()
                + ") and came first: its limits apply to the migrations of both",
            pool.getMetadata().getGeneration(),
            now));
    return !before;
  }

  /**
   * Says in a status that the deleted pool waits for these migrations; returns whether that is new
   * (or the migrations waited for changed).
   */
  public static boolean deleting(
      XenPool pool, XenPoolStatus status, java.util.List<String> active, Instant now) {
    Condition before = Conditions.find(status.getConditions(), DELETING);
    String message =
        "waiting for "
            + active.size()
            + " active migration"
            + (active.size() == 1 ? "" : "s")
            + " before letting go: "
            + String.join(", ", active);
    status.setConditions(
        Conditions.set(
            status.getConditions(),
            DELETING,
            true,
            "MigrationsActive",
            message,
            pool.getMetadata().getGeneration(),
            now));
    return before == null || !message.equals(before.getMessage());
  }

  /** The Ready condition of a status, or null. */
  public static Condition readyCondition(XenPoolStatus status) {
    return status == null ? null : Conditions.find(status.getConditions(), READY);
  }
}
