package io.xenmigration.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xenmigration.testing.SimFixtures;
import io.xenmigration.xapisim.ManualClock;
import io.xenmigration.xapisim.XapiSimulator;
import io.xenmigration.xapisim.engine.SimSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every migration operation of the driver against the simulator, with its XenAPI call budget. */
class XenApiDriverMigrationTest {

  private static final TaskTag TAG = TaskTag.of("uid", 1, "test");

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  private ManualClock clock;
  private XapiSimulator simulator;
  private final CallMeter meter = new CallMeter();
  private XenApiDriver a;
  private XenApiDriver b;

  @BeforeEach
  void start() {
    clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    simulator = SimFixtures.twoPools(clock, new SimSettings()).start();
    a =
        new XenApiDriver(
            PoolEndpoint.of(simulator.url("pool-a"), "root", "password", null, false),
            meter,
            CLOCK);
    b =
        new XenApiDriver(
            PoolEndpoint.of(simulator.url("pool-b"), "root", "password", null, false),
            meter,
            CLOCK);
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
    simulator.close();
  }

  private String hostRef(XenApiDriver driver, String name) throws XenApiException {
    return driver.inventory().hosts().stream()
        .filter(h -> h.name().equals(name))
        .findFirst()
        .orElseThrow()
        .ref();
  }

  /** Steps simulated time and collects the task's progress from events until it ends. */
  private MigrationTask follow(String taskRef, XenApiDriver driver, List<Double> progress)
      throws XenApiException {
    String token = driver.taskChanges("", Duration.ZERO).token();
    for (int i = 0; i < 1_000; i++) {
      clock.advance(Duration.ofMillis(500));
      TaskChanges changes = driver.taskChanges(token, Duration.ZERO);
      token = changes.token();
      for (MigrationTask task : changes.tasks()) {
        if (task.ref().equals(taskRef)) {
          progress.add(task.progress());
          if (task.status().finished()) {
            return task;
          }
        }
      }
    }
    throw new AssertionError("task did not finish");
  }

