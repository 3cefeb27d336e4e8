package io.xenmigration.xapisim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.xensource.xenapi.Host;
import com.xensource.xenapi.SR;
import com.xensource.xenapi.Task;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VBD;
import com.xensource.xenapi.VDI;
import com.xensource.xenapi.VM;
import io.xenmigration.testing.SimClient;
import io.xenmigration.testing.SimFixtures;
import io.xenmigration.testing.XenErrors;
import io.xenmigration.xapisim.engine.MigrationEngine;
import io.xenmigration.xapisim.engine.SimSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Migrations through the real SDK: progress, completion, placement, cancel, in simulated time. */
class SimulatorMigrationTest {

  private static final Map<String, String> LIVE = Map.of("live", "true");
  private static final Duration STEP = Duration.ofMillis(250);

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

  @Test
  void poolMigrateMovesTheVmWithRisingProgress() throws Exception {
    VM vm = a.vm("vm-shared");
    Host source = a.host("a-host-1");
    Host destination = a.host("a-host-2");
    long domid = vm.getDomid(a.connection);
    long freeBefore = destination.computeFreeMemory(a.connection);

    Task task = vm.poolMigrateAsync(a.connection, destination, LIVE);
    assertThat(vm.getCurrentOperations(a.connection))
        .containsValue(Types.VmOperations.POOL_MIGRATE);
    assertThat(destination.getCurrentOperations(a.connection)).isNotEmpty();
    clock.advance(Duration.ofSeconds(1));
    // Memory for the VM is held on the destination while the migration runs.
    assertThat(destination.computeFreeMemory(a.connection))
        .isLessThan(freeBefore - 4 * SimFixtures.GIB);
    List<Double> progress = a.runToEnd(task, clock, STEP, 200);

    assertThat(progress).isSorted().last().isEqualTo(1.0);
    assertThat(progress.stream().distinct().count()).isGreaterThan(5);
    Task.Record done = task.getRecord(a.connection);
    assertThat(done.status).isEqualTo(Types.TaskStatusType.SUCCESS);
    assertThat(done.finished).isAfter(done.created);
    assertThat(done.result).isEmpty();
    VM.Record moved = vm.getRecord(a.connection);
    assertThat(moved.residentOn).isEqualTo(destination);
    assertThat(moved.powerState).isEqualTo(Types.VmPowerState.RUNNING);
    assertThat(moved.domid).isNotEqualTo(domid);
    assertThat(moved.currentOperations).isEmpty();
    assertThat(destination.getResidentVMs(a.connection)).contains(vm);
    assertThat(source.getResidentVMs(a.connection)).doesNotContain(vm);
    assertThat(destination.getCurrentOperations(a.connection)).isEmpty();
    assertThat(destination.computeFreeMemory(a.connection)).isLessThan(freeBefore);
    MigrationEngine.Ended ended = simulator.engine().history().get(0);
    assertThat(ended.vm()).isEqualTo("vm-shared");
    assertThat(ended.source()).isEqualTo("a-host-1");
    assertThat(ended.destination()).isEqualTo("a-host-2");
    assertThat(ended.kind()).isEqualTo(MigrationEngine.Kind.POOL_MIGRATE);
    assertThat(ended.outcome()).isEqualTo("success");
    // The task's own times (which the wire gives to the second), as a benchmark subtracts them.
    assertThat(ended.started().truncatedTo(ChronoUnit.SECONDS)).isEqualTo(done.created.toInstant());
    assertThat(ended.ended().truncatedTo(ChronoUnit.SECONDS)).isEqualTo(done.finished.toInstant());
  }

  @Test
  void migrationTimeFollowsMemoryAndDirtyRate() throws Exception {
    simulator.inWorld(w -> w.pool("pool-a").vm("vm-busy").dirtyBytesPerSecond = 400_000_000L);
    Task quiet = a.vm("vm-shared").poolMigrateAsync(a.connection, a.host("a-host-3"), LIVE);
    Task busy = a.vm("vm-busy").poolMigrateAsync(a.connection, a.host("a-host-3"), LIVE);
    int quietSteps = a.runToEnd(quiet, clock, STEP, 400).size();
    int busySteps = a.runToEnd(busy, clock, STEP, 400).size();
    // 8 GiB dirtying 40% of the bandwidth takes well over twice as long as a quiet 4 GiB.
    assertThat(busySteps).isGreaterThan(2 * quietSteps);
    assertThat(busy.getStatus(a.connection)).isEqualTo(Types.TaskStatusType.SUCCESS);
  }

