package io.xenmigration.migration;

import io.xenmigration.scheduler.HostFacts;
import io.xenmigration.scheduler.VmNeeds;
import io.xenmigration.xen.HostInfo;
import io.xenmigration.xen.VmFacts;
import io.xenmigration.xen.VmInfo;

/** What the scheduler reads of the pool's inventory, for migrations and maintenance plans alike. */
public final class SchedulerFacts {

  private SchedulerFacts() {}

  /** Every host of a pool as the scheduler weighs it. */
  public static java.util.List<HostFacts> hosts(io.xenmigration.xen.PoolInventory inventory) {
    java.util.List<HostFacts> hosts = new java.util.ArrayList<>();
    for (HostInfo host : inventory.hosts()) {
      hosts.add(host(host));
    }
    return hosts;
  }

  /** A host as the scheduler weighs it. */
  public static HostFacts host(HostInfo host) {
    return new HostFacts(
        host.uuid(),
        host.name(),
        host.enabled(),
        host.live(),
        host.platformName(),
        host.platformVersion(),
        host.memoryFreeBytes(),
        host.cpuCount(),
        host.storage(),
        host.networks());
  }

  /** What a VM running on a host needs of its destination. */
  public static VmNeeds needs(VmInfo vm, HostInfo source, VmFacts facts) {
    return new VmNeeds(
        vm.uuid(),
        vm.name(),
        source.uuid(),
        source.platformName(),
        source.platformVersion(),
        vm.memoryBytes(),
        facts.vcpus(),
        facts.storage(),
        facts.networks());
  }
}
