package io.xenmigration.xen;

import java.util.Set;

/**
 * One host as the driver last read it.
 *
 * @param ref the host's XenAPI ref
 * @param uuid its UUID
 * @param name its name-label
 * @param address its management IP
 * @param enabled false while disabled
 * @param live whether its heartbeat is alive
 * @param platformName the hypervisor platform, such as {@code XCP}
 * @param platformVersion the platform's version, such as {@code 3.2.1}
 * @param productVersion the product's version, such as {@code 8.2.1}
 * @param memoryTotalBytes total memory
 * @param memoryFreeBytes memory free for guests
 * @param cpuCount physical CPUs
 * @param storage refs of the SRs the host has attached
 * @param networks refs of the networks it has an interface on
 * @param residentVms running VMs, without its control domain
 */
public record HostInfo(
    String ref,
    String uuid,
    String name,
    String address,
    boolean enabled,
    boolean live,
    String platformName,
    String platformVersion,
    String productVersion,
    long memoryTotalBytes,
    long memoryFreeBytes,
    int cpuCount,
    Set<String> storage,
    Set<String> networks,
    int residentVms) {}
