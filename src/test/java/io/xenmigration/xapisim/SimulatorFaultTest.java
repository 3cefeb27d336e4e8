package io.xenmigration.xapisim;

import static io.xenmigration.testing.SimFixtures.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Host;
import com.xensource.xenapi.SR;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.Task;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VDI;
import com.xensource.xenapi.VM;
import io.xenmigration.testing.SimClient;
import io.xenmigration.testing.SimFixtures;
import io.xenmigration.testing.XenErrors;
import io.xenmigration.xapisim.engine.SimSettings;
import io.xenmigration.xapisim.model.SimHost;
import io.xenmigration.xapisim.model.SimVm;
import io.xenmigration.xapisim.model.XClass;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.xmlrpc.XmlRpcException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every injectable fault behaves as described and leaves each VM running on exactly one host;
 * concurrent operations get xapi's refusals.
 */
class SimulatorFaultTest {

  private static final Map<String, String> LIVE = Map.of("live", "true");
  private static final Duration STEP = Duration.ofMillis(250);

  private ManualClock clock;
  private XapiSimulator simulator;
  private SimClient a;

  @BeforeEach
  void start() {
    clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    simulator = SimFixtures.twoPools(clock, new SimSettings()).memberEndpoint("pool-a").start();
    a = new SimClient(simulator, "pool-a");
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  /** The VM is Running and listed as resident by exactly the host it names. */
  private void assertRunningOnExactlyOneHost(String vmName, String hostName) {
    simulator.inWorld(
        w -> {
          SimVm vm = w.pool("pool-a").vm(vmName);
          assertThat(vm.powerState).isEqualTo("Running");
          assertThat(vm.residentOn.nameLabel).isEqualTo(hostName);
          assertThat(vm.currentOperations).isEmpty();
          List<String> holders =
              w.pool("pool-a").<SimHost>all(XClass.HOST).stream()
                  .filter(h -> h.residentVms.contains(vm))
                  .map(h -> h.nameLabel)
                  .toList();
          assertThat(holders).containsExactly(hostName);
          return null;
        });
  }

  @Test
  void injectedCallFailuresAreUsedUpInOrder() throws Exception {
    simulator.faults().failCalls("VM.get_power_state", 2, "INTERNAL_ERROR", "disk on fire");
    VM vm = a.vm("vm-shared");
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> vm.getPowerState(a.connection))
          .satisfies(
              e ->
                  assertThat(XenErrors.describe((Types.XenAPIException) e))
                      .containsExactly("INTERNAL_ERROR", "disk on fire"));
    }
    assertThat(vm.getPowerState(a.connection)).isEqualTo(Types.VmPowerState.RUNNING);
  }

  @Test
  void migrationFailingAtAProgressLeavesTheVmAtHome() throws Exception {
    simulator.faults().failMigration("vm-shared", 0.5, "VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED");
    Task task = a.vm("vm-shared").poolMigrateAsync(a.connection, a.host("a-host-2"), LIVE);
    List<Double> progress = a.runToEnd(task, clock, STEP, 200);
    assertThat(task.getStatus(a.connection)).isEqualTo(Types.TaskStatusType.FAILURE);
    assertThat(a.errorInfo(task)).containsExactly("VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED");
    assertThat(progress.get(progress.size() - 2)).isLessThanOrEqualTo(0.5);
    assertRunningOnExactlyOneHost("vm-shared", "a-host-1");
    // The destination's memory reservation is released.
    assertThat(a.host("a-host-2").getCurrentOperations(a.connection)).isEmpty();
  }

  @Test
  void failedMirrorLeavesItsMarkedCopiesOnTheDestinationSr() throws Exception {
    simulator.faults().failMigration("vm-local", 0.2, "MIRROR_FAILED", "vdi");
    VM vm = a.vm("vm-local");
    VDI disk = a.disksTo(vm, a.localSr("a-host-1")).keySet().iterator().next();
    String mirrorId =
        disk.getSR(a.connection).getUuid(a.connection) + "/" + disk.getLocation(a.connection);
    SR target = a.localSr("a-host-2");
    Map<String, String> dest =
        a.host("a-host-2").migrateReceive(a.connection, a.managementNetwork(), Map.of());
    Task task =
        vm.migrateSendAsync(a.connection, dest, true, a.disksTo(vm, target), Map.of(), Map.of());
    a.runToEnd(task, clock, Duration.ofSeconds(1), 400);
    assertThat(a.errorInfo(task)).containsExactly("MIRROR_FAILED", "vdi");
    assertRunningOnExactlyOneHost("vm-local", "a-host-1");
    // The leaf, its snapshot and the parent, each marked as xapi marks a mirror's VDIs.
    Set<VDI> leftovers = target.getVDIs(a.connection);
    assertThat(leftovers).hasSize(3);
    for (VDI leftover : leftovers) {
      VDI.Record record = leftover.getRecord(a.connection);
      assertThat(record.VBDs).isEmpty();
      assertThat(record.smConfig).containsEntry("base_mirror", mirrorId);
      assertThat(record.smConfig.keySet()).noneMatch(k -> k.startsWith("host_"));
      assertThat(record.nameLabel).isEqualTo(disk.getNameLabel(a.connection));
    }
    assertThat(leftovers).filteredOn(v -> snapshot(v)).hasSize(1);
    // What the VM runs on is untouched; the leftovers can be cleaned up.
    assertThat(a.disksTo(vm, target).keySet()).doesNotContainAnyElementsOf(leftovers);
    for (VDI leftover : leftovers) {
      leftover.destroy(a.connection);
    }
    assertThat(target.getVDIs(a.connection)).isEmpty();
  }

  @Test
  void aFailedMirrorWhosePoolCleansUpLeavesNothing() throws Exception {
    simulator.settings().failedMirrorsLeaveCopies = false;
    simulator.faults().failMigration("vm-local", 0.2, "MIRROR_FAILED", "vdi");
    VM vm = a.vm("vm-local");
    SR target = a.localSr("a-host-2");
    Map<String, String> dest =
        a.host("a-host-2").migrateReceive(a.connection, a.managementNetwork(), Map.of());
    Task task =
        vm.migrateSendAsync(a.connection, dest, true, a.disksTo(vm, target), Map.of(), Map.of());
    a.runToEnd(task, clock, Duration.ofSeconds(1), 400);
    assertThat(a.errorInfo(task)).containsExactly("MIRROR_FAILED", "vdi");
    assertThat(target.getVDIs(a.connection)).isEmpty();
  }

  @Test
  void destroyingTheLeafAMirrorWritesBreaksTheMigration() throws Exception {
    VM vm = a.vm("vm-local");
    SR target = a.localSr("a-host-2");
    Map<String, String> dest =
        a.host("a-host-2").migrateReceive(a.connection, a.managementNetwork(), Map.of());
    Task task =
        vm.migrateSendAsync(a.connection, dest, true, a.disksTo(vm, target), Map.of(), Map.of());
    clock.advance(Duration.ofSeconds(1));
    VDI leaf =
        target.getVDIs(a.connection).stream()
            .filter(v -> !snapshot(v))
            .filter(v -> attachedForMirror(v))
            .findFirst()
            .orElseThrow();
    // xapi refuses nothing here: the leaf has no VBD, a storage datapath writes it.
    leaf.destroy(a.connection);
    a.runToEnd(task, clock, Duration.ofSeconds(1), 400);
    assertThat(task.getStatus(a.connection)).isEqualTo(Types.TaskStatusType.FAILURE);
    assertThat(a.errorInfo(task)).first().isEqualTo("MIRROR_FAILED");
    assertRunningOnExactlyOneHost("vm-local", "a-host-1");
  }

  @Test
  void aFailureAfterACancelPastThePointOfNoReturnIsReportedAsCancelled() throws Exception {
    simulator
        .faults()
        .failMigration("vm-shared", 0.95, "VM_MIGRATE_FAILED", "vm", "src", "dst", "x");
    Task task = a.vm("vm-shared").poolMigrateAsync(a.connection, a.host("a-host-2"), LIVE);
    while (task.getProgress(a.connection) < simulator.settings().pointOfNoReturn) {
      clock.advance(STEP);
    }
    task.cancel(a.connection);
    a.runToEnd(task, clock, STEP, 200);
    assertThat(task.getStatus(a.connection)).isEqualTo(Types.TaskStatusType.CANCELLED);
    assertThat(a.errorInfo(task)).containsExactly("TASK_CANCELLED", task.toWireString());
    assertRunningOnExactlyOneHost("vm-shared", "a-host-1");
  }

  private boolean snapshot(VDI vdi) {
    try {
      return vdi.getIsASnapshot(a.connection);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private boolean attachedForMirror(VDI vdi) {
    try {
      return vdi.getSmConfig(a.connection).keySet().stream().anyMatch(k -> k.startsWith("host_"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void hungMigrationStopsProgressUntilCancelled() throws Exception {
    simulator.faults().hangMigration("vm-shared", 0.3);
    Task task = a.vm("vm-shared").poolMigrateAsync(a.connection, a.host("a-host-2"), LIVE);
    clock.advance(Duration.ofMinutes(5));
    double stuck = task.getProgress(a.connection);
    assertThat(stuck).isGreaterThan(0.2).isLessThanOrEqualTo(0.3);
    clock.advance(Duration.ofMinutes(5));
    assertThat(task.getProgress(a.connection)).isEqualTo(stuck);
    assertThat(task.getStatus(a.connection)).isEqualTo(Types.TaskStatusType.PENDING);
    task.cancel(a.connection);
    clock.advance(Duration.ZERO);
    assertThat(task.getStatus(a.connection)).isEqualTo(Types.TaskStatusType.CANCELLED);
    assertRunningOnExactlyOneHost("vm-shared", "a-host-1");
  }

  @Test
  void aMigrationHungPastItsPointOfNoReturnIgnoresCancelAndFinishesWhenResumed() throws Exception {
    simulator.faults().hangMigration("vm-shared", 0.95);
    Task task = a.vm("vm-shared").poolMigrateAsync(a.connection, a.host("a-host-2"), LIVE);
    clock.advance(Duration.ofMinutes(5));
    assertThat(task.getProgress(a.connection)).isGreaterThanOrEqualTo(0.9);
    assertThat(task.getAllowedOperations(a.connection)).isEmpty();
    task.cancel(a.connection); // taken, and ignored past the point of no return
    clock.advance(Duration.ofMinutes(1));
    assertThat(task.getStatus(a.connection)).isEqualTo(Types.TaskStatusType.PENDING);
    assertThat(simulator.resumeHungMigrations("vm-shared")).isEqualTo(1);
    a.runToEnd(task, clock, STEP, 40);
    assertThat(task.getStatus(a.connection)).isEqualTo(Types.TaskStatusType.SUCCESS);
    assertRunningOnExactlyOneHost("vm-shared", "a-host-2");
  }

  @Test
  void hostGoingOfflineFailsItsMigrationsAndItsCalls() throws Exception {
    Host destination = a.host("a-host-2");
    Task task = a.vm("vm-shared").poolMigrateAsync(a.connection, destination, LIVE);
    clock.advance(Duration.ofSeconds(1));
    simulator.setHostLive("pool-a", "a-host-2", false);
    a.runToEnd(task, clock, STEP, 10);
    assertThat(a.errorInfo(task)).containsExactly("HOST_OFFLINE", destination.toWireString());
    assertRunningOnExactlyOneHost("vm-shared", "a-host-1");
    assertThat(destination.getMetrics(a.connection).getLive(a.connection)).isFalse();
    assertThatThrownBy(() -> destination.computeFreeMemory(a.connection))
        .isInstanceOf(Types.HostOffline.class);
    assertThatThrownBy(() -> a.vm("vm-shared").assertCanBootHere(a.connection, destination))
        .isInstanceOf(Types.HostNotLive.class);

    simulator.setHostLive("pool-a", "a-host-2", true);
    Task again = a.vm("vm-shared").poolMigrateAsync(a.connection, destination, LIVE);
    a.runToEnd(again, clock, STEP, 200);
    assertRunningOnExactlyOneHost("vm-shared", "a-host-2");
  }

  @Test
  void resumingBeforeTheHangPointKeepsTheMigrationFromStopping() throws Exception {
    simulator.faults().hangMigration("vm-shared", 0.5);
    Task task = a.vm("vm-shared").poolMigrateAsync(a.connection, a.host("a-host-2"), LIVE);
    assertThat(simulator.resumeHungMigrations("vm-shared")).isEqualTo(1);
    a.runToEnd(task, clock, STEP, 40);
    assertThat(task.getStatus(a.connection)).isEqualTo(Types.TaskStatusType.SUCCESS);
  }

  @Test
  void aHungMigrationStillFailsWhenItsDestinationGoesDown() throws Exception {
    simulator.faults().hangMigration("vm-shared", 0.3);
    Host destination = a.host("a-host-2");
    Task task = a.vm("vm-shared").poolMigrateAsync(a.connection, destination, LIVE);
    clock.advance(Duration.ofMinutes(1));
    assertThat(task.getStatus(a.connection)).isEqualTo(Types.TaskStatusType.PENDING);
    simulator.setHostLive("pool-a", "a-host-2", false);
    clock.advance(Duration.ZERO);
    assertThat(a.errorInfo(task)).containsExactly("HOST_OFFLINE", destination.toWireString());
    assertRunningOnExactlyOneHost("vm-shared", "a-host-1");
  }

  @Test
  void masterGoingOfflineTakesThePoolEndpointDown() throws Exception {
    simulator.setHostLive("pool-a", "a-host-1", false);
    assertThatThrownBy(() -> a.vm("vm-shared")).isInstanceOf(XmlRpcException.class);
    simulator.setHostLive("pool-a", "a-host-1", true);
    assertThat(a.vm("vm-shared")).isNotNull();
  }

  @Test
  void expiredSessionsGetSessionInvalidAndLoginWorksAgain() throws Exception {
    simulator.expireSessions("pool-a");
    assertThatThrownBy(() -> a.vm("vm-shared")).isInstanceOf(Types.SessionInvalid.class);
    SimClient again = new SimClient(simulator, "pool-a");
    assertThat(again.vm("vm-shared")).isNotNull();
  }

  @Test
  void latencyDelaysTheAnswerInSimulatedTime() throws Exception {
    VM vm = a.vm("vm-shared");
    simulator.faults().addLatency("VM.get_power_state", Duration.ofSeconds(30));
    CompletableFuture<Types.VmPowerState> answer =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return vm.getPowerState(a.connection);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    // The answer waits on the simulated clock, not on the wall clock.
    await().atMost(10, TimeUnit.SECONDS).until(() -> clock.pending() > 0);
    clock.advance(Duration.ofSeconds(29));
    assertThat(answer).isNotDone();
    clock.advance(Duration.ofSeconds(1));
    assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo(Types.VmPowerState.RUNNING);
  }

  @Test
  void http500AndConnectionResetsFailOneRequestEach() throws Exception {
    VM vm = a.vm("vm-shared");
    simulator.faults().failHttp(1);
    assertThatThrownBy(() -> vm.getPowerState(a.connection))
        .isInstanceOf(XmlRpcException.class)
        .hasMessageContaining("Internal Error"); // xapi's reason phrase
    // The JDK's HTTP client resends a POST once when a kept-alive connection turns out dead, so
    // a single reset is invisible to the SDK; two in a row fail the call.
    simulator.faults().resetConnections(1);
    assertThat(vm.getPowerState(a.connection)).isEqualTo(Types.VmPowerState.RUNNING);
    simulator.faults().resetConnections(2);
    assertThatThrownBy(() -> vm.getPowerState(a.connection)).isInstanceOf(XmlRpcException.class);
    assertThat(vm.getPowerState(a.connection)).isEqualTo(Types.VmPowerState.RUNNING);
  }

  @Test
  void aMemberAnswersLoginsWithTheMastersAddress() throws Exception {
    Connection member = new Connection(simulator.memberUrl("pool-a"));
    assertThatThrownBy(() -> Session.loginWithPassword(member, "root", "password", "2.14"))
        .isInstanceOfSatisfying(
            Types.HostIsSlave.class,
            e -> assertThat(e.masterIPAddress).isEqualTo(simulator.url("pool-a").getHost()));
  }

  @Test
  void secondOperationOnTheSameVmIsRefused() throws Exception {
    VM vm = a.vm("vm-shared");
    Task first = vm.poolMigrateAsync(a.connection, a.host("a-host-2"), LIVE);
    assertThatThrownBy(() -> vm.poolMigrate(a.connection, a.host("a-host-3"), LIVE))
        .isInstanceOf(Types.OtherOperationInProgress.class);
    assertThat(simulator.calls().last().error())
        .containsExactly(
            "OTHER_OPERATION_IN_PROGRESS",
            "VM",
            vm.toWireString(),
            "pool_migrate",
            first.toWireString());
    a.runToEnd(first, clock, STEP, 200);
    assertRunningOnExactlyOneHost("vm-shared", "a-host-2");
  }

  @Test
  void aFourthStorageMigrationFromOneHostIsRefused() throws Exception {
    simulator.close();
    simulator =
        XapiSimulator.builder()
            .clock(clock)
            .pool(
                "pool-a",
                p -> {
                  p.addSharedSr("nfs-a");
                  SimHost host = p.addHost("a-host-1", 128 * GIB);
                  p.addHost("a-host-2", 128 * GIB);
                  for (int i = 1; i <= 4; i++) {
                    p.addVm("vm-" + i, host, 2 * GIB, p.localSr(host), 50 * GIB);
                  }
                })
            .start();
    a = new SimClient(simulator, "pool-a");
    Host destination = a.host("a-host-2");
    SR target = a.localSr("a-host-2");
    for (int i = 1; i <= 4; i++) {
      VM vm = a.vm("vm-" + i);
      Map<String, String> dest =
          destination.migrateReceive(a.connection, a.managementNetwork(), Map.of());
      if (i <= 3) {
        vm.migrateSendAsync(a.connection, dest, true, a.disksTo(vm, target), Map.of(), Map.of());
      } else {
        assertThatThrownBy(
                () ->
                    vm.migrateSend(
                        a.connection, dest, true, a.disksTo(vm, target), Map.of(), Map.of()))
            .isInstanceOfSatisfying(
                Types.TooManyStorageMigrates.class, e -> assertThat(e.number).isEqualTo("3"));
      }
    }
  }
}