  @Test
  void aVmDirtyingFasterThanTheLinkNeverConverges() throws Exception {
    simulator.inWorld(w -> w.pool("pool-a").vm("vm-busy").dirtyBytesPerSecond = 2_000_000_000L);
    VM vm = a.vm("vm-busy");
    Task task = vm.poolMigrateAsync(a.connection, a.host("a-host-3"), LIVE);
    clock.advance(Duration.ofMinutes(10));
    assertThat(task.getStatus(a.connection)).isEqualTo(Types.TaskStatusType.PENDING);
    double stalled = task.getProgress(a.connection);
    clock.advance(Duration.ofMinutes(10));
    assertThat(task.getProgress(a.connection)).isEqualTo(stalled).isLessThan(1.0);
    task.cancel(a.connection);
    clock.advance(Duration.ZERO);
    assertThat(task.getStatus(a.connection)).isEqualTo(Types.TaskStatusType.CANCELLED);
    assertThat(vm.getResidentOn(a.connection)).isEqualTo(a.host("a-host-2"));
  }

  @Test
  void storageMigrationCopiesDisksToTheDestinationSr() throws Exception {
    VM vm = a.vm("vm-local");
    Host destination = a.host("a-host-2");
    SR target = a.localSr("a-host-2");
    Map<String, String> dest =
        destination.migrateReceive(a.connection, a.managementNetwork(), Map.of());
    assertThat(dest).containsKeys("SM", "host", "xenops", "session_id", "master");
    assertThat(dest.get("host")).isEqualTo(destination.toWireString());

    Task task =
        vm.migrateSendAsync(a.connection, dest, true, a.disksTo(vm, target), Map.of(), Map.of());
    List<Double> progress = a.runToEnd(task, clock, Duration.ofSeconds(1), 400);

    assertThat(progress).isSorted().last().isEqualTo(1.0);
    assertThat(task.getStatus(a.connection)).isEqualTo(Types.TaskStatusType.SUCCESS);
    assertThat(Types.toVM(task, a.connection)).isEqualTo(vm);
    assertThat(vm.getResidentOn(a.connection)).isEqualTo(destination);
    for (VBD vbd : vm.getVBDs(a.connection)) {
      VBD.Record record = vbd.getRecord(a.connection);
      if (record.type == Types.VbdType.DISK) {
        assertThat(record.VDI.getSR(a.connection)).isEqualTo(target);
      }
    }
    assertThat(a.localSr("a-host-1").getVDIs(a.connection)).isEmpty();
  }

  @Test
  void crossPoolMigrationRecreatesTheVmInTheOtherPool() throws Exception {
    VM vm = a.vm("vm-shared");
    String uuid = vm.getUuid(a.connection);
    Host destination = b.host("b-host-1");
    Map<String, String> dest =
        destination.migrateReceive(b.connection, b.managementNetwork(), Map.of());

    Task task =
        vm.migrateSendAsync(
            a.connection,
            dest,
            true,
            a.disksTo(vm, b.sr("nfs-b")),
            a.interfacesTo(vm, b.managementNetwork()),
            Map.of());
    List<Double> progress = a.runToEnd(task, clock, Duration.ofSeconds(1), 400);

    assertThat(progress).isSorted().last().isEqualTo(1.0);
    assertThat(task.getStatus(a.connection)).isEqualTo(Types.TaskStatusType.SUCCESS);
    VM arrived = Types.toVM(task, a.connection);
    assertThat(arrived).isNotEqualTo(vm);
    VM.Record record = arrived.getRecord(b.connection);
    assertThat(record.uuid).isEqualTo(uuid);
    assertThat(record.powerState).isEqualTo(Types.VmPowerState.RUNNING);
    assertThat(record.residentOn).isEqualTo(destination);
    assertThat(destination.getResidentVMs(b.connection)).contains(arrived);
    VDI disk =
        record.VBDs.stream()
            .map(v -> get(() -> v.getRecord(b.connection)))
            .filter(v -> v.type == Types.VbdType.DISK)
            .findFirst()
            .orElseThrow()
            .VDI;
    assertThat(disk.getSR(b.connection)).isEqualTo(b.sr("nfs-b"));
    assertThat(VM.getByUuid(b.connection, uuid)).isEqualTo(arrived);
    assertThatThrownBy(() -> vm.getRecord(a.connection))
        .satisfies(
            e ->
                assertThat(XenErrors.describe((Types.XenAPIException) e))
                    .containsExactly("HANDLE_INVALID", "VM", vm.toWireString()));
  }

