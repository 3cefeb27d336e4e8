package io.xenmigration.xapisim;

import static io.xenmigration.testing.SimFixtures.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Host;
import com.xensource.xenapi.HostMetrics;
import com.xensource.xenapi.Network;
import com.xensource.xenapi.PBD;
import com.xensource.xenapi.PIF;
import com.xensource.xenapi.Pool;
import com.xensource.xenapi.SR;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VBD;
import com.xensource.xenapi.VDI;
import com.xensource.xenapi.VIF;
import com.xensource.xenapi.VM;
import io.xenmigration.testing.SimFixtures;
import io.xenmigration.testing.XenErrors;
import io.xenmigration.xapisim.engine.SimSettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real SDK logs in to the simulator and parses a record of every class with its fields. */
class SimulatorRecordsTest {

  private static XapiSimulator simulator;
  private static Connection connection;

  @BeforeAll
  static void start() throws Exception {
    simulator =
        SimFixtures.twoPools(
                new ManualClock(Instant.parse("2026-01-01T00:00:00Z")), new SimSettings())
            .start();
    connection = new Connection(simulator.url("pool-a"));
    Session.loginWithPassword(connection, "root", "password", "2.14");
  }

  @AfterAll
  static void stop() {
    simulator.close();
  }

  @Test
  void loginMakesTheFiveCallsOfTheSdk() throws Exception {
    simulator.calls().clear();
    Connection fresh = new Connection(simulator.url("pool-a"));
    Session.loginWithPassword(fresh, "root", "password", "2.14");
    assertThat(simulator.calls().entries())
        .extracting(e -> e.method())
        .containsExactly(
            "session.login_with_password",
            "session.get_this_host",
            "host.get_API_version_major",
            "session.get_this_host",
            "host.get_API_version_minor");
    assertThat(simulator.calls().entries()).allMatch(e -> e.succeeded());
    assertThat(fresh.getAPIVersion()).isEqualTo(com.xensource.xenapi.APIVersion.API_2_14);
  }

  @Test
  void wrongPasswordIsRefused() {
    Connection fresh = new Connection(simulator.url("pool-a"));
    assertThatThrownBy(() -> Session.loginWithPassword(fresh, "root", "wrong", "2.14"))
        .isInstanceOf(Types.SessionAuthenticationFailed.class);
  }

  @Test
  void poolRecordNamesItsMasterAndDefaultSr() throws Exception {
    Map<Pool, Pool.Record> pools = Pool.getAllRecords(connection);
    assertThat(pools).hasSize(1);
    Pool.Record pool = pools.values().iterator().next();
    assertThat(pool.master.getNameLabel(connection)).isEqualTo("a-host-1");
    assertThat(pool.defaultSR.getNameLabel(connection)).isEqualTo("nfs-a");
  }

  @Test
  void hostRecordsCarryVersionsCpuMetricsAndControlDomain() throws Exception {
    Map<Host, Host.Record> hosts = Host.getAllRecords(connection);
    assertThat(hosts.values())
        .extracting(h -> h.nameLabel)
        .containsExactlyInAnyOrder("a-host-1", "a-host-2", "a-host-3");
    Host first = Host.getByNameLabel(connection, "a-host-1").iterator().next();
    Host.Record host = hosts.get(first);
    assertThat(host.uuid).isNotBlank();
    assertThat(host.address).startsWith("10.1.0.");
    assertThat(host.enabled).isTrue();
    assertThat(host.APIVersionMajor).isEqualTo(2L);
    assertThat(host.APIVersionMinor).isEqualTo(14L);
    assertThat(host.softwareVersion)
        .containsEntry("platform_name", "XCP")
        .containsEntry("platform_version", "3.2.1")
        .containsEntry("product_version", "8.2.1");
    assertThat(host.cpuInfo).containsEntry("cpu_count", "16").containsKey("socket_count");
    assertThat(host.allowedOperations).contains(Types.HostAllowedOperations.VM_MIGRATE);
    VM.Record dom0 = host.controlDomain.getRecord(connection);
    assertThat(dom0.isControlDomain).isTrue();
    assertThat(host.residentVMs).contains(host.controlDomain);
    HostMetrics.Record metrics = host.metrics.getRecord(connection);
    assertThat(metrics.live).isTrue();
    assertThat(metrics.memoryTotal).isEqualTo(64 * GIB);
    // vm-shared (4 GiB) and vm-local (2 GiB) plus overheads and dom0 run on a-host-1.
    assertThat(metrics.memoryFree).isLessThan(64 * GIB - 7 * GIB).isGreaterThan(50 * GIB);
    assertThat(first.computeFreeMemory(connection)).isEqualTo(metrics.memoryFree);
  }

