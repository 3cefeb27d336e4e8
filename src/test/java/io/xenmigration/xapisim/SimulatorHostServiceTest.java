package io.xenmigration.xapisim;

import static io.xenmigration.testing.SimFixtures.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.xensource.xenapi.Host;
import com.xensource.xenapi.Task;
import com.xensource.xenapi.Types;
import io.xenmigration.testing.SimClient;
import io.xenmigration.xapisim.engine.MigrationEngine;
import io.xenmigration.xapisim.model.PoolBuilder;
import io.xenmigration.xapisim.model.SimHost;
import io.xenmigration.xapisim.model.SimPool;
import io.xenmigration.xapisim.model.SimSr;
import io.xenmigration.xapisim.model.SimTask;
import io.xenmigration.xapisim.model.SimVm;
import io.xenmigration.xapisim.model.XClass;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Taking a host out of service through the real SDK and raw calls: disable and enable with xapi's
 * checks, toolstack restarts, the evacuation plan's blockers with the parameters xapi sends, and
 * host.evacuate's version-dependent parameters, concurrency and fail-fast behaviour.
 */
class SimulatorHostServiceTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private XapiSimulator simulator;
  private SimClient client;

  @AfterEach
  void stop() {
    if (simulator != null) {
      simulator.close();
    }
  }

  /** Pool {@code p}: h1 (the one to empty), h2 and h3 with 64 GiB, a shared SR, and extras. */
  private void start(String xapiVersion, Consumer<PoolBuilder> extras) {
    simulator =
        XapiSimulator.builder()
            .clock(clock)
            .pool(
                "p",
                b -> {
                  b.addSharedSr("nfs");
                  for (String name : List.of("h1", "h2", "h3")) {
                    b.addHost(name, 64 * GIB).xapiVersion = xapiVersion;
                  }
                  extras.accept(b);
                })
            .start();
    client = new SimClient(simulator, "p");
  }

  /** Running VMs on h1 with a shared disk, of the given sizes in GiB, named vm-1, vm-2, … */
  private static Consumer<PoolBuilder> sharedVms(int... gib) {
    return b -> {
      SimSr nfs = b.pool().sr("nfs");
      for (int i = 0; i < gib.length; i++) {
        b.addVm("vm-" + (i + 1), b.pool().host("h1"), gib[i] * GIB, nfs, 10 * GIB);
      }
    };
  }

  private <T> T world(java.util.function.Function<SimPool, T> read) {
    return simulator.inWorld(w -> read.apply(w.pool("p")));
  }

  private String ref(String host) {
    return world(p -> p.host(host).ref);
  }

  private String vmRef(String vm) {
    return world(p -> p.vm(vm).ref);
  }

  /** The call fails; answers the error exactly as it went on the wire. */
  private List<String> wireError(ThrowingCall call) {
    assertThatThrownBy(call::run).isInstanceOf(Types.XenAPIException.class);
    return simulator.calls().last().error();
  }

  @FunctionalInterface
  private interface ThrowingCall {
    void run() throws Exception;
  }

  @Test
  void disableTakesAutoEnableOnlyWhereXapiHasItAndARestartReenablesOnlyWithout() throws Exception {
    start("1.249.32", b -> {});
    String h1 = ref("h1");
    assertThat(wireError(() -> client.call("host.disable", h1, false)))
        .containsExactly("MESSAGE_PARAMETER_COUNT_MISMATCH", "host.disable", "1", "2");
    assertThat(this.<Boolean>world(p -> p.host("h1").enabled)).isTrue();

    Host host = client.host("h1");
    assertThat(host.getAllowedOperations(client.connection))
        .doesNotContain(Types.HostAllowedOperations.REBOOT);
    client.call("host.disable", h1);
    assertThat(host.getEnabled(client.connection)).isFalse();
    assertThat(host.getAllowedOperations(client.connection))
        .contains(Types.HostAllowedOperations.REBOOT, Types.HostAllowedOperations.SHUTDOWN);
    assertThat(simulator.restartToolstack("p", "h1")).isTrue();
    assertThat(host.getEnabled(client.connection)).isTrue();

    simulator.inWorld(w -> w.pool("p").master.xapiVersion = "25.31.0");
    client.call("host.disable", h1, false);
    assertThat(simulator.restartToolstack("p", "h1")).isFalse();
    assertThat(host.getEnabled(client.connection)).isFalse();
    // A disabled host does not receive VMs.
    simulator.inWorld(
        w -> {
          PoolBuilder extra = new PoolBuilder(w.pool("p"), 9);
          extra.addVm("arriving", w.pool("p").host("h2"), GIB, w.pool("p").sr("nfs"), GIB);
          return null;
        });
    assertThat(
            wireError(
                () ->
                    client.call("VM.pool_migrate", vmRef("arriving"), h1, Map.of("live", "true"))))
        .containsExactly("HOST_DISABLED", h1);

    client.call("host.enable", h1);
    assertThat(host.getEnabled(client.connection)).isTrue();
    client.call("host.disable", h1, true);
    assertThat(simulator.restartToolstack("p", "h1")).isTrue();
  }

  @Test
  void enableRefusesABootingHostThenOneDisabledUntilReboot() throws Exception {
    start("25.31.0", b -> {});
    String h1 = ref("h1");
    client.call("host.disable", h1);
    simulator.inWorld(
        w -> {
          w.pool("p").host("h1").booting = true;
          w.pool("p").host("h1").disabledUntilReboot = true;
          return null;
        });
    assertThat(wireError(() -> client.call("host.enable", h1)))
        .containsExactly("HOST_STILL_BOOTING");
    simulator.inWorld(w -> w.pool("p").host("h1").booting = false);
    assertThat(wireError(() -> client.call("host.enable", h1)))
        .containsExactly("HOST_DISABLED_UNTIL_REBOOT", h1);
    assertThat(simulator.restartToolstack("p", "h1")).isFalse();
    assertThat(this.<Boolean>world(p -> p.host("h1").enabled)).isFalse();
  }

  @Test
  void blockersCarryXapisCodesAndParametersAndTheAssertJoinsThem() throws Exception {
    start(
        "26.17.0",
        sharedVms(4)
            .andThen(
                b -> {
                  SimHost h1 = b.pool().host("h1");
                  SimSr nfs = b.pool().sr("nfs");
                  b.addVm("local", h1, GIB, b.localSr(h1), GIB);
                  b.addVm("pinned", h1, GIB, nfs, GIB).blockedOperations.put("pool_migrate", "lic");
                  b.addVm("gpu", h1, GIB, nfs, GIB).vgpuAttached = true;
                  b.addVm("nic", h1, GIB, nfs, GIB).pciAttached = true;
                  b.addVm("huge", h1, 20 * GIB, nfs, GIB);
                  b.addHaltedVm("halted", GIB, b.localSr(h1), GIB);
                }));
    String h1 = ref("h1");
    String localSr = world(p -> p.sr("Local storage on h1").ref);
    @SuppressWarnings("unchecked")
    Map<String, Object> blockers =
        (Map<String, Object>) client.call("host.get_vms_which_prevent_evacuation", h1);
    assertThat(blockers)
        .containsOnlyKeys(vmRef("local"), vmRef("pinned"), vmRef("gpu"), vmRef("nic"));
    assertThat(asList(blockers.get(vmRef("local"))))
        .containsExactly("VM_REQUIRES_SR", vmRef("local"), localSr);
    assertThat(asList(blockers.get(vmRef("pinned"))))
        .containsExactly("OPERATION_BLOCKED", vmRef("pinned"), "lic");
    assertThat(asList(blockers.get(vmRef("gpu")))).containsExactly("VM_HAS_VGPU", vmRef("gpu"));
    assertThat(asList(blockers.get(vmRef("nic"))))
        .containsExactly("VM_HAS_PCI_ATTACHED", vmRef("nic"));

    // Two 20 GiB guests to pack where 13.5 and 23.5 GiB are free: the biggest-first packing puts
    // the first on the roomiest host, and the second then fits nowhere.
    simulator.inWorld(
        w -> {
          SimPool p = w.pool("p");
          PoolBuilder more = new PoolBuilder(p, 9);
          more.addVm("huge-2", p.host("h1"), 20 * GIB, p.sr("nfs"), GIB);
          more.addVm("filler-2", p.host("h2"), 50 * GIB, p.sr("nfs"), GIB);
          more.addVm("filler-3", p.host("h3"), 40 * GIB, p.sr("nfs"), GIB);
          return null;
        });
    @SuppressWarnings("unchecked")
    Map<String, Object> packed =
        (Map<String, Object>) client.call("host.get_vms_which_prevent_evacuation", h1);
    assertThat(packed).containsKey(vmRef("huge-2"));
    assertThat(asList(packed.get(vmRef("huge-2"))))
        .containsExactly("HOST_NOT_ENOUGH_FREE_MEMORY", vmRef("huge-2"));
    assertThat(packed).doesNotContainKey(vmRef("huge")).doesNotContainKey(vmRef("vm-1"));

    List<String> joined = wireError(() -> client.call("host.assert_can_evacuate", h1));
    assertThat(joined).hasSize(2).first().isEqualTo("CANNOT_EVACUATE_HOST");
    assertThat(joined.get(1).split("\\|"))
        .contains(
            "VM_REQUIRES_SR," + vmRef("local") + "," + localSr,
            "OPERATION_BLOCKED," + vmRef("pinned") + ",lic",
            "HOST_NOT_ENOUGH_FREE_MEMORY," + vmRef("huge-2"))
        .hasSize(5);

    // The SDK's own method reads the same map (as sets: it loses the order of the parameters).
    assertThat(client.host("h1").getVmsWhichPreventEvacuation(client.connection)).hasSize(5);
  }

  @Test
  void highAvailabilityNoOtherHostAndOlderXapiNameTheirBlockersAsXapiDoes() throws Exception {
    start("1.249.32", sharedVms(2, 2));
    String h1 = ref("h1");
    simulator.inWorld(
        w -> {
          SimPool p = w.pool("p");
          p.haEnabled = true;
          p.vm("vm-1").haRestartPriority = "restart";
          p.vm("vm-2").haRestartPriority = "best-effort";
          return null;
        });
    assertThat(preventing(h1)).containsOnlyKeys(vmRef("vm-2"));
    assertThat(preventing(h1).get(vmRef("vm-2")))
        .containsExactly("HOST_NOT_ENOUGH_FREE_MEMORY", vmRef("vm-2"));
    simulator.inWorld(w -> w.pool("p").master.xapiVersion = "26.17.0");
    assertThat(preventing(h1).get(vmRef("vm-2")))
        .containsExactly("HOST_EVACUATE_VM_NOT_HA_PROTECTED", vmRef("vm-2"));

    client.call("host.disable", ref("h2"));
    client.call("host.disable", ref("h3"));
    assertThat(preventing(h1))
        .containsEntry(vmRef("vm-1"), List.of("NO_HOSTS_AVAILABLE", vmRef("vm-1")))
        .containsEntry(vmRef("vm-2"), List.of("NO_HOSTS_AVAILABLE", vmRef("vm-2")));
    // The evacuation raises the plan's first error as it is, and moves nothing.
    assertThat(wireError(() -> client.call("host.evacuate", h1)))
        .containsExactly("NO_HOSTS_AVAILABLE", vmRef("vm-1"));
    assertThat(this.<Integer>world(p -> p.host("h1").residentVms.size()))
        .isEqualTo(3); // with the control domain
  }

  @SuppressWarnings("unchecked")
  private Map<String, List<String>> preventing(String host) throws Exception {
    Map<String, List<String>> answer = new java.util.LinkedHashMap<>();
    ((Map<String, Object>) client.call("host.get_vms_which_prevent_evacuation", host))
        .forEach((vm, error) -> answer.put(vm, asList(error)));
    return answer;
  }

  private static List<String> asList(Object array) {
    List<String> list = new ArrayList<>();
    for (Object item : (Object[]) array) {
      list.add(String.valueOf(item));
    }
    return list;
  }

  @Test
  void olderXapiRefusesTheLongerFormsAndMovesOneVmAtATime() throws Exception {
    start("1.249.32", sharedVms(1, 2, 3, 4));
    String h1 = ref("h1");
    String network = world(p -> p.managementNetwork.ref);
    assertThat(wireError(() -> client.call("host.evacuate", h1, network)))
        .containsExactly("MESSAGE_PARAMETER_COUNT_MISMATCH", "host.evacuate", "1", "2");
    Task task = Types.toTask(client.call("Async.host.evacuate", h1));
    client.runToEnd(task, clock, Duration.ofSeconds(1), 10_000);
    assertThat(task.getStatus(client.connection)).isEqualTo(Types.TaskStatusType.SUCCESS);
    assertThat(simulator.engine().peakBySourceHost()).containsEntry("h1", 1);
    assertThat(this.<Integer>world(p -> Evacuated.of(p).residents)).isEqualTo(0);
  }

  @Test
  void fixedBatchesWaitForTheSlowestWhileTheWindowStartsTheNextAtOnce() throws Exception {
    int[] sizes = {8, 1, 1, 1, 1, 1};
    List<MigrationEngine.Ended> batches = evacuate("24.20.0", sizes, 3);
    List<MigrationEngine.Ended> window = evacuate("25.22.0", sizes, 3);
    // In batches, nothing of the second batch starts before the first batch's slowest ends.
    Instant firstBatchEnd =
        batches.stream().limit(3).map(MigrationEngine.Ended::ended).max(Instant::compareTo).get();
    assertThat(batches.subList(3, 6)).allMatch(e -> !e.started().isBefore(firstBatchEnd));
    // In a window, the fourth starts as soon as a small one of the first three ends.
    Instant windowSlowest =
        window.stream().filter(e -> e.vm().equals("vm-1")).findFirst().get().ended();
    assertThat(window.get(3).started()).isBefore(windowSlowest);
    Duration batchSpan = Duration.between(batches.get(0).started(), firstBatchEnd);
    assertThat(span(window)).isLessThan(span(batches));
    assertThat(batchSpan).isPositive();
  }

  private static Duration span(List<MigrationEngine.Ended> ended) {
    Instant first =
        ended.stream().map(MigrationEngine.Ended::started).min(Instant::compareTo).get();
    Instant last = ended.stream().map(MigrationEngine.Ended::ended).max(Instant::compareTo).get();
    return Duration.between(first, last);
  }

  /** Evacuates h1 with the given VMs; returns the migrations in the order they started. */
  private List<MigrationEngine.Ended> evacuate(String xapiVersion, int[] sizes, int batch)
      throws Exception {
    if (simulator != null) {
      simulator.close();
    }
    start(xapiVersion, sharedVms(sizes));
    String h1 = ref("h1");
    String network = world(p -> p.managementNetwork.ref);
    Task task = Types.toTask(client.call("Async.host.evacuate", h1, network, "" + batch));
    List<Double> progress = client.runToEnd(task, clock, Duration.ofMillis(500), 20_000);
    assertThat(task.getStatus(client.connection)).isEqualTo(Types.TaskStatusType.SUCCESS);
    assertThat(progress).isSorted();
    assertThat(task.getProgress(client.connection)).isEqualTo(1.0);
    assertThat(simulator.engine().peakBySourceHost()).containsEntry("h1", batch);
    assertThat(this.<Integer>world(p -> Evacuated.of(p).residents)).isEqualTo(0);
    assertThat(this.<Integer>world(p -> Evacuated.of(p).subTasks)).isEqualTo(0);
    assertThat(this.<Boolean>world(p -> p.host("h1").enabled))
        .as("evacuate does not disable")
        .isTrue();
    return simulator.engine().history().stream()
        .sorted(java.util.Comparator.comparing(MigrationEngine.Ended::started))
        .toList();
  }

  @Test
  void duringAnEvacuationNothingArrivesAndTheHostShowsIt() throws Exception {
    start("25.31.0", sharedVms(4, 4));
    simulator.inWorld(
        w -> {
          SimPool p = w.pool("p");
          new PoolBuilder(p, 9).addVm("elsewhere", p.host("h2"), GIB, p.sr("nfs"), GIB);
          return null;
        });
    String h1 = ref("h1");
    Task task = Types.toTask(client.call("Async.host.evacuate", h1, "OpaqueRef:NULL", "1"));
    Host host = client.host("h1");
    assertThat(host.getCurrentOperations(client.connection))
        .containsValue(Types.HostAllowedOperations.EVACUATE);
    assertThat(host.getAllowedOperations(client.connection))
        .doesNotContain(
            Types.HostAllowedOperations.VM_MIGRATE,
            Types.HostAllowedOperations.PROVISION,
            Types.HostAllowedOperations.VM_RESUME);
    assertThat(
            wireError(
                () ->
                    client.call("VM.pool_migrate", vmRef("elsewhere"), h1, Map.of("live", "true"))))
        .containsExactly("OTHER_OPERATION_IN_PROGRESS", "host", h1, "evacuate");
    client.runToEnd(task, clock, Duration.ofSeconds(1), 10_000);
    assertThat(task.getProgress(client.connection)).isEqualTo(1.0);
    assertThat(host.getCurrentOperations(client.connection)).isEmpty();
    assertThat(host.getAllowedOperations(client.connection))
        .contains(Types.HostAllowedOperations.VM_MIGRATE);
  }

  @Test
  void aFailedMigrationAbortsTheRestButOneThatFoundItsVmStoppedDoesNot() throws Exception {
    start("25.31.0", sharedVms(1, 1, 1, 1));
    String h1 = ref("h1");
    simulator.faults().failMigration("vm-1", 0.3, "VM_BAD_POWER_STATE", "x", "running", "halted");
    simulator.faults().failMigration("vm-3", 0.3, "VM_MIGRATE_FAILED", "x", "h1", "h2", "lost");
    Task task = Types.toTask(client.call("Async.host.evacuate", h1, "OpaqueRef:NULL", "1"));
    client.runToEnd(task, clock, Duration.ofSeconds(1), 10_000);
    assertThat(task.getStatus(client.connection)).isEqualTo(Types.TaskStatusType.FAILURE);
    assertThat(client.errorInfo(task))
        .containsExactly("VM_MIGRATE_FAILED", "x", "h1", "h2", "lost");
    // vm-1 stayed (its migration "found it stopped"), vm-2 left, vm-3 failed, vm-4 never started.
    assertThat(this.<String>world(p -> p.vm("vm-2").residentOn.nameLabel)).isNotEqualTo("h1");
    assertThat(this.<String>world(p -> p.vm("vm-1").residentOn.nameLabel)).isEqualTo("h1");
    assertThat(this.<String>world(p -> p.vm("vm-4").residentOn.nameLabel)).isEqualTo("h1");
    assertThat(this.<Integer>world(p -> Evacuated.of(p).subTasks)).isEqualTo(0);
    assertThat(this.<Map<?, ?>>world(p -> Map.copyOf(p.host("h1").currentOperations))).isEmpty();

    // With nothing failing, the VMs left behind make the end an internal error.
    simulator.faults().failMigration("vm-1", 0.3, "VM_BAD_POWER_STATE", "x", "running", "halted");
    Task again = Types.toTask(client.call("Async.host.evacuate", h1, "OpaqueRef:NULL", "2"));
    client.runToEnd(again, clock, Duration.ofSeconds(1), 10_000);
    assertThat(client.errorInfo(again))
        .containsExactly("INTERNAL_ERROR", "evacuate: 1 VMs are still resident on " + h1);
  }

  /** What an evacuation left: ordinary VMs still on h1, and pool_migrate sub-tasks. */
  private record Evacuated(int residents, int subTasks) {
    static Evacuated of(SimPool p) {
      int residents = 0;
      for (SimVm vm : p.host("h1").residentVms) {
        residents += vm.isOrdinary() ? 1 : 0;
      }
      int subTasks = 0;
      for (SimTask task : p.<SimTask>all(XClass.TASK)) {
        subTasks += task.nameLabel.equals("Async.VM.pool_migrate") ? 1 : 0;
      }
      return new Evacuated(residents, subTasks);
    }
  }
}
