package io.xenmigration.xen;

import java.time.Instant;
import java.util.List;

/**
 * What a pool holds, read in one pass: its hosts with their live data and its VMs.
 *
 * @param name the pool's name-label
 * @param master the master host's ref
 * @param defaultSr the default SR's ref, or null
 * @param apiVersion the master's XenAPI version, as {@code major.minor}
 * @param hosts every host
 * @param vms every VM, without templates, snapshots and control domains
 * @param readAt when the pool was read
 */
public record PoolInventory(
    String name,
    String master,
    String defaultSr,
    String apiVersion,
    List<HostInfo> hosts,
    List<VmInfo> vms,
    Instant readAt) {

  /** The host with this ref, or null. */
  public HostInfo host(String ref) {
    for (HostInfo host : hosts) {
      if (host.ref().equals(ref)) {
        return host;
      }
    }
    return null;
  }

  /** The master host. */
  public HostInfo masterHost() {
    return host(master);
  }
}