  @Test
  void vmRecordsCarryStateMemoryDevicesAndOperations() throws Exception {
    Map<VM, VM.Record> vms = VM.getAllRecords(connection);
    List<String> ordinary =
        vms.values().stream()
            .filter(v -> !v.isATemplate && !v.isControlDomain && !v.isASnapshot)
            .map(v -> v.nameLabel)
            .toList();
    assertThat(ordinary).containsExactlyInAnyOrder("vm-shared", "vm-local", "vm-busy");
    assertThat(vms.values()).anyMatch(v -> v.isATemplate && v.isDefaultTemplate);
    assertThat(vms.values()).anyMatch(v -> v.isASnapshot && v.snapshotOf != null);
    VM vm = VM.getByNameLabel(connection, "vm-shared").iterator().next();
    VM.Record record = vm.getRecord(connection);
    assertThat(record.powerState).isEqualTo(Types.VmPowerState.RUNNING);
    assertThat(vm.getPowerState(connection)).isEqualTo(Types.VmPowerState.RUNNING);
    assertThat(record.residentOn.getNameLabel(connection)).isEqualTo("a-host-1");
    assertThat(vm.getResidentOn(connection)).isEqualTo(record.residentOn);
    assertThat(record.memoryStaticMax).isEqualTo(4 * GIB);
    assertThat(record.memoryDynamicMax).isEqualTo(4 * GIB);
    assertThat(record.VCPUsMax).isEqualTo(2L);
    assertThat(record.domid).isPositive();
    assertThat(record.currentOperations).isEmpty();
    assertThat(record.blockedOperations).isEmpty();
    assertThat(record.allowedOperations)
        .contains(Types.VmOperations.POOL_MIGRATE, Types.VmOperations.MIGRATE_SEND);
    assertThat(record.VBDs).hasSize(2);
    assertThat(record.VIFs).hasSize(1);
    assertThat(VM.getByUuid(connection, record.uuid)).isEqualTo(vm);
  }

  @Test
  void storageAndNetworkRecordsLinkUp() throws Exception {
    VM vm = VM.getByNameLabel(connection, "vm-local").iterator().next();
    Map<Types.VbdType, VBD.Record> vbds =
        vm.getRecord(connection).VBDs.stream()
            .map(v -> record(v))
            .collect(Collectors.toMap(r -> r.type, r -> r));
    VBD.Record disk = vbds.get(Types.VbdType.DISK);
    assertThat(disk.mode).isEqualTo(Types.VbdMode.RW);
    assertThat(disk.empty).isFalse();
    assertThat(disk.currentlyAttached).isTrue();
    assertThat(vbds.get(Types.VbdType.CD).empty).isTrue();
    VDI.Record vdi = disk.VDI.getRecord(connection);
    assertThat(vdi.virtualSize).isEqualTo(10 * GIB);
    assertThat(vdi.onBoot).isEqualTo(Types.OnBoot.PERSIST);
    assertThat(vdi.cbtEnabled).isFalse();
    SR.Record sr = vdi.SR.getRecord(connection);
    assertThat(sr.shared).isFalse();
    assertThat(sr.nameLabel).isEqualTo("Local storage on a-host-1");
    assertThat(sr.PBDs).hasSize(1);
    PBD.Record pbd = sr.PBDs.iterator().next().getRecord(connection);
    assertThat(pbd.host.getNameLabel(connection)).isEqualTo("a-host-1");
    assertThat(pbd.currentlyAttached).isTrue();
    SR nfs = SR.getByNameLabel(connection, "nfs-a").iterator().next();
    assertThat(nfs.getRecord(connection).shared).isTrue();
    assertThat(nfs.getRecord(connection).PBDs).hasSize(3);

    VIF.Record vif = vm.getRecord(connection).VIFs.iterator().next().getRecord(connection);
    assertThat(vif.MAC).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}");
    Network.Record network = vif.network.getRecord(connection);
    assertThat(network.bridge).isEqualTo("xenbr0");
    assertThat(network.PIFs).hasSize(3);
    PIF.Record pif = network.PIFs.iterator().next().getRecord(connection);
    assertThat(pif.management).isTrue();
    assertThat(pif.IP).startsWith("10.1.0.");
    assertThat(pif.host.getRecord(connection).address).isEqualTo(pif.IP);
  }

  @Test
  void genericErrorsFollowXapi() throws Exception {
    assertThatThrownBy(() -> VM.getByUuid(connection, "00000000-0000-0000-0000-000000000000"))
        .satisfies(
            e ->
                assertThat(XenErrors.describe((Types.XenAPIException) e))
                    .containsExactly("UUID_INVALID", "VM", "00000000-0000-0000-0000-000000000000"));
    VM missing = com.xensource.xenapi.Types.toVM("OpaqueRef:00000000-dead-beef");
    assertThatThrownBy(() -> missing.getRecord(connection))
        .satisfies(
            e ->
                assertThat(XenErrors.describe((Types.XenAPIException) e))
                    .containsExactly("HANDLE_INVALID", "VM", "OpaqueRef:00000000-dead-beef"));
  }

  private static VBD.Record record(VBD vbd) {
    try {
      return vbd.getRecord(connection);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
