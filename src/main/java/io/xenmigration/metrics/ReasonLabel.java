package io.xenmigration.metrics;

import java.util.Set;

/**
 * The reason label of a metric, from a closed set: a migration's reason is often an error code the
 * pool chose, and every new label value is a new time series, so a pool must not be able to make
 * the operator grow them without bound. Reasons outside the set count as {@value #OTHER}.
 */
final class ReasonLabel {

  /** The label of every reason outside the set. */
  static final String OTHER = "Other";

  /** The operator's own reasons for ending or rolling back a migration. */
  private static final Set<String> OWN =
      Set.of(
          "Completed",
          "Cancelled",
          "InvalidSpec",
          "Forbidden",
          "NoHostFits",
          "NoAttemptsLeft",
          "VMNotFound",
          "VMNotRunning",
          "VMBusy",
          "SourceHostDown",
          "StartUnconfirmed",
          "TaskLost",
          "ProgressTimeout",
          "CompletionTimeout",
          "PoolNotFound",
          "PoolNotReady",
          "PoolDeleting",
          "PoolNotConnected",
          "XenApiUnavailable",
          "StorageMigrationLimit",
          "InventoryStale");

  /** The XenAPI error codes migrations end with, and the driver's own connection codes. */
  private static final Set<String> XENAPI =
      Set.of(
          "VM_MIGRATE_FAILED",
          "VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED",
          "MIRROR_FAILED",
          "VDI_COPY_FAILED",
          "VM_BAD_POWER_STATE",
          "VM_NOT_FOUND",
          "VM_NOT_ON_DESTINATION",
          "VM_REQUIRES_SR",
          "VM_REQUIRES_NETWORK",
          "VM_HAS_PCI_ATTACHED",
          "VM_HAS_VGPU",
          "VM_INCOMPATIBLE_WITH_THIS_HOST",
          "VM_HOST_INCOMPATIBLE_VERSION",
          "VM_LACKS_FEATURE",
          "HOST_NOT_ENOUGH_FREE_MEMORY",
          "HOST_OFFLINE",
          "HOST_NOT_LIVE",
          "HOST_STILL_BOOTING",
          "HOST_CANNOT_ATTACH_NETWORK",
          "HOST_DISABLED",
          "CANNOT_CONTACT_HOST",
          "OTHER_OPERATION_IN_PROGRESS",
          "OPERATION_NOT_ALLOWED",
          "SR_BACKEND_FAILURE",
          "TOO_MANY_STORAGE_MIGRATES",
          "TASK_CANCELLED",
          "SESSION_INVALID",
          "SESSION_AUTHENTICATION_FAILED",
          "INTERNAL_ERROR",
          "TIMEOUT",
          "CONNECTION_REFUSED",
          "CONNECTION_FAILED",
          "BAD_SERVER_RESPONSE",
          "TLS_VERIFICATION_FAILED");

  private ReasonLabel() {}

  /** The label for a reason: itself when known, else {@value #OTHER}. */
  static String of(String reason) {
    return reason != null && (OWN.contains(reason) || XENAPI.contains(reason)) ? reason : OTHER;
  }
}
