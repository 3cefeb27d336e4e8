package io.xenmigration.migration;

import java.util.List;
import java.util.Set;

/**
 * Decides whether a failed migration may succeed on another destination host: only when XenAPI's
 * error lies with the destination or the path to it. A failure of the VM, of the source host, a
 * timeout or a cancel ends the migration instead, because another host would fail the same way.
 */
final class FailureBlame {

  /** Codes xapi reports for trouble at the receiving end of a migration. */
  private static final Set<String> DESTINATION_CODES =
      Set.of(
          "HOST_NOT_ENOUGH_FREE_MEMORY",
          "HOST_CANNOT_ATTACH_NETWORK",
          "VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED",
          "VM_MIGRATE_FAILED",
          "MIRROR_FAILED",
          "VDI_COPY_FAILED",
          "TOO_MANY_STORAGE_MIGRATES",
          "VM_NOT_ON_DESTINATION");

  /** Codes naming a host that is down; the blame goes to whichever host they name. */
  private static final Set<String> HOST_DOWN_CODES = Set.of("HOST_OFFLINE", "HOST_NOT_LIVE");

  private FailureBlame() {}

  /**
   * Whether another destination may succeed.
   *
   * @param code the XenAPI error code (or one of ours, such as {@code ProgressTimeout})
   * @param params the error's parameters
   * @param sourceHostRef the reference of the host the VM ran on
   */
  static boolean destinationFault(String code, List<String> params, String sourceHostRef) {
    if (code == null) {
      return false;
    }
    if (HOST_DOWN_CODES.contains(code)) {
      return params.isEmpty() || !params.get(0).equals(sourceHostRef);
    }
    return DESTINATION_CODES.contains(code) || code.startsWith("SR_BACKEND_FAILURE");
  }
}
