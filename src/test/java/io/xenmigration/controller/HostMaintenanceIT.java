package io.xenmigration.controller;

import static io.xenmigration.testing.SimFixtures.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.xenmigration.api.v1alpha1.BlockedPolicy;
import io.xenmigration.api.v1alpha1.BlockedVm;
import io.xenmigration.api.v1alpha1.HostMaintenance;
import io.xenmigration.api.v1alpha1.HostMaintenanceSpec;
import io.xenmigration.api.v1alpha1.HostMaintenanceStatus;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MaintenancePhase;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.PlannedVm;
import io.xenmigration.api.v1alpha1.StorageMigrationPolicy;
import io.xenmigration.maintenance.ChildMigrations;
import io.xenmigration.testing.EmbeddedApiResource;
import io.xenmigration.testing.SimFixtures;
import io.xenmigration.xapisim.ScaledClock;
import io.xenmigration.xapisim.XapiSimulator;
import io.xenmigration.xapisim.engine.SimSettings;
import io.xenmigration.xapisim.model.SimHost;
import io.xenmigration.xapisim.model.SimSr;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * HostMaintenance against the embedded API and the simulator: a drain of twelve VMs with two that
 * cannot move, the Fail policy, a dry run, cancel and delete (with and without moving VMs back), a
 * VM whose moves keep failing, and a host a toolstack restart enables again.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedApiResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class HostMaintenanceIT extends MigrationHarness {

  /**
   * {@code pool-a}: a-host-1 runs twelve VMs (ten on shared storage, {@code hm-local} on its local
   * SR, {@code hm-pinned} with pool_migrate blocked); a-host-3 runs three; a-host-2 and a-host-4
   * are empty. {@code pool-b} as usual.
   */
  @Override
  XapiSimulator.Builder simulator() {
    return XapiSimulator.builder()
        .clock(new ScaledClock(20.0))
        .settings(new SimSettings())
        .pool(
            "pool-a",
            b -> {
              SimSr nfs = b.addSharedSr("nfs-a");
              SimHost one = b.addHost("a-host-1", 96 * GIB);
              b.addHost("a-host-2", 64 * GIB);
              SimHost three = b.addHost("a-host-3", 64 * GIB);
              b.addHost("a-host-4", 64 * GIB);
              for (int i = 1; i <= 10; i++) {
                b.addVm(String.format("hm-%02d", i), one, (1 + i % 4) * GIB, nfs, 10 * GIB);
              }
              b.addVm("hm-local", one, 2 * GIB, b.localSr(one), 10 * GIB);
              b.addVm("hm-pinned", one, 2 * GIB, nfs, 10 * GIB)
                  .blockedOperations
                  .put("pool_migrate", "licence bound to this host");
              for (int i = 1; i <= 3; i++) {
                b.addVm("back-" + i, three, 2 * GIB, nfs, 10 * GIB);
              }
            })
        .pool("pool-b", SimFixtures::poolB);
  }

  private String maintain(String host, Consumer<HostMaintenanceSpec> change) {
    return maintain("hm-" + UUID.randomUUID().toString().substring(0, 6), host, change);
  }

  private String maintain(String name, String host, Consumer<HostMaintenanceSpec> change) {
    HostMaintenance hm = new HostMaintenance();
    hm.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    HostMaintenanceSpec spec = new HostMaintenanceSpec();
    spec.setPool("pool-a");
    spec.setHost(host);
    spec.setReason("firmware update");
    change.accept(spec);
    hm.setSpec(spec);
    client.resources(HostMaintenance.class).inNamespace(namespace).resource(hm).create();
    return name;
  }

  private HostMaintenance maintenance(String name) {
    return client.resources(HostMaintenance.class).inNamespace(namespace).withName(name).get();
  }

  private HostMaintenanceStatus awaitMaintenance(
      String name, Consumer<HostMaintenanceStatus> check) {
    HostMaintenanceStatus[] seen = new HostMaintenanceStatus[1];
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              HostMaintenance hm = maintenance(name);
              assertThat(hm).isNotNull();
              assertThat(hm.getStatus()).isNotNull();
              check.accept(hm.getStatus());
              seen[0] = hm.getStatus();
            });
    return seen[0];
  }

  private boolean enabled(String host) {
    return simulator.inWorld(w -> w.pool("pool-a").host(host).enabled);
  }

  private String hostOf(String vm) {
    return simulator.inWorld(w -> w.pool("pool-a").vm(vm).residentOn.nameLabel);
  }

  private List<LiveMigration> children(String name) {
    String uid = maintenance(name).getMetadata().getUid();
    return client.resources(LiveMigration.class).inNamespace(namespace).list().getItems().stream()
        .filter(
            m ->
                m.getMetadata().getLabels() != null
                    && uid.equals(
                        m.getMetadata().getLabels().get(ChildMigrations.MAINTENANCE_LABEL)))
        .toList();
  }

  @Test
  void theMovableTenLeaveWithinTheLimitTheTwoBlockedAreListedAndTheHostStaysDisabled() {
    String hm =
        maintain(
            "a-host-1",
            s -> {
              s.setMaxParallel(3);
              s.setStorageMigration(StorageMigrationPolicy.Never);
            });
    awaitMaintenance(hm, s -> assertThat(s.getPhase()).isEqualTo(MaintenancePhase.Draining));
    assertThat(enabled("a-host-1")).isFalse();

    // A move onto the host while it drains: refused by name, and never chosen by the scheduler.
    String onto = migrate("back-1", s -> s.setDestinationHost("a-host-1"));
    LiveMigrationStatus refused = awaitPhase(onto, MigrationPhase.Failed);
    assertThat(refused.getReason()).isEqualTo("DestinationInMaintenance");
    assertThat(refused.getMessage()).contains("a-host-1", hm);
    String anywhere = migrate("back-2", s -> {});
    assertThat(awaitPhase(anywhere, MigrationPhase.Completed).getDestinationHost())
        .isNotEqualTo("a-host-1");

    // A toolstack restart enables the host (xapi 1.249 has no auto_enable); it is disabled again.
    assertThat(simulator.restartToolstack("pool-a", "a-host-1")).isTrue();
    await().atMost(Duration.ofSeconds(60)).until(() -> !enabled("a-host-1"));

    HostMaintenanceStatus status =
        awaitMaintenance(
            hm,
            s -> {
              assertThat(s.getProgress().getMoved()).isEqualTo(10);
              assertThat(s.getReason()).isEqualTo("Blocked");
            });
    assertThat(status.getPhase()).isEqualTo(MaintenancePhase.Draining);
    assertThat(status.getProgress().getTotal()).isEqualTo(12);
    assertThat(status.getProgress().getBlocked()).isEqualTo(2);
    Map<String, BlockedVm> blocked =
        status.getBlocked().stream().collect(Collectors.toMap(BlockedVm::getVm, b -> b));
    assertThat(blocked).containsOnlyKeys("hm-local", "hm-pinned");
    assertThat(blocked.get("hm-local").getCode()).isEqualTo("VM_REQUIRES_SR");
    assertThat(blocked.get("hm-local").getParams())
        .containsExactly("hm-local", "Local storage on a-host-1");
    assertThat(blocked.get("hm-pinned").getCode()).isEqualTo("OPERATION_BLOCKED");
    assertThat(blocked.get("hm-pinned").getParams())
        .containsExactly("hm-pinned", "licence bound to this host");
    assertThat(blocked.get("hm-pinned").getMessage()).contains("blocked-operations");
    // Largest first in the plan, and every movable VM gone from the host.
    assertThat(status.getPlan().stream().map(PlannedVm::getMemoryBytes).toList())
        .isSortedAccordingTo(java.util.Comparator.reverseOrder());
    for (int i = 1; i <= 10; i++) {
      assertThat(hostOf(String.format("hm-%02d", i))).isNotEqualTo("a-host-1");
    }
    assertThat(hostOf("hm-local")).isEqualTo("a-host-1");
    assertThat(hostOf("hm-pinned")).isEqualTo("a-host-1");
    assertThat(simulator.engine().peakBySourceHost().get("a-host-1")).isBetween(1, 3);
    assertThat(simulator.engine().history()).noneMatch(e -> e.destination().equals("a-host-1"));
    assertThat(children(hm)).hasSize(10);
    assertThat(enabled("a-host-1")).isFalse();
    assertThat(eventReasons(hm))
        .contains("MaintenancePlanned", "HostDisabled", "VmBlocked", "HostReenabled");

    // Deleting ends it: the host is back in service, the object goes.
    client.resources(HostMaintenance.class).inNamespace(namespace).withName(hm).delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> maintenance(hm) == null);
    assertThat(enabled("a-host-1")).isTrue();
  }

  @Test
  void aDryRunLiveMigrationRecordsAVerdictPerCandidateHostAndMovesNothing() {
    // The best candidate's pre-check refuses once; the next ones accept.
    simulator.faults().failCalls("VM.assert_can_boot_here", 1, "VM_REQUIRES_NET", "x", "y");
    String dry = migrate("hm-01", s -> s.setDryRun(true));
    LiveMigrationStatus planned = awaitPhase(dry, MigrationPhase.Planned);
    assertThat(planned.getReason()).isEqualTo("DryRun");
    var verdicts = planned.getPlacement().getVerdicts();
    assertThat(verdicts)
        .extracting(v -> v.getHost())
        .containsExactlyInAnyOrder("a-host-2", "a-host-3", "a-host-4");
    assertThat(verdicts.get(0).getAccepted()).isFalse();
    assertThat(verdicts.get(0).getCode()).isEqualTo("VM_REQUIRES_NET");
    assertThat(verdicts.subList(1, 3))
        .allMatch(
            v ->
                v.getAccepted()
                    && v.getMode() == io.xenmigration.api.v1alpha1.MigrationMode.PoolMigrate);
    assertThat(planned.getPlacement().getChosen()).isEqualTo(verdicts.get(1).getHost());
    assertThat(planned.getConditions()).noneMatch(c -> c.getType().equals("Succeeded"));

    // Disks only its host sees: the pre-check of a storage migration, host by host.
    String local = migrate("hm-local", s -> s.setDryRun(true));
    LiveMigrationStatus storage = awaitPhase(local, MigrationPhase.Planned);
    assertThat(storage.getPlacement().getVerdicts())
        .hasSize(3)
        .allMatch(
            v ->
                v.getAccepted()
                    && v.getMode() == io.xenmigration.api.v1alpha1.MigrationMode.StorageMigrate);
    assertThat(simulator.calls().count("VM.assert_can_migrate")).isEqualTo(3);
    assertThat(
            simulator.calls().count("VM.pool_migrate")
                + simulator.calls().count("VM.migrate_send")
                + simulator.calls().count("Async.VM.pool_migrate")
                + simulator.calls().count("Async.VM.migrate_send"))
        .isZero();
    assertThat(hostOf("hm-01")).isEqualTo("a-host-1");
    assertThat(hostOf("hm-local")).isEqualTo("a-host-1");

    // A host under maintenance is no candidate, and says why.
    String hm = maintain("a-host-3", s -> {});
    awaitMaintenance(hm, s -> assertThat(s.getPhase()).isEqualTo(MaintenancePhase.InMaintenance));
    LiveMigrationStatus again =
        awaitPhase(migrate("hm-02", s -> s.setDryRun(true)), MigrationPhase.Planned);
    assertThat(again.getPlacement().getVerdicts())
        .extracting(v -> v.getHost())
        .doesNotContain("a-host-3");
    assertThat(again.getPlacement().getRejected())
        .anyMatch(r -> r.getHost().equals("a-host-3") && r.getReason().startsWith("InMaintenance"));
  }

  @Test
  void failOnBlockedDisablesNothingAndADryRunChangesNothing() {
    String strict = maintain("a-host-1", s -> s.setOnBlocked(BlockedPolicy.Fail));
    HostMaintenanceStatus failed =
        awaitMaintenance(strict, s -> assertThat(s.getPhase()).isEqualTo(MaintenancePhase.Failed));
    assertThat(failed.getReason()).isEqualTo("Blocked");
    assertThat(failed.getBlocked()).extracting(BlockedVm::getVm).contains("hm-local", "hm-pinned");

    String dry = maintain("a-host-1", s -> s.setDryRun(true));
    HostMaintenanceStatus planned =
        awaitMaintenance(dry, s -> assertThat(s.getPhase()).isEqualTo(MaintenancePhase.Planned));
    assertThat(planned.getPlan()).hasSize(12);
    assertThat(planned.getPlan().stream().filter(p -> p.getDestination() != null)).hasSize(10);
    assertThat(planned.getPlan())
        .filteredOn(p -> p.getDestination() != null)
        .allMatch(p -> !p.getDestination().equals("a-host-1"));
    assertThat(planned.getBlocked()).hasSize(2);

    assertThat(simulator.calls().count("host.disable")).isZero();
    assertThat(children(strict)).isEmpty();
    assertThat(children(dry)).isEmpty();
    assertThat(enabled("a-host-1")).isTrue();
    assertThat(simulator.engine().history()).isEmpty();
  }

  @Test
  void cancelStopsNewMovesCancelsRunningOnesAndEnablesTheHost() {
    // The first moves hang halfway, so that they are still running when the cancel comes.
    for (int i = 1; i <= 10; i++) {
      simulator.faults().hangMigration(String.format("hm-%02d", i), 0.5);
    }
    String hm = maintain("a-host-1", s -> {}); // maxParallel: the pool's per-host limit, 2
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                children(hm).stream()
                        .filter(c -> ChildMigrations.phase(c) == MigrationPhase.Running)
                        .count()
                    == 2);
    // Two more wait in the queue behind the host's limit of two, to start the moment a slot frees.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                children(hm).stream()
                        .filter(c -> ChildMigrations.phase(c) == MigrationPhase.Queued)
                        .count()
                    == 2);
    client
        .resources(HostMaintenance.class)
        .inNamespace(namespace)
        .withName(hm)
        .edit(
            m -> {
              m.getSpec().setCancel(true);
              return m;
            });
    HostMaintenanceStatus cancelled =
        awaitMaintenance(hm, s -> assertThat(s.getPhase()).isEqualTo(MaintenancePhase.Cancelled));
    assertThat(cancelled.getReason()).isEqualTo("Cancelled");
    List<LiveMigration> children = children(hm);
    assertThat(children).hasSize(4);
    assertThat(children).allMatch(c -> Boolean.TRUE.equals(c.getSpec().getCancel()));
    assertThat(children).allMatch(c -> ChildMigrations.phase(c) == MigrationPhase.Cancelled);
    assertThat(enabled("a-host-1")).isTrue();
    for (int i = 1; i <= 10; i++) {
      assertThat(hostOf(String.format("hm-%02d", i))).isEqualTo("a-host-1");
    }
    assertThat(eventReasons(hm)).contains("MaintenanceExiting", "HostEnabled");
  }

  @Test
  void aLiveMigrationOfAnotherOwnerHoldingAChildsNameIsLeftAloneAndReported() {
    // The maintenance caches only its children; it finds this one in the operator's own cache.
    String name = "hm-" + UUID.randomUUID().toString().substring(0, 6);
    String uuid = simulator.inWorld(w -> w.pool("pool-a").vm("back-1").uuid);
    LiveMigration other = new LiveMigration();
    other.setMetadata(
        new ObjectMetaBuilder().withName(name + "-" + uuid).withNamespace(namespace).build());
    LiveMigrationSpec spec = new LiveMigrationSpec();
    spec.setPool("pool-a");
    spec.setVm("back-1");
    spec.setDryRun(true);
    other.setSpec(spec);
    client.resources(LiveMigration.class).inNamespace(namespace).resource(other).create();
    awaitPhase(name + "-" + uuid, MigrationPhase.Planned);
    maintain(name, "a-host-3", s -> {});
    HostMaintenanceStatus status =
        awaitMaintenance(
            name,
            s ->
                assertThat(s.getBlocked())
                    .anySatisfy(
                        b -> {
                          assertThat(b.getVm()).isEqualTo("back-1");
                          assertThat(b.getCode()).isEqualTo("NameTaken");
                        }));
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> !hostOf("back-2").equals("a-host-3") && !hostOf("back-3").equals("a-host-3"));
    assertThat(hostOf("back-1")).isEqualTo("a-host-3");
    assertThat(status.getBlocked()).noneMatch(b -> !b.getVm().equals("back-1"));
    LiveMigration untouched =
        client
            .resources(LiveMigration.class)
            .inNamespace(namespace)
            .withName(name + "-" + uuid)
            .get();
    assertThat(untouched.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(untouched.getStatus().getPhase()).isEqualTo(MigrationPhase.Planned);
    assertThat(children(name)).hasSize(2);
  }

  @Test
  void deletedWithReturnVmsTheVmsComeBackAndTheHostIsEnabled() {
    String hm = maintain("a-host-3", s -> s.setReturnVMs(true));
    awaitMaintenance(
        hm,
        s -> {
          assertThat(s.getPhase()).isEqualTo(MaintenancePhase.InMaintenance);
          assertThat(s.getConditions())
              .anyMatch(c -> c.getType().equals("InMaintenance") && c.getStatus().equals("True"));
        });
    assertThat(enabled("a-host-3")).isFalse();
    for (int i = 1; i <= 3; i++) {
      assertThat(hostOf("back-" + i)).isNotEqualTo("a-host-3");
    }
    client.resources(HostMaintenance.class).inNamespace(namespace).withName(hm).delete();
    await().atMost(Duration.ofSeconds(90)).until(() -> maintenance(hm) == null);
    assertThat(enabled("a-host-3")).isTrue();
    for (int i = 1; i <= 3; i++) {
      assertThat(hostOf("back-" + i)).isEqualTo("a-host-3");
    }
  }

  @Test
  void aVmWhoseMovesKeepFailingIsTriedItsAttemptsThenReportedAndNeverAgain() {
    // Every attempt of back-2 fails at the destination: its child tries three hosts, then gives up.
    for (int i = 0; i < 3; i++) {
      simulator
          .faults()
          .failMigration("back-2", 0.3, "VM_MIGRATE_FAILED", "vm", "src", "dst", "link down");
    }
    String hm = maintain("a-host-3", s -> {});
    HostMaintenanceStatus status =
        awaitMaintenance(
            hm,
            s -> {
              assertThat(s.getReason()).isEqualTo("Blocked");
              assertThat(s.getProgress().getMoved()).isEqualTo(2);
            });
    BlockedVm blocked = status.getBlocked().get(0);
    assertThat(blocked.getVm()).isEqualTo("back-2");
    assertThat(blocked.getMessage()).contains("not tried again");
    assertThat(hostOf("back-2")).isEqualTo("a-host-3");
    List<LiveMigration> forBack2 =
        children(hm).stream()
            .filter(c -> c.getStatus() != null && "back-2".equals(c.getStatus().getVmName()))
            .toList();
    assertThat(forBack2).hasSize(1);
    assertThat(ChildMigrations.phase(forBack2.get(0))).isEqualTo(MigrationPhase.Failed);
    assertThat(forBack2.get(0).getStatus().getAttempts()).hasSize(3);
    long moves = simulator.engine().history().stream().filter(e -> e.vm().equals("back-2")).count();
    // It stays blocked: a minute later still one child and no new attempt.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> children(hm).size() == 3);
    assertThat(simulator.engine().history().stream().filter(e -> e.vm().equals("back-2")).count())
        .isEqualTo(moves);
  }
}
