package io.xenmigration.xen;

import java.util.List;

/**
 * What placing and moving one VM needs to know: its state, disks and interfaces.
 *
 * @param vm the VM
 * @param vcpus its virtual CPUs
 * @param disks its disks (CD drives left out)
 * @param nics its network interfaces
 */
public record VmFacts(VmInfo vm, int vcpus, List<Disk> disks, List<Nic> nics) {

  /**
   * A disk: the VDI (ref and UUID), its name-label, the SR holding it, its size, and its location
   * on the SR.
   */
  public record Disk(
      String vdi, String uuid, String name, String sr, long sizeBytes, String location) {

    /**
     * The mark xapi puts on the VDIs a storage migration of this disk creates on its destination,
     * given its SR's UUID: {@code <source SR uuid>/<location>} ({@code storage_migrate_helper.ml},
     * {@code mirror_id_of}).
     */
    public String mirrorId(String srUuid) {
      return srUuid + "/" + location;
    }
  }

  /** A network interface: the VIF, its device number, MAC and network. */
  public record Nic(String vif, String device, String mac, String network) {}

  /** The SRs holding the VM's disks. */
  public java.util.Set<String> storage() {
    return disks.stream().map(Disk::sr).collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  /** The networks the VM's interfaces are on. */
  public java.util.Set<String> networks() {
    return nics.stream().map(Nic::network).collect(java.util.stream.Collectors.toUnmodifiableSet());
  }
}
