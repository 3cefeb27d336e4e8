package io.xenmigration.xapisim;

import static io.xenmigration.testing.SimFixtures.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Host;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VM;
import io.xenmigration.xapisim.model.SimPool;
import io.xenmigration.xapisim.model.SimVm;
import io.xenmigration.xapisim.model.XClass;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pools described in a file, and generated pools, come out as described. */
class PoolFileTest {

  private static XapiSimulator start(Path file) throws Exception {
    return PoolFile.addTo(
            XapiSimulator.builder().clock(new ManualClock(Instant.EPOCH)), PoolFile.read(file))
        .start();
  }

  @Test
  void listedPoolHasItsHostsVmsStorageAndCredentials() throws Exception {
    try (XapiSimulator simulator = start(Path.of("src/test/resources/xapisim/pools.yaml"))) {
      Connection connection = new Connection(simulator.url("lab"));
      assertThatThrownBy(() -> Session.loginWithPassword(connection, "root", "password", "2.14"))
          .isInstanceOf(Types.SessionAuthenticationFailed.class);
      Session.loginWithPassword(connection, "root", "s3cret", "2.14");
      simulator.inWorld(
          w -> {
            SimPool lab = w.pool("lab");
            assertThat(lab.host("lab-1").memoryTotal).isEqualTo(32 * GIB);
            assertThat(lab.host("lab-1").cpuCount).isEqualTo(8);
            assertThat(lab.host("lab-2").productVersion).isEqualTo("8.3.0");
            assertThat(lab.defaultSr.nameLabel).isEqualTo("nfs-lab");
            SimVm db = lab.vm("db-01");
            assertThat(db.residentOn.nameLabel).isEqualTo("lab-2");
            assertThat(db.vcpusMax).isEqualTo(4);
            assertThat(db.dirtyBytesPerSecond).isEqualTo(300L << 20);
            assertThat(db.vbds.get(0).vdi.sr.nameLabel).isEqualTo("Local storage on lab-2");
            assertThat(db.vbds.get(0).vdi.virtualSize).isEqualTo(100 * GIB);
            assertThat(lab.<SimVm>all(XClass.VM)).anyMatch(v -> v.isATemplate);
            assertThat(lab.host("lab-2").xapiVersion).isEqualTo("25.31.0");
            assertThat(lab.host("lab-1").xapiVersion).isEqualTo("1.249.32");
            assertThat(lab.host("lab-3").enabled).isFalse();
            assertThat(lab.haEnabled).isTrue();
            assertThat(lab.vm("web-01").blockedOperations)
                .containsExactly(java.util.Map.entry("pool_migrate", "licence pinned"));
            SimVm gpu = lab.vm("gpu-01");
            assertThat(gpu.vgpuAttached).isTrue();
            assertThat(gpu.pciAttached).isTrue();
            assertThat(gpu.haRestartPriority).isEqualTo("restart");
            SimVm spare = lab.vm("spare-01");
            assertThat(spare.powerState).isEqualTo("Halted");
            assertThat(spare.residentOn).isNull();
            assertThat(lab.host("lab-1").residentVms).doesNotContain(spare);
            // The pool's CPU level is what every host offers; VMs boot with it unless told.
            assertThat(lab.cpuInfo().get("features_hvm")).isEqualTo("1fcbfbff-f7fa3223");
            assertThat(db.lastBootCpuFlags)
                .containsEntry("vendor", "GenuineIntel")
                .containsEntry("features", "1fcbfbff-f7fa3223");
            assertThat(lab.restrictions).containsEntry("restrict_storage_xen_motion", "true");
            assertThat(lab.sm("nfs").features)
                .containsExactly(
                    java.util.Map.entry("VDI_CREATE", 1L), java.util.Map.entry("VDI_SNAPSHOT", 2L));
            return null;
          });
      // A VM that booted with features lab-2 lacks cannot go there; one with the pool's level can.
      VM legacy = VM.getByNameLabel(connection, "legacy-01").iterator().next();
      Host lab2 = Host.getByNameLabel(connection, "lab-2").iterator().next();
      assertThatThrownBy(() -> legacy.assertCanBootHere(connection, lab2))
          .isInstanceOf(Types.VmIncompatibleWithThisHost.class);
      VM web = VM.getByNameLabel(connection, "web-01").iterator().next();
      web.assertCanBootHere(connection, lab2);
    }
  }

  @Test
  void generatedPoolsAreLargeMixedAndRepeatable() throws Exception {
    try (XapiSimulator first = start(Path.of("src/test/resources/xapisim/pools.yaml"));
        XapiSimulator second = start(Path.of("src/test/resources/xapisim/pools.yaml"))) {
      List<String> one = placement(first);
      assertThat(one).isEqualTo(placement(second));
      first.inWorld(
          w -> {
            SimPool big = w.pool("big");
            assertThat(big.count(XClass.HOST)).isEqualTo(20);
            List<SimVm> vms = big.<SimVm>all(XClass.VM).stream().filter(SimVm::isOrdinary).toList();
            assertThat(vms).hasSize(300);
            assertThat(vms).anyMatch(v -> !v.vbds.get(0).vdi.sr.shared);
            assertThat(vms).anyMatch(v -> v.vbds.get(0).vdi.sr.shared);
            assertThat(vms.stream().map(v -> v.memoryDynamicMax).distinct().count())
                .isGreaterThan(3);
            return null;
          });
    }
  }

  @Test
  void unknownKeysAndHostsAreRefusedWithTheirNames(@TempDir Path dir) throws Exception {
    Path typo = dir.resolve("typo.yaml");
    Files.writeString(typo, "pools:\n  - name: x\n    hostz: []\n");
    assertThatThrownBy(() -> PoolFile.read(typo)).hasMessageContaining("hostz");
    Path badHost = dir.resolve("bad.yaml");
    Files.writeString(badHost, "pools:\n  - name: x\n    vms:\n      - {name: v, host: nowhere}\n");
    assertThatThrownBy(() -> start(badHost)).hasMessageContaining("nowhere");
    Path badCpu = dir.resolve("cpu.yaml");
    Files.writeString(
        badCpu, "pools:\n  - name: x\n    hosts:\n      - {name: h, cpuFeatures: 'sse4,avx'}\n");
    assertThatThrownBy(() -> start(badCpu))
        .hasMessageContaining("host h")
        .hasMessageContaining("hex");
  }

  private static List<String> placement(XapiSimulator simulator) {
    return simulator.inWorld(
        w ->
            w.pool("big").<SimVm>all(XClass.VM).stream()
                .filter(SimVm::isOrdinary)
                .map(v -> v.nameLabel + "@" + v.residentOn.nameLabel + "/" + v.memoryDynamicMax)
                .toList());
  }
}