  @Test
  void poolMigrationHappyPathWithinItsCallBudget() throws Exception {
    String destination = hostRef(a, "a-host-2");
    a.connect();
    meter.reset();

    VmInfo vm = a.resolveVm("vm-shared");
    VmFacts facts = a.vmFacts(vm.ref());
    a.assertCanBootHere(vm.ref(), destination);
    StartedTask started = a.startPoolMigrate(vm.ref(), destination, TAG);
    String task = started.ref();
    Map<String, Long> beforeProgress = meter.byOperation();
    List<Double> progress = new ArrayList<>();
    MigrationTask done = follow(task, a, progress);
    meter.reset();
    a.destroyTask(task);
    VmInfo after = a.vm(vm.ref());

    assertThat(facts.disks()).hasSize(1);
    assertThat(facts.nics()).hasSize(1);
    assertThat(facts.vcpus()).isEqualTo(2);
    assertThat(facts.vm().currentOperations()).isEmpty();
    assertThat(done.status()).isEqualTo(MigrationTask.Status.SUCCESS);
    assertThat(progress).isSorted().last().isEqualTo(1.0);
    assertThat(progress.size()).isGreaterThan(3);
    assertThat(after.residentOn()).isEqualTo(destination);
    assertThat(after.powerState()).isEqualTo("Running");
    assertThat(started.tagged()).isTrue();
    assertThat(done.carries(TAG)).isTrue();
    assertThat(done.uuid()).isNotBlank();
    assertThat(done.describe()).contains(done.uuid()).doesNotContain("OpaqueRef");
    // The budget: resolving by name 2; facts 5 (the VM, its disk's VBD and VDI, the CD drive's
    // VBD, the VIF); the check 1; the start 1 and its tag 1. Progress then comes from events.
    assertThat(beforeProgress)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("resolveVm", 2L, "vmFacts", 5L, "preCheck", 1L, "start", 1L, "tag", 1L));
    assertThat(meter.byOperation())
        .containsExactlyInAnyOrderEntriesOf(Map.of("destroyTask", 1L, "vm", 1L));
    assertThat(a.tasksTagged(TAG)).isEmpty(); // destroyed
  }

  @Test
  void storageMigrationCopiesTheDisks() throws Exception {
    VmInfo vm = a.resolveVm("vm-local");
    PoolInventory inventory = a.inventory();
    var host2 =
        inventory.hosts().stream()
            .filter(h -> h.name().equals("a-host-2"))
            .findFirst()
            .orElseThrow();
    VmFacts facts = a.vmFacts(vm.ref());
    String target =
        host2.storage().stream()
            .filter(sr -> !sr.equals(inventory.defaultSr()))
            .findFirst()
            .orElseThrow();
    DestinationTicket ticket = a.prepareDestination(host2.ref(), a.migrationNetwork(null));
    assertThat(ticket.toString()).doesNotContain("session");
    Map<String, String> vdis = new LinkedHashMap<>();
    facts.disks().forEach(d -> vdis.put(d.vdi(), target));

    assertThatThrownBy(() -> a.assertCanBootHere(vm.ref(), host2.ref()))
        .isInstanceOfSatisfying(
            XenApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo("VM_REQUIRES_SR");
              assertThat(e.params()).containsExactly(vm.ref(), facts.disks().get(0).sr());
              assertThat(e.isTransient()).isFalse();
            });
    a.assertCanMigrate(vm.ref(), ticket, vdis, Map.of());
    String task = a.startMigrateSend(vm.ref(), ticket, vdis, Map.of(), TAG).ref();
    MigrationTask done = follow(task, a, new ArrayList<>());
    assertThat(done.status()).isEqualTo(MigrationTask.Status.SUCCESS);
    assertThat(done.carries(TAG)).isTrue();
    VmFacts moved = a.vmFacts(vm.ref());
    assertThat(moved.vm().residentOn()).isEqualTo(host2.ref());
    assertThat(moved.storage()).containsExactly(target);
  }

  @Test
  void crossPoolMigrationArrivesInTheOtherPool() throws Exception {
    VmInfo vm = a.resolveVm("vm-shared");
    VmFacts facts = a.vmFacts(vm.ref());
    PoolInventory remote = b.inventory();
    String destination = remote.hosts().get(0).ref();
    String network = b.migrationNetwork(null);
    DestinationTicket ticket = b.prepareDestination(destination, network);
    Map<String, String> vdis = new LinkedHashMap<>();
    facts.disks().forEach(d -> vdis.put(d.vdi(), remote.defaultSr()));
    Map<String, String> vifs = new LinkedHashMap<>();
    facts.nics().forEach(n -> vifs.put(n.vif(), network));

    a.assertCanMigrate(vm.ref(), ticket, vdis, vifs);
    String task = a.startMigrateSend(vm.ref(), ticket, vdis, vifs, TAG).ref();
    MigrationTask done = follow(task, a, new ArrayList<>());

    assertThat(done.status()).isEqualTo(MigrationTask.Status.SUCCESS);
    assertThat(done.result()).startsWith("<value>OpaqueRef:");
    VmInfo arrived = b.resolveVm(vm.uuid());
    assertThat(arrived.residentOn()).isEqualTo(destination);
    assertThat(arrived.powerState()).isEqualTo("Running");
    assertThatThrownBy(() -> a.vm(vm.ref()))
        .isInstanceOfSatisfying(
            XenApiException.class, e -> assertThat(e.code()).isEqualTo("VM_NOT_FOUND"));
  }

  @Test
  void cancelStopsAMigrationBeforeItsPointOfNoReturn() throws Exception {
    VmInfo vm = a.resolveVm("vm-shared");
    String task = a.startPoolMigrate(vm.ref(), hostRef(a, "a-host-3"), TAG).ref();
    clock.advance(Duration.ofSeconds(1));
    assertThat(a.task(task).cancellable()).isTrue();
    a.cancel(task);
    clock.advance(Duration.ZERO);
    MigrationTask cancelled = a.task(task);
    assertThat(cancelled.status()).isEqualTo(MigrationTask.Status.CANCELLED);
    assertThat(cancelled.error()).containsExactly("TASK_CANCELLED", task);
    assertThat(ErrorCatalog.ofTask(cancelled).code()).isEqualTo("TASK_CANCELLED");
    assertThat(a.vm(vm.ref()).residentOn()).isEqualTo(hostRef(a, "a-host-1"));
    a.destroyTask(task);
    a.destroyTask(task); // a restart may repeat it
  }

  @Test
  void theCopiesAFailedMirrorLeftAreFoundWithXapisMarkAndDestroyed() throws Exception {
    simulator.faults().failMigration("vm-local", 0.2, "MIRROR_FAILED", "vdi");
    VmInfo vm = a.resolveVm("vm-local");
    PoolInventory inventory = a.inventory();
    var host3 =
        inventory.hosts().stream()
            .filter(h -> h.name().equals("a-host-3"))
            .findFirst()
            .orElseThrow();
    String target =
        host3.storage().stream()
            .filter(sr -> !sr.equals(inventory.defaultSr()))
            .findFirst()
            .orElseThrow();
    VmFacts facts = a.vmFacts(vm.ref());
    DestinationTicket ticket = a.prepareDestination(host3.ref(), a.migrationNetwork(null));
    Map<String, String> vdis = Map.of(facts.disks().get(0).vdi(), target);
    assertThat(a.disksOn(List.of(target))).isEmpty();

    String task = a.startMigrateSend(vm.ref(), ticket, vdis, Map.of(), TAG).ref();
    clock.advance(Duration.ofMillis(100));
    // While the mirror runs, its leaf is attached on the destination host.
    assertThat(a.disksOn(List.of(target))).anySatisfy(d -> assertThat(d.attached()).isTrue());
    MigrationTask failed = follow(task, a, new ArrayList<>());

    assertThat(failed.status()).isEqualTo(MigrationTask.Status.FAILURE);
    assertThat(failed.error()).containsExactly("MIRROR_FAILED", "vdi");
    XenApiException error = ErrorCatalog.ofTask(failed);
    assertThat(error.code()).isEqualTo("MIRROR_FAILED");
    assertThat(error.isTransient()).isFalse();
    List<DiskRecord> leftovers = a.disksOn(List.of(target));
    assertThat(leftovers).hasSize(3);
    assertThat(leftovers)
        .allSatisfy(
            d -> {
              assertThat(d.mirrorOf())
                  .isEqualTo(
                      facts
                          .disks()
                          .get(0)
                          .mirrorId(inventory.sr(facts.disks().get(0).sr()).uuid()));
              assertThat(d.inUse()).isFalse();
              assertThat(d.attached()).isFalse();
              assertThat(d.sr().ref()).isEqualTo(target);
            });
    for (DiskRecord leftover : leftovers) {
      a.destroyDisk(leftover.ref());
      a.destroyDisk(leftover.ref()); // a restart may repeat it
    }
    assertThat(a.disksOn(List.of(target))).isEmpty();
    assertThat(a.vm(vm.ref()).residentOn()).isEqualTo(hostRef(a, "a-host-1"));
  }

  @Test
  void aTaggedTaskIsFoundInAnyStateAndAnUntaggedOneIsNot() throws Exception {
    VmInfo vm = a.resolveVm("vm-shared");
    String task = a.startPoolMigrate(vm.ref(), hostRef(a, "a-host-2"), TAG).ref();
    assertThat(a.tasksTagged(TAG)).extracting(MigrationTask::ref).containsExactly(task);
    assertThat(a.tasksTagged(new TaskTag("uid/1/other"))).isEmpty();
    follow(task, a, new ArrayList<>());
    assertThat(a.tasksTagged(TAG))
        .singleElement()
        .satisfies(t -> assertThat(t.status()).isEqualTo(MigrationTask.Status.SUCCESS));
  }

  @Test
  void aForwardedStorageMigrationKeepsItsTagThroughItsSubtask() throws Exception {
    // vm-busy runs on a-host-2, not on the master: xapi forwards migrate_send and copies the
    // forwarded task's other_config over the caller's.
    VmInfo vm = a.resolveVm("vm-busy");
    PoolInventory inventory = a.inventory();
    var host3 =
        inventory.hosts().stream()
            .filter(h -> h.name().equals("a-host-3"))
            .findFirst()
            .orElseThrow();
    String target =
        host3.storage().stream()
            .filter(sr -> !sr.equals(inventory.defaultSr()))
            .findFirst()
            .orElseThrow();
    VmFacts facts = a.vmFacts(vm.ref());
    DestinationTicket ticket = a.prepareDestination(host3.ref(), a.migrationNetwork(null));
    Map<String, String> vdis = Map.of(facts.disks().get(0).vdi(), target);
    StartedTask started = a.startMigrateSend(vm.ref(), ticket, vdis, Map.of(), TAG);
    assertThat(started.tagged()).isTrue();
    assertThat(a.task(started.ref()).carries(TAG)).isTrue();
    MigrationTask done = follow(started.ref(), a, new ArrayList<>());
    assertThat(done.status()).isEqualTo(MigrationTask.Status.SUCCESS);
    assertThat(done.carries(TAG)).isTrue();
    assertThat(a.tasksTagged(TAG)).extracting(MigrationTask::ref).containsExactly(started.ref());
  }

  @Test
  void taskErrorsAreClassifiedLikeCallErrors() throws Exception {
    simulator.faults().failMigration("vm-shared", 0.3, "VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED");
    VmInfo vm = a.resolveVm("vm-shared");
    String task = a.startPoolMigrate(vm.ref(), hostRef(a, "a-host-2"), TAG).ref();
    MigrationTask failed = follow(task, a, new ArrayList<>());
    assertThat(ErrorCatalog.ofTask(failed).isTransient()).isTrue();
    simulator.faults().failMigration("vm-shared", 0.3, "HOST_OFFLINE", "OpaqueRef:x");
    MigrationTask offline =
        follow(
            a.startPoolMigrate(vm.ref(), hostRef(a, "a-host-2"), new TaskTag("uid/2/x")).ref(),
            a,
            new ArrayList<>());
    assertThat(ErrorCatalog.ofTask(offline).code()).isEqualTo("HOST_OFFLINE");
    assertThat(ErrorCatalog.ofTask(offline).isTransient()).isFalse();
  }

  @Test
  void namedMigrationNetworkMustExistOnce() throws Exception {
    assertThat(a.migrationNetwork("Pool-wide network associated with eth0"))
        .isEqualTo(a.migrationNetwork(null));
    assertThatThrownBy(() -> a.migrationNetwork("storage-net"))
        .isInstanceOfSatisfying(
            XenApiException.class, e -> assertThat(e.code()).isEqualTo("NETWORK_NOT_FOUND"));
  }
}
