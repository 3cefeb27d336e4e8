package io.xenmigration.xen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The VDI and VIF maps follow xapi's rules for each kind of migration. */
class MigrationMapsTest {

  private static final VmFacts VM =
      new VmFacts(
          new VmInfo("vm", "uuid", "web-01", "Running", "host-1", 4L << 30, java.util.Map.of()),
          2,
          List.of(
              new VmFacts.Disk("vdi-shared", "u0", "d0", "sr-nfs", 1, "u0"),
              new VmFacts.Disk("vdi-local", "u1", "d1", "sr-local-1", 1, "u1")),
          List.of(new VmFacts.Nic("vif-0", "0", "aa:bb", "net-a")));

  @Test
  void sharedDisksStayAndOthersAreCopiedWithinAPool() {
    Map<String, String> disks =
        MigrationMaps.disks(VM, Set.of("sr-nfs", "sr-local-2"), "sr-local-2", false);
    assertThat(disks)
        .containsExactly(Map.entry("vdi-shared", "sr-nfs"), Map.entry("vdi-local", "sr-local-2"));
    assertThat(MigrationMaps.copiesDisks(VM, disks)).isTrue();
    assertThat(MigrationMaps.interfaces(VM, false, "net-a")).isEmpty();
  }

  @Test
  void everyDiskAndInterfaceMovesAcrossPools() {
    Map<String, String> disks = MigrationMaps.disks(VM, Set.of(), "sr-b", true);
    assertThat(disks).containsOnlyKeys("vdi-shared", "vdi-local").containsValues("sr-b");
    assertThat(MigrationMaps.interfaces(VM, true, "net-b"))
        .containsExactly(Map.entry("vif-0", "net-b"));
  }

  @Test
  void nothingIsCopiedWhenTheDestinationSeesEverything() {
    Map<String, String> disks =
        MigrationMaps.disks(VM, Set.of("sr-nfs", "sr-local-1"), "sr-x", false);
    assertThat(MigrationMaps.copiesDisks(VM, disks)).isFalse();
  }
}