  @Test
  void cancelBeforeThePointOfNoReturnLeavesTheVmAtHome() throws Exception {
    VM vm = a.vm("vm-shared");
    Host source = a.host("a-host-1");
    Task task = vm.poolMigrateAsync(a.connection, a.host("a-host-2"), LIVE);
    clock.advance(Duration.ofSeconds(2));
    assertThat(task.getAllowedOperations(a.connection))
        .contains(Types.TaskAllowedOperations.CANCEL);

    task.cancel(a.connection);
    // Cancel only asks: the task is still pending until its worker notices.
    assertThat(task.getStatus(a.connection)).isEqualTo(Types.TaskStatusType.PENDING);
    clock.advance(Duration.ZERO);

    Task.Record record = task.getRecord(a.connection);
    assertThat(record.status).isEqualTo(Types.TaskStatusType.CANCELLED);
    assertThat(record.errorInfo).containsExactly("TASK_CANCELLED", task.toWireString());
    VM.Record home = vm.getRecord(a.connection);
    assertThat(home.residentOn).isEqualTo(source);
    assertThat(home.powerState).isEqualTo(Types.VmPowerState.RUNNING);
    assertThat(home.currentOperations).isEmpty();
    assertThat(a.host("a-host-2").getResidentVMs(a.connection)).doesNotContain(vm);
    assertThat(simulator.engine().history())
        .singleElement()
        .satisfies(ended -> assertThat(ended.outcome()).isEqualTo("cancelled"))
        .satisfies(ended -> assertThat(ended.duration()).isEqualTo(Duration.ofSeconds(2)));
  }

  @Test
  void cancelAfterThePointOfNoReturnIsTakenButTheMigrationCompletes() throws Exception {
    VM vm = a.vm("vm-shared");
    Task task = vm.poolMigrateAsync(a.connection, a.host("a-host-2"), LIVE);
    while (task.getProgress(a.connection) < simulator.settings().pointOfNoReturn) {
      clock.advance(STEP);
    }
    assertThat(task.getAllowedOperations(a.connection)).isEmpty();
    // xapi takes the request without checking allowed_operations (xapi_task.ml, cancel)...
    task.cancel(a.connection);
    assertThat(task.getCurrentOperations(a.connection))
        .containsValue(Types.TaskAllowedOperations.CANCEL);
    // ...but a migration past its point of no return goes on.
    a.runToEnd(task, clock, STEP, 100);
    assertThat(task.getStatus(a.connection)).isEqualTo(Types.TaskStatusType.SUCCESS);
    assertThat(vm.getResidentOn(a.connection)).isEqualTo(a.host("a-host-2"));
  }

  @Test
  void destroyedTasksAreGone() throws Exception {
    Task task = a.vm("vm-shared").poolMigrateAsync(a.connection, a.host("a-host-2"), LIVE);
    a.runToEnd(task, clock, STEP, 200);
    task.destroy(a.connection);
    assertThatThrownBy(() -> task.getStatus(a.connection))
        .satisfies(
            e ->
                assertThat(XenErrors.describe((Types.XenAPIException) e))
                    .containsExactly("HANDLE_INVALID", "task", task.toWireString()));
  }

  private interface Call<T> {
    T get() throws Exception;
  }

