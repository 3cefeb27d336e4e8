package io.xenmigration.xapisim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.xensource.xenapi.Types;
import io.xenmigration.testing.SimClient;
import io.xenmigration.testing.SimFixtures;
import io.xenmigration.testing.XenErrors;
import io.xenmigration.xapisim.engine.SimSettings;
import io.xenmigration.xapisim.model.CpuFeatures;
import io.xenmigration.xapisim.model.PoolBuilder;
import io.xenmigration.xapisim.model.SimHost;
import io.xenmigration.xapisim.model.SimNetwork;
import io.xenmigration.xapisim.model.SimPool;
import io.xenmigration.xapisim.model.SimVm;
import io.xenmigration.xapisim.model.SimWorld;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pre-check, one row each, through the real SDK: the right code with the right parameters,
 * and when several checks apply, the one xapi checks first.
 */
class SimulatorPreCheckTest {

  /** What a row does before the call: change the model; name refs for the expectation. */
  private interface Setup extends BiConsumer<SimWorld, Map<String, String>> {}

  /** The SDK call a row makes. */
  private enum Attempt {
    POOL_MIGRATE_SHARED,
    POOL_MIGRATE_LOCAL,
    ASSERT_CAN_BOOT_SHARED,
    STORAGE_MIGRATE_LOCAL,
    STORAGE_MIGRATE_LOCAL_WITHOUT_DISKS,
    STORAGE_MIGRATE_LOCAL_WITH_VIFS,
    CROSS_POOL_SHARED,
    CROSS_POOL_SHARED_WITHOUT_VIFS,
    CROSS_POOL_SHARED_WITHOUT_DISKS_OR_VIFS,
    MIGRATE_RECEIVE_ON_EXTRA_NETWORK,
    POOL_MIGRATE_TEMPLATE,
    POOL_MIGRATE_CONTROL_DOMAIN
  }

  private ManualClock clock;
  private XapiSimulator simulator;
  private SimClient a;
  private SimClient b;

