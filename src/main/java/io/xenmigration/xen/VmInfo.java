package io.xenmigration.xen;

/**
 * A VM (never a template, snapshot or control domain) as the driver last read it.
 *
 * @param ref its XenAPI ref
 * @param uuid its UUID
 * @param name its name-label
 * @param powerState {@code Running}, {@code Paused}, {@code Halted} or {@code Suspended}
 * @param residentOn the ref of the host it runs on, or null
 * @param memoryBytes memory it takes on a host (dynamic maximum plus Xen's overhead)
 * @param currentOperations operations running on it: task ref → operation (such as {@code
 *     pool_migrate})
 */
public record VmInfo(
    String ref,
    String uuid,
    String name,
    String powerState,
    String residentOn,
    long memoryBytes,
    java.util.Map<String, String> currentOperations) {

  /** Whether it runs (or is paused) on this host. */
  public boolean runsOn(String hostRef) {
    return hostRef.equals(residentOn)
        && ("Running".equals(powerState) || "Paused".equals(powerState));
  }
}