  private static <T> T get(Call<T> call) {
    try {
      return call.get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aTaskKeepsTheKeysItsCallerAddsAndRefusesADuplicate() throws Exception {
    Task task = a.vm("vm-shared").poolMigrateAsync(a.connection, a.host("a-host-2"), LIVE);
    task.addToOtherConfig(a.connection, "xenmigration.io/attempt", "uid/1/x");
    assertThatThrownBy(() -> task.addToOtherConfig(a.connection, "xenmigration.io/attempt", "y"))
        .satisfies(
            e ->
                assertThat(XenErrors.describe((Types.XenAPIException) e))
                    .containsExactly(
                        "MAP_DUPLICATE_KEY",
                        "task",
                        "other_config",
                        task.toWireString(),
                        "xenmigration.io/attempt"));
    a.runToEnd(task, clock, STEP, 200);
    assertThat(task.getOtherConfig(a.connection))
        .containsEntry("xenmigration.io/attempt", "uid/1/x");
  }

  @Test
  void aStorageMigrationForwardedToItsHostCopiesItsSubtasksOtherConfig() throws Exception {
    // vm-busy runs on a-host-2, not on the master: the master forwards migrate_send there.
    VM vm = a.vm("vm-busy");
    SR target = a.localSr("a-host-3");
    Map<String, String> dest =
        a.host("a-host-3").migrateReceive(a.connection, a.managementNetwork(), Map.of());
    Task task =
        vm.migrateSendAsync(a.connection, dest, true, a.disksTo(vm, target), Map.of(), Map.of());
    assertThat(task.getSubtasks(a.connection)).hasSize(1);
    Task forwarded = task.getSubtasks(a.connection).iterator().next();
    assertThat(forwarded.getSubtaskOf(a.connection)).isEqualTo(task);

    // A key on the caller's task alone is overwritten by the forwarded task's other_config...
    task.addToOtherConfig(a.connection, "xenmigration.io/attempt", "uid/1/x");
    assertThat(task.getOtherConfig(a.connection)).doesNotContainKey("xenmigration.io/attempt");
    // ...one on the forwarded task comes through and stays after it is gone.
    forwarded.addToOtherConfig(a.connection, "xenmigration.io/attempt", "uid/1/x");
    assertThat(task.getOtherConfig(a.connection))
        .containsEntry("xenmigration.io/attempt", "uid/1/x");
    a.runToEnd(task, clock, Duration.ofSeconds(1), 400);
    assertThat(task.getStatus(a.connection)).isEqualTo(Types.TaskStatusType.SUCCESS);
    assertThat(task.getOtherConfig(a.connection))
        .containsEntry("xenmigration.io/attempt", "uid/1/x");
    assertThat(task.getSubtasks(a.connection)).isEmpty();
    assertThatThrownBy(() -> forwarded.getStatus(a.connection))
        .isInstanceOf(Types.HandleInvalid.class);
  }

  @Test
  void aStorageMigrationWritesMarkedCopiesWhileItRunsAndKeepsOnlyTheDiskAfterwards()
      throws Exception {
    VM vm = a.vm("vm-local");
    SR source = a.localSr("a-host-1");
    VDI disk = a.disksTo(vm, source).keySet().iterator().next();
    String mirrorId = source.getUuid(a.connection) + "/" + disk.getLocation(a.connection);
    SR target = a.localSr("a-host-2");
    Map<String, String> dest =
        a.host("a-host-2").migrateReceive(a.connection, a.managementNetwork(), Map.of());
    Task task =
        vm.migrateSendAsync(a.connection, dest, true, a.disksTo(vm, target), Map.of(), Map.of());
    clock.advance(Duration.ofSeconds(1));
    assertThat(target.getVDIs(a.connection)).hasSize(3);
    assertThat(target.getVDIs(a.connection))
        .allSatisfy(
            v -> assertThat(v.getSmConfig(a.connection)).containsEntry("base_mirror", mirrorId));
    a.runToEnd(task, clock, Duration.ofSeconds(1), 400);
    assertThat(task.getStatus(a.connection)).isEqualTo(Types.TaskStatusType.SUCCESS);
    Set<VDI> kept = target.getVDIs(a.connection);
    assertThat(kept).hasSize(1);
    VDI copy = kept.iterator().next();
    assertThat(copy.getSmConfig(a.connection)).isEmpty();
    assertThat(copy.getVBDs(a.connection)).hasSize(1);
    assertThat(copy.getVBDs(a.connection).iterator().next().getVM(a.connection)).isEqualTo(vm);
  }
}
