package io.xenmigration.scheduler;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One question to the scheduler: where can this VM go?
 *
 * @param migration the asking migration's identity; its reservation is replaced on every request
 * @param vm what the VM needs
 * @param hosts the candidate hosts, with live data (the destination pool's for a cross-pool move)
 * @param excluded hosts (UUIDs) refused by earlier attempts of the same migration
 * @param requestedHost a host the user named (name-label or UUID), or null to let the scheduler
 *     choose
 * @param storageMigrationAllowed whether disks may be copied; when false a host must see every SR
 *     of the VM
 * @param networksMapped whether the VM's networks are mapped to others (cross-pool), so a host need
 *     not have them
 * @param maxInboundPerHost migrations arriving at one host at once
 * @param heldHosts hosts (UUIDs) a HostMaintenance holds, never a destination, with the maintenance
 *     that holds each (namespace/name)
 */
public record PlacementRequest(
    String migration,
    VmNeeds vm,
    List<HostFacts> hosts,
    Set<String> excluded,
    String requestedHost,
    boolean storageMigrationAllowed,
    boolean networksMapped,
    int maxInboundPerHost,
    Map<String, String> heldHosts) {

  public PlacementRequest {
    hosts = List.copyOf(hosts);
    excluded = Set.copyOf(excluded);
    heldHosts = Map.copyOf(heldHosts);
  }

  /** A request while no host is under maintenance. */
  public PlacementRequest(
      String migration,
      VmNeeds vm,
      List<HostFacts> hosts,
      Set<String> excluded,
      String requestedHost,
      boolean storageMigrationAllowed,
      boolean networksMapped,
      int maxInboundPerHost) {
    this(
        migration,
        vm,
        hosts,
        excluded,
        requestedHost,
        storageMigrationAllowed,
        networksMapped,
        maxInboundPerHost,
        Map.of());
  }
}
