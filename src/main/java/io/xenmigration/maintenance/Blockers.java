package io.xenmigration.maintenance;

import io.xenmigration.xen.HostInfo;
import io.xenmigration.xen.PoolInventory;
import io.xenmigration.xen.SrInfo;
import io.xenmigration.xen.VmInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * What each reason a VM cannot leave its host means to the person draining it, and how to clear it;
 * XenAPI refs in an error's parameters are shown by name.
 */
final class Blockers {

  /** Our code for a VM no host can take now. */
  static final String NO_HOST_FITS = "NoHostFits";

  private Blockers() {}

  /** The parameters with every ref the inventory knows replaced by its name-label. */
  static List<String> named(List<String> params, PoolInventory inventory) {
    List<String> named = new ArrayList<>();
    for (String param : params) {
      named.add(name(param, inventory));
    }
    return named;
  }

  private static String name(String ref, PoolInventory inventory) {
    if (inventory == null || !ref.startsWith("OpaqueRef:")) {
      return ref;
    }
    for (VmInfo vm : inventory.vms()) {
      if (vm.ref().equals(ref)) {
        return vm.name();
      }
    }
    HostInfo host = inventory.host(ref);
    if (host != null) {
      return host.name();
    }
    SrInfo sr = inventory.sr(ref);
    if (sr != null && sr.name() != null) {
      return sr.name();
    }
    return ref;
  }

  /** The sentence for a blocker: what xapi says and what clears it. */
  static String explain(String vm, String code, List<String> params) {
    String detail = params.size() > 1 ? params.get(1) : "";
    return switch (code) {
      case "OPERATION_BLOCKED" ->
          "xapi blocks migrating "
              + vm
              + (detail.isEmpty() ? "" : " (" + detail + ")")
              + "; remove pool_migrate and migrate_send from its blocked-operations to let it move";
      case "VM_REQUIRES_SR" ->
          vm
              + " has disks on "
              + (detail.isEmpty() ? "storage" : detail)
              + ", which only this host sees; set spec.storageMigration: Auto to copy them, or"
              + " shut it down";
      case "VM_HAS_PCI_ATTACHED" ->
          vm + " has a PCI device passed through; detach it or shut the VM down";
      case "VM_HAS_VGPU" -> vm + " has a virtual GPU; shut it down to empty the host";
      case "VM_HAS_VUSBS" -> vm + " has USB devices passed through; detach them or shut it down";
      case "VM_HAS_SRIOV_VIF" -> vm + " has an SR-IOV interface; shut it down to empty the host";
      case "VM_BAD_POWER_STATE" ->
          vm + " is not running (" + String.join(", ", params) + "); unpause it or shut it down";
      case "VM_IS_IMMOBILE", "VM_LACKS_FEATURE", "VM_LACKS_FEATURE_SUSPEND", "VM_NON_SUSPENDABLE" ->
          vm + " cannot be live-migrated (" + code + "); shut it down to empty the host";
      default -> "xapi: " + code + (params.isEmpty() ? "" : " " + String.join(", ", params));
    };
  }
}
