package io.xenmigration.scheduler;

import java.util.Set;

/**
 * What the scheduler knows of one host, read from the pool's inventory.
 *
 * @param uuid the host's UUID
 * @param name its name-label
 * @param enabled false while the host is disabled, for maintenance for instance
 * @param live whether the host's heartbeat is alive
 * @param platformName the hypervisor platform, such as {@code XCP}
 * @param platformVersion the platform's version, such as {@code 3.2.1}
 * @param freeMemoryBytes memory free for new guests, before in-flight reservations
 * @param cpuCount physical CPUs
 * @param storage UUIDs of the SRs the host has attached
 * @param networks UUIDs of the networks the host has an interface on
 */
public record HostFacts(
    String uuid,
    String name,
    boolean enabled,
    boolean live,
    String platformName,
    String platformVersion,
    long freeMemoryBytes,
    int cpuCount,
    Set<String> storage,
    Set<String> networks) {

  public HostFacts {
    storage = Set.copyOf(storage);
    networks = Set.copyOf(networks);
  }
}