  @BeforeEach
  void start() {
    clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    simulator = SimFixtures.twoPools(clock, new SimSettings()).start();
    a = new SimClient(simulator, "pool-a");
    b = new SimClient(simulator, "pool-b");
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  private static SimPool poolA(SimWorld w) {
    return w.pool("pool-a");
  }

  private static SimVm shared(SimWorld w) {
    return poolA(w).vm("vm-shared");
  }

  private static SimHost host2(SimWorld w) {
    return poolA(w).host("a-host-2");
  }

  private static Setup nothing() {
    return (w, refs) -> {};
  }

  private static Setup all(Setup... setups) {
    return (w, refs) -> {
      for (Setup setup : setups) {
        setup.accept(w, refs);
      }
    };
  }

  private static final Setup BLOCKED =
      (w, refs) -> shared(w).blockedOperations.put("pool_migrate", "under maintenance");
  private static final Setup HALTED = (w, refs) -> shared(w).powerState = "Halted";
  private static final Setup HOST_DOWN = (w, refs) -> host2(w).metrics.live = false;
  private static final Setup HOST_OFF = (w, refs) -> host2(w).enabled = false;
  private static final Setup NEW_HARDWARE = (w, refs) -> shared(w).hardwarePlatformVersion = 3;
  private static final Setup SMALL_HOST = (w, refs) -> host2(w).memoryTotal = 6L << 30;
  private static final Setup MANY_VCPUS = (w, refs) -> shared(w).vcpusMax = 32;
  private static final Setup OLD_HOST = (w, refs) -> host2(w).platformVersion = "3.1.0";
  private static final Setup OLD_REMOTE_HOST =
      (w, refs) -> w.pool("pool-b").host("b-host-1").platformVersion = "3.1.0";
  private static final Setup REMOTE_HOST_OFF =
      (w, refs) -> w.pool("pool-b").host("b-host-1").enabled = false;
  private static final Setup CBT =
      (w, refs) -> poolA(w).vm("vm-local").vbds.get(0).vdi.cbtEnabled = true;
  private static final Setup SMALL_REMOTE_HOST =
      (w, refs) -> w.pool("pool-b").host("b-host-1").memoryTotal = 4L << 30;

  /** a-host-2's CPU lacks a feature of the pool's level, which vm-shared booted with. */
  private static final Setup OLDER_CPU =
      (w, refs) -> host2(w).cpuFeatures = "0" + CpuFeatures.INTEL_DEFAULT.substring(1);

  private static final Setup AMD_HOST = (w, refs) -> host2(w).cpuVendor = "AuthenticAMD";
  private static final Setup REMOTE_OLDER_CPU =
      (w, refs) ->
          w.pool("pool-b").host("b-host-1").cpuFeatures =
              "0" + CpuFeatures.INTEL_DEFAULT.substring(1);
  private static final Setup NO_XEN_MOTION =
      (w, refs) -> poolA(w).restrictions.put("restrict_xen_motion", "true");
  private static final Setup NO_STORAGE_MOTION =
      (w, refs) -> poolA(w).restrictions.put("restrict_storage_xen_motion", "true");
  private static final Setup LVM_CANNOT_MIRROR =
      (w, refs) -> poolA(w).sm("lvm").features.remove("VDI_MIRROR");
  private static final Setup REMOTE_NFS_CANNOT_MIRROR =
      (w, refs) -> {
        var driver = w.pool("pool-b").sm("nfs");
        driver.features.remove("VDI_MIRROR");
        driver.features.remove("VDI_SNAPSHOT");
      };

  /** vm-shared gets a second VIF on a network only a-host-1 reaches. */
  private static final Setup PRIVATE_NETWORK =
      (w, refs) -> {
        PoolBuilder builder = new PoolBuilder(poolA(w), 9);
        SimNetwork network = builder.addNetwork("backup", "xenbr1");
        for (SimHost host : builder.hosts()) {
          if (!host.nameLabel.equals("a-host-1")) {
            host.pifs.remove(host.pifOn(network));
            network.pifs.removeIf(p -> p.host == host);
          }
        }
        builder.addVif(shared(w), network, "1");
        refs.put("{net}", network.ref);
      };

  /** A network a-host-2 reaches through a PIF that has no IP. */
  private static final Setup EXTRA_NETWORK =
      (w, refs) -> {
        SimNetwork network = new PoolBuilder(poolA(w), 9).addNetwork("storage", "xenbr2");
        refs.put("{net}", network.ref);
        refs.put("{pif}", host2(w).pifOn(network).ref);
      };

  /** The same network, with the PIF of a-host-2 taken away. */
  private static final Setup EXTRA_NETWORK_WITHOUT_PIF =
      all(
          EXTRA_NETWORK,
          (w, refs) -> {
            SimHost host = host2(w);
            var pif = host.pifs.stream().filter(p -> p.ref.equals(refs.get("{pif}"))).findFirst();
            pif.ifPresent(p -> host.pifs.remove(p));
          });

  static Stream<Arguments> rows() {
    return Stream.of(
        row(
            "blocked operation",
            BLOCKED,
            Attempt.POOL_MIGRATE_SHARED,
            "OPERATION_BLOCKED",
            "{vm}",
            "under maintenance"),
        row(
            "halted VM",
            HALTED,
            Attempt.POOL_MIGRATE_SHARED,
            "VM_BAD_POWER_STATE",
            "{vm}",
            "running",
            "halted"),
        row(
            "template",
            nothing(),
            Attempt.POOL_MIGRATE_TEMPLATE,
            "VM_IS_TEMPLATE",
            "{template}",
            "pool_migrate"),
        row(
            "control domain",
            nothing(),
            Attempt.POOL_MIGRATE_CONTROL_DOMAIN,
            "OPERATION_NOT_ALLOWED",
            "This operation is not allowed on a control domain"),
        row("host not live", HOST_DOWN, Attempt.POOL_MIGRATE_SHARED, "HOST_NOT_LIVE"),
        row("host disabled", HOST_OFF, Attempt.POOL_MIGRATE_SHARED, "HOST_DISABLED", "{host}"),
        row(
            "newer virtual hardware",
            NEW_HARDWARE,
            Attempt.POOL_MIGRATE_SHARED,
            "VM_HOST_INCOMPATIBLE_VIRTUAL_HARDWARE_PLATFORM_VERSION",
            "{host}",
            "[0; 1; 2]",
            "{vm}",
            "3"),
        row(
            "local disk",
            nothing(),
            Attempt.POOL_MIGRATE_LOCAL,
            "VM_REQUIRES_SR",
            "{local-vm}",
            "{local-sr}"),
        row(
            "network missing on host",
            PRIVATE_NETWORK,
            Attempt.POOL_MIGRATE_SHARED,
            "VM_REQUIRES_NET",
            "{vm}",
            "{net}"),
        row(
            "not enough memory",
            SMALL_HOST,
            Attempt.POOL_MIGRATE_SHARED,
            "HOST_NOT_ENOUGH_FREE_MEMORY",
            "{needed}",
            "{available}"),
        row(
            "not enough CPUs",
            MANY_VCPUS,
            Attempt.POOL_MIGRATE_SHARED,
            "HOST_NOT_ENOUGH_PCPUS",
            "32",
            "16"),
        row(
            "older destination",
            OLD_HOST,
            Attempt.POOL_MIGRATE_SHARED,
            "NOT_SUPPORTED_DURING_UPGRADE"),
        row(
            "boot check: memory",
            SMALL_HOST,
            Attempt.ASSERT_CAN_BOOT_SHARED,
            "HOST_NOT_ENOUGH_FREE_MEMORY",
            "{needed}",
            "{available}"),
        row(
            "disk not in map",
            nothing(),
            Attempt.STORAGE_MIGRATE_LOCAL_WITHOUT_DISKS,
            "VDI_NOT_IN_MAP",
            "{local-vdi}"),
        row(
            "VIF map within a pool",
            nothing(),
            Attempt.STORAGE_MIGRATE_LOCAL_WITH_VIFS,
            "OPERATION_NOT_ALLOWED",
            "VIF mapping is not allowed for intra-pool migration -all VIFs must be on the same"
                + " network"),
        row("CBT on a disk", CBT, Attempt.STORAGE_MIGRATE_LOCAL, "VDI_CBT_ENABLED", "{local-vdi}"),
        row(
            "VIF not in map",
            nothing(),
            Attempt.CROSS_POOL_SHARED_WITHOUT_VIFS,
            "VIF_NOT_IN_MAP",
            "{vif}"),
        row(
            "older remote host",
            OLD_REMOTE_HOST,
            Attempt.CROSS_POOL_SHARED,
            "VM_HOST_INCOMPATIBLE_VERSION_MIGRATE",
            "{vm}",
            "{remote-host}"),
        row(
            "remote host disabled",
            REMOTE_HOST_OFF,
            Attempt.CROSS_POOL_SHARED,
            "HOST_DISABLED",
            "{remote-host}"),
        row(
            "remote memory",
            SMALL_REMOTE_HOST,
            Attempt.CROSS_POOL_SHARED,
            "HOST_NOT_ENOUGH_FREE_MEMORY",
            "{needed}",
            "{remote-available}"),
        row(
            "no PIF on the network",
            EXTRA_NETWORK_WITHOUT_PIF,
            Attempt.MIGRATE_RECEIVE_ON_EXTRA_NETWORK,
            "HOST_CANNOT_ATTACH_NETWORK",
            "{host}",
            "{net}"),
        row(
            "PIF without IP",
            EXTRA_NETWORK,
            Attempt.MIGRATE_RECEIVE_ON_EXTRA_NETWORK,
            "INTERFACE_HAS_NO_IP",
            "{pif}"),
        row(
            "CPU features missing",
            OLDER_CPU,
            Attempt.POOL_MIGRATE_SHARED,
            "VM_INCOMPATIBLE_WITH_THIS_HOST",
            "{vm}",
            "{host}",
            "VM last booted on a CPU with features this host's CPU does not have."),
        row(
            "CPU vendor differs",
            AMD_HOST,
            Attempt.ASSERT_CAN_BOOT_SHARED,
            "VM_INCOMPATIBLE_WITH_THIS_HOST",
            "{vm}",
            "{host}",
            "VM last booted on a host which had a CPU from a different vendor."),
        row(
            "CPU features missing in the other pool",
            REMOTE_OLDER_CPU,
            Attempt.CROSS_POOL_SHARED,
            "VM_INCOMPATIBLE_WITH_THIS_HOST",
            "OpaqueRef:NULL",
            "{remote-host}",
            "VM last booted on a CPU with features this host's CPU does not have."),
        row(
            "licence: no live migration",
            NO_XEN_MOTION,
            Attempt.POOL_MIGRATE_SHARED,
            "LICENCE_RESTRICTION",
            "Xen_motion"),
        row(
            "licence: no storage migration",
            NO_STORAGE_MOTION,
            Attempt.STORAGE_MIGRATE_LOCAL,
            "LICENCE_RESTRICTION",
            "Storage_motion"),
        row(
            "source SR cannot mirror",
            LVM_CANNOT_MIRROR,
            Attempt.STORAGE_MIGRATE_LOCAL,
            "SR_DOES_NOT_SUPPORT_MIGRATION",
            "{local-sr}",
            "VDI_MIRROR"),
        row(
            "destination SR cannot take a mirror",
            REMOTE_NFS_CANNOT_MIRROR,
            Attempt.CROSS_POOL_SHARED,
            "SR_DOES_NOT_SUPPORT_MIGRATION",
            "{remote-sr}",
            "VDI_SNAPSHOT;VDI_MIRROR_IN"),
        // Several checks apply: the first in xapi's order wins.
        row(
            "CPU beats the operation check",
            all(OLDER_CPU, BLOCKED),
            Attempt.POOL_MIGRATE_SHARED,
            "VM_INCOMPATIBLE_WITH_THIS_HOST",
            "{vm}",
            "{host}",
            "VM last booted on a CPU with features this host's CPU does not have."),
        row(
            "boot checks beat the licence",
            all(NO_XEN_MOTION, SMALL_HOST),
            Attempt.POOL_MIGRATE_SHARED,
            "HOST_NOT_ENOUGH_FREE_MEMORY",
            "{needed}",
            "{available}"),
        row(
            "storage licence beats the disk map",
            NO_STORAGE_MOTION,
            Attempt.STORAGE_MIGRATE_LOCAL_WITHOUT_DISKS,
            "LICENCE_RESTRICTION",
            "Storage_motion"),
        row(
            "blocked beats power state",
            all(BLOCKED, HALTED),
            Attempt.POOL_MIGRATE_SHARED,
            "OPERATION_BLOCKED",
            "{vm}",
            "under maintenance"),
        row(
            "power state beats host",
            all(HALTED, HOST_DOWN),
            Attempt.POOL_MIGRATE_SHARED,
            "VM_BAD_POWER_STATE",
            "{vm}",
            "running",
            "halted"),
        row(
            "not live beats disabled",
            all(HOST_DOWN, HOST_OFF),
            Attempt.POOL_MIGRATE_SHARED,
            "HOST_NOT_LIVE"),
        row(
            "disabled beats hardware",
            all(HOST_OFF, NEW_HARDWARE),
            Attempt.POOL_MIGRATE_SHARED,
            "HOST_DISABLED",
            "{host}"),
        row(
            "network beats memory",
            all(PRIVATE_NETWORK, SMALL_HOST),
            Attempt.POOL_MIGRATE_SHARED,
            "VM_REQUIRES_NET",
            "{vm}",
            "{net}"),
        row(
            "memory beats CPUs",
            all(SMALL_HOST, MANY_VCPUS),
            Attempt.POOL_MIGRATE_SHARED,
            "HOST_NOT_ENOUGH_FREE_MEMORY",
            "{needed}",
            "{available}"),
        row(
            "upgrade beats boot checks",
            all(OLD_HOST, SMALL_HOST),
            Attempt.POOL_MIGRATE_SHARED,
            "NOT_SUPPORTED_DURING_UPGRADE"),
        row(
            "disk map beats CBT",
            CBT,
            Attempt.STORAGE_MIGRATE_LOCAL_WITHOUT_DISKS,
            "VDI_NOT_IN_MAP",
            "{local-vdi}"),
        row(
            "disk map beats VIF map",
            nothing(),
            Attempt.CROSS_POOL_SHARED_WITHOUT_DISKS_OR_VIFS,
            "VDI_NOT_IN_MAP",
            "{shared-vdi}"),
        row(
            "version beats remote disabled",
            all(OLD_REMOTE_HOST, REMOTE_HOST_OFF),
            Attempt.CROSS_POOL_SHARED,
            "VM_HOST_INCOMPATIBLE_VERSION_MIGRATE",
            "{vm}",
            "{remote-host}"));
  }

  private static Arguments row(String name, Setup setup, Attempt attempt, String... expected) {
    return Arguments.of(name, setup, attempt, List.of(expected));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void preCheckFailsWithXapisCodeAndParameters(
      String name, Setup setup, Attempt attempt, List<String> expected) throws Exception {
    Map<String, String> refs = new HashMap<>();
    simulator.inWorld(
        w -> {
          setup.accept(w, refs);
          SimPool pool = poolA(w);
          SimVm vm = shared(w);
          refs.put("{vm}", vm.ref);
          refs.put("{host}", host2(w).ref);
          refs.put("{local-vm}", pool.vm("vm-local").ref);
          refs.put("{local-sr}", pool.vm("vm-local").vbds.get(0).vdi.sr.ref);
          refs.put("{local-vdi}", pool.vm("vm-local").vbds.get(0).vdi.ref);
          refs.put("{shared-vdi}", vm.vbds.get(0).vdi.ref);
          refs.put("{vif}", vm.vifs.get(0).ref);
          refs.put("{needed}", Long.toString(vm.memoryFootprint()));
          refs.put("{available}", Long.toString(host2(w).freeMemory()));
          SimHost remote = w.pool("pool-b").host("b-host-1");
          refs.put("{remote-host}", remote.ref);
          refs.put("{remote-sr}", w.pool("pool-b").sr("nfs-b").ref);
          refs.put("{remote-available}", Long.toString(remote.freeMemory()));
          refs.put(
              "{template}",
              pool.<SimVm>all(io.xenmigration.xapisim.model.XClass.VM).stream()
                  .filter(v -> v.isDefaultTemplate)
                  .findFirst()
                  .orElseThrow()
                  .ref);
          return null;
        });
    if (attempt == Attempt.POOL_MIGRATE_TEMPLATE) {
      // A template is halted; make it look running so the template check is what fires.
      simulator.inWorld(
          w -> {
            SimVm template = (SimVm) w.lookup(refs.get("{template}"));
            template.powerState = "Running";
            return null;
          });
    }
    List<String> wanted = new ArrayList<>();
    for (String part : expected) {
      wanted.add(refs.getOrDefault(part, part));
    }
    try {
      attempt(attempt, refs);
      fail("expected " + wanted);
    } catch (Types.XenAPIException e) {
      // The SDK keeps only the parameters its exception class declares; the wire has them all.
      assertThat(XenErrors.describe(e).get(0)).isEqualTo(wanted.get(0));
      assertThat(simulator.calls().last().error()).isEqualTo(wanted);
    }
  }

  private void attempt(Attempt attempt, Map<String, String> refs) throws Exception {
    Map<String, String> live = Map.of("live", "true");
    switch (attempt) {
      case POOL_MIGRATE_SHARED ->
          a.vm("vm-shared").poolMigrate(a.connection, a.host("a-host-2"), live);
      case POOL_MIGRATE_LOCAL ->
          a.vm("vm-local").poolMigrate(a.connection, a.host("a-host-2"), live);
      case POOL_MIGRATE_TEMPLATE ->
          Types.toVM(refs.get("{template}")).poolMigrate(a.connection, a.host("a-host-2"), live);
      case POOL_MIGRATE_CONTROL_DOMAIN ->
          a.host("a-host-1")
              .getControlDomain(a.connection)
              .poolMigrate(a.connection, a.host("a-host-2"), live);
      case ASSERT_CAN_BOOT_SHARED ->
          a.vm("vm-shared").assertCanBootHere(a.connection, a.host("a-host-2"));
      case STORAGE_MIGRATE_LOCAL -> storageMigrate(true, false);
      case STORAGE_MIGRATE_LOCAL_WITHOUT_DISKS -> storageMigrate(false, false);
      case STORAGE_MIGRATE_LOCAL_WITH_VIFS -> storageMigrate(true, true);
      case CROSS_POOL_SHARED -> crossPool(true, true);
      case CROSS_POOL_SHARED_WITHOUT_VIFS -> crossPool(true, false);
      case CROSS_POOL_SHARED_WITHOUT_DISKS_OR_VIFS -> crossPool(false, false);
      case MIGRATE_RECEIVE_ON_EXTRA_NETWORK ->
          a.host("a-host-2")
              .migrateReceive(a.connection, Types.toNetwork(refs.get("{net}")), Map.of());
    }
  }

  private void storageMigrate(boolean disks, boolean vifs) throws Exception {
    var vm = a.vm("vm-local");
    var dest = a.host("a-host-2").migrateReceive(a.connection, a.managementNetwork(), Map.of());
    vm.assertCanMigrate(
        a.connection,
        dest,
        true,
        disks ? a.disksTo(vm, a.localSr("a-host-2")) : Map.of(),
        vifs ? a.interfacesTo(vm, a.managementNetwork()) : Map.of(),
        Map.of());
  }

  private void crossPool(boolean disks, boolean vifs) throws Exception {
    var vm = a.vm("vm-shared");
    var dest = b.host("b-host-1").migrateReceive(b.connection, b.managementNetwork(), Map.of());
    vm.assertCanMigrate(
        a.connection,
        dest,
        true,
        disks ? a.disksTo(vm, b.sr("nfs-b")) : Map.of(),
        vifs ? a.interfacesTo(vm, b.managementNetwork()) : Map.of(),
        Map.of());
  }
}
