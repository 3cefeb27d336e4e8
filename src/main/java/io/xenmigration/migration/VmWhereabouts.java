package io.xenmigration.migration;

import io.xenmigration.xen.MigrationTask;
import io.xenmigration.xen.PoolApi;
import io.xenmigration.xen.VmInfo;
import io.xenmigration.xen.XenApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds where a migration's VM is now, by UUID: in its source pool, or (after a cross-pool move) in
 * its destination pool. Used when the task can no longer tell how the migration ended.
 */
final class VmWhereabouts {

  /**
   * Where the VM was found.
   *
   * @param vm the VM, or null when neither pool has it
   * @param inDestinationPool whether it was found in the destination pool (always, within a pool)
   */
  record Found(VmInfo vm, boolean inDestinationPool) {

    boolean missing() {
      return vm == null;
    }

    /** Whether it is Running (or Paused) on this host. */
    boolean runsOn(String hostRef) {
      return vm != null && vm.runsOn(hostRef);
    }

    boolean runs() {
      return vm != null && ("Running".equals(vm.powerState()) || "Paused".equals(vm.powerState()));
    }
  }

  private VmWhereabouts() {}

  /** Looks in the source pool, then in the destination pool when it is another one. */
  static Found find(String uuid, PoolApi source, PoolApi destination) throws XenApiException {
    VmInfo inSource = lookUp(source, uuid);
    if (inSource != null) {
      return new Found(inSource, source == destination);
    }
    if (destination != source) {
      VmInfo inDestination = lookUp(destination, uuid);
      if (inDestination != null) {
        return new Found(inDestination, true);
      }
    }
    return new Found(null, false);
  }

  private static VmInfo lookUp(PoolApi driver, String uuid) throws XenApiException {
    try {
      return driver.resolveVm(uuid);
    } catch (XenApiException e) {
      if (e.isTransient()) {
        throw e;
      }
      if ("VM_NOT_FOUND".equals(e.code()) || "UUID_INVALID".equals(e.code())) {
        return null;
      }
      throw e;
    }
  }

  /** The operations running on a VM, each named by its task's UUID and name, for a person. */
  static String describeOperations(PoolApi pool, VmInfo vm) throws XenApiException {
    List<String> named = new ArrayList<>();
    for (Map.Entry<String, String> operation : vm.currentOperations().entrySet()) {
      MigrationTask task = RunningPhase.taskOrNull(pool, operation.getKey());
      named.add(
          task == null
              ? operation.getValue() + " (its task is gone)"
              : operation.getValue() + " in " + task.describe());
    }
    return String.join(", ", named);
  }
}
