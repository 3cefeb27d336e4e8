package io.xenmigration.xen;

import java.util.List;
import java.util.Set;

/**
 * Everything the operator knows about XenAPI's errors, in one place: which ones may pass if the
 * same call is made again later, whether a failed call may still have started something, and whose
 * fault a failed migration was (so whether another destination may succeed).
 */
public final class ErrorCatalog {

  /**
   * Codes for which the same call may succeed later: the pool is busy, a session expired, or the
   * remote side could not be reached for a moment. Everything else is a refusal of the request.
   */
  static final Set<String> TRANSIENT_CODES =
      Set.of(
          PoolWrites.NOT_LEADING,
          "SESSION_INVALID",
          "TOO_MANY_STORAGE_MIGRATES",
          "OTHER_OPERATION_IN_PROGRESS",
          "VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED",
          "CANNOT_CONTACT_HOST",
          "HOST_STILL_BOOTING",
          "EVENTS_LOST",
          XenApiException.CONNECTION_REFUSED,
          XenApiException.CONNECTION_FAILED,
          XenApiException.TIMEOUT,
          XenApiException.BAD_SERVER_RESPONSE);

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
          "VM_NOT_ON_DESTINATION",
          "VM_INCOMPATIBLE_WITH_THIS_HOST");

  /** Codes naming a host that is down; the blame goes to whichever host they name. */
  private static final Set<String> HOST_DOWN_CODES = Set.of("HOST_OFFLINE", "HOST_NOT_LIVE");

  /**
   * Codes of ours for a call that never reached the pool: a migration start failing so started
   * nothing, and another attempt is as safe as the first.
   */
  private static final Set<String> NOT_SENT_CODES =
      Set.of(XenApiException.CONNECTION_REFUSED, PoolWrites.NOT_LEADING);

  /**
   * Evacuation-plan verdicts that do not pin a VM to its host when it moves on its own: they are
   * about xapi's all-or-nothing plan (its memory packing, its HA rule, no host at all) or a passing
   * state, and a LiveMigration, with its own placement and checks, may still move the VM.
   */
  private static final Set<String> PLAN_ONLY_CODES =
      Set.of(
          "HOST_NOT_ENOUGH_FREE_MEMORY",
          "NO_HOSTS_AVAILABLE",
          "HOST_EVACUATE_VM_NOT_HA_PROTECTED",
          "OTHER_OPERATION_IN_PROGRESS",
          "VM_REQUIRES_NETWORK",
          "VM_REQUIRES_NET");

  /** The blocker of a VM whose disks only its host sees: a storage migration can move it. */
  public static final String LOCAL_STORAGE = "VM_REQUIRES_SR";

  private ErrorCatalog() {}

  /**
   * Whether an entry of {@code host.get_vms_which_prevent_evacuation} keeps the VM on its host
   * whatever moves it: a blocked operation, a passed-through device, a paused VM, or (unless its
   * disks may be copied) storage only that host sees.
   */
  public static boolean pinsVmToHost(String code, boolean disksMayMove) {
    if (LOCAL_STORAGE.equals(code)) {
      return !disksMayMove;
    }
    return !PLAN_ONLY_CODES.contains(code);
  }

  /** Whether a retry of the same call may succeed. */
  public static XenApiException.Kind kind(String code) {
    return TRANSIENT_CODES.contains(code)
        ? XenApiException.Kind.TRANSIENT
        : XenApiException.Kind.TERMINAL;
  }

  /** The error a failed or cancelled task reports, classified like any other XenAPI error. */
  public static XenApiException ofTask(MigrationTask task) {
    List<String> info = task.error().isEmpty() ? List.of("INTERNAL_ERROR") : task.error();
    return new XenApiException(
        info.get(0),
        info.subList(1, info.size()),
        kind(info.get(0)),
        task.describe() + " " + task.status().name().toLowerCase(java.util.Locale.ROOT),
        null,
        true);
  }

  /**
   * Whether a call that failed this way may still have been carried out: xapi did not answer (the
   * connection broke, the answer did not come in time), so a migration may have started although
   * its start call failed.
   */
  public static boolean mayHaveTakenEffect(XenApiException e) {
    return !e.answeredByXapi() && !NOT_SENT_CODES.contains(e.code());
  }

  /** Whether a failed start provably started nothing, so another attempt is safe. */
  public static boolean startedNothing(XenApiException e) {
    return !mayHaveTakenEffect(e);
  }

  /**
   * Whether another destination may succeed after a migration failed this way: only when the error
   * lies with the destination or the path to it. A failure of the VM, of the source host, a timeout
   * or a cancel ends the migration instead, because another host would fail the same way.
   *
   * @param code the XenAPI error code (or one of ours, such as {@code ProgressTimeout})
   * @param params the error's parameters
   * @param sourceHostRef the reference of the host the VM ran on, or null when unknown
   */
  public static boolean destinationFault(String code, List<String> params, String sourceHostRef) {
    if (code == null) {
      return false;
    }
    if (HOST_DOWN_CODES.contains(code)) {
      return params.isEmpty() || !params.get(0).equals(sourceHostRef);
    }
    // A start that could not reach the pool may go elsewhere; one this process held back because
    // it may no longer lead is no one's fault: whoever leads judges the attempt afresh.
    return DESTINATION_CODES.contains(code)
        || code.startsWith("SR_BACKEND_FAILURE")
        || XenApiException.CONNECTION_REFUSED.equals(code);
  }
}
