package io.xenmigration.xen;

import java.time.Instant;
import java.util.List;

/**
 * What a pool holds, read in one pass: its hosts with their live data and its VMs.
 *
 * @param uuid the pool's UUID: its identity, whatever XenPool objects name it
 * @param name the pool's name-label
 * @param master the master host's ref
 * @param defaultSr the default SR's ref, or null
 * @param apiVersion the master's XenAPI version, as {@code major.minor}
 * @param hosts every host
 * @param vms every VM, without templates, snapshots and control domains
 * @param srs every SR
 * @param readAt when the pool was read
 */
public record PoolInventory(
    String uuid,
    String name,
    String master,
    String defaultSr,
    String apiVersion,
    List<HostInfo> hosts,
    List<VmInfo> vms,
    List<SrInfo> srs,
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

  /** The host with this UUID, or null. */
  public HostInfo hostByUuid(String uuid) {
    for (HostInfo host : hosts) {
      if (host.uuid().equals(uuid)) {
        return host;
      }
    }
    return null;
  }

  /** The SR with this ref, or null. */
  public SrInfo sr(String ref) {
    for (SrInfo sr : srs) {
      if (sr.ref().equals(ref)) {
        return sr;
      }
    }
    return null;
  }

  /** The SR with this UUID, or null. */
  public SrInfo srByUuid(String uuid) {
    for (SrInfo sr : srs) {
      if (sr.uuid().equals(uuid)) {
        return sr;
      }
    }
    return null;
  }

  /** The master host. */
  public HostInfo masterHost() {
    return host(master);
  }
}
