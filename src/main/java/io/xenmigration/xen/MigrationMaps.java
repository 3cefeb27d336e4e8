package io.xenmigration.xen;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The disk and network maps {@code VM.migrate_send} and {@code VM.assert_can_migrate} take, built
 * the way xapi wants them: every disk in the VDI map (xapi refuses a missing one with
 * VDI_NOT_IN_MAP), and a VIF map only across pools (xapi refuses one within a pool).
 */
public final class MigrationMaps {

  private MigrationMaps() {}

  /**
   * Each disk mapped to the SR it goes to: the target SR when it is copied, its own SR when the
   * destination already sees it and copying is not asked for.
   *
   * @param destinationSees SRs the destination host has attached
   * @param copyAll copy every disk even when the destination sees it (storage migration {@code
   *     Always}, or a cross-pool move)
   */
  public static Map<String, String> disks(
      VmFacts vm, Set<String> destinationSees, String targetSr, boolean copyAll) {
    Map<String, String> map = new LinkedHashMap<>();
    for (VmFacts.Disk disk : vm.disks()) {
      boolean stays = !copyAll && destinationSees.contains(disk.sr());
      map.put(disk.vdi(), stays ? disk.sr() : targetSr);
    }
    return map;
  }

  /** Whether any disk would be copied with this map. */
  public static boolean copiesDisks(VmFacts vm, Map<String, String> diskMap) {
    for (VmFacts.Disk disk : vm.disks()) {
      if (!disk.sr().equals(diskMap.get(disk.vdi()))) {
        return true;
      }
    }
    return false;
  }

  /** Every interface on the destination network across pools; nothing within a pool. */
  public static Map<String, String> interfaces(
      VmFacts vm, boolean crossPool, String destinationNetwork) {
    Map<String, String> map = new LinkedHashMap<>();
    if (crossPool) {
      vm.nics().forEach(nic -> map.put(nic.vif(), destinationNetwork));
    }
    return map;
  }
}
