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

  /** A disk: the VDI, its name-label, the SR holding it and its size. */
  public record Disk(String vdi, String name, String sr, long sizeBytes) {}

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
