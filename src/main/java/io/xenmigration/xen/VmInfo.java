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
 */
public record VmInfo(
    String ref, String uuid, String name, String powerState, String residentOn, long memoryBytes) {}
