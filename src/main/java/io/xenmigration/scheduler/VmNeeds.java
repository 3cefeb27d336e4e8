package io.xenmigration.scheduler;

import java.util.Set;

/**
 * What a VM needs of a destination host.
 *
 * @param uuid the VM's UUID
 * @param name its name-label
 * @param sourceHost UUID of the host it runs on
 * @param platformName the source host's platform, such as {@code XCP}
 * @param platformVersion the source host's platform version: the destination must not be older
 * @param memoryBytes memory the VM takes on a host (its target plus Xen's overhead)
 * @param vcpus virtual CPUs
 * @param storage UUIDs of the SRs holding its disks
 * @param networks UUIDs of the networks its interfaces are on
 */
public record VmNeeds(
    String uuid,
    String name,
    String sourceHost,
    String platformName,
    String platformVersion,
    long memoryBytes,
    int vcpus,
    Set<String> storage,
    Set<String> networks) {

  public VmNeeds {
    storage = Set.copyOf(storage);
    networks = Set.copyOf(networks);
  }
}
