package io.xenmigration.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.StorageMigrationPolicy;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.pool.PoolStatusWriter;
import io.xenmigration.sandbox.StoreFaults;
import io.xenmigration.status.Conditions;
import io.xenmigration.testing.EmbeddedApiResource;
import io.xenmigration.xapisim.model.SimSr;
import io.xenmigration.xapisim.model.SimTask;
import io.xenmigration.xapisim.model.SimVbd;
import io.xenmigration.xapisim.model.SimVdi;
import io.xenmigration.xapisim.model.SimVm;
import io.xenmigration.xapisim.model.XClass;
import io.xenmigration.xen.TaskTag;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The safety windows through the running operator, the embedded API (server-side apply, 409s) and
 * the simulator: copies of disks it does not own survive a rollback, a lost record of a start never
 * leads to a second start, a foreign task is waited for and never touched, deleting cancels, a
 * deleted pool waits for its migrations, and one bad object does not stop the others.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedApiResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class LiveMigrationSafetyIT extends MigrationHarness {

  private static final String LOCAL_3 = "Local storage on a-host-3";

  private LiveMigrationStatus status(String name) {
    return client
        .resources(LiveMigration.class)
        .inNamespace(namespace)
        .withName(name)
        .get()
        .getStatus();
  }

  /** Names every disk of these VMs alike, as VMs cloned from one template are. */
  private void nameDisksAlike(String label, String... vms) {
    simulator.inWorld(
        w -> {
          for (String vm : vms) {
            for (SimVbd vbd : w.pool("pool-a").vm(vm).vbds) {
              if (!vbd.empty()) {
                vbd.vdi.nameLabel = label;
              }
            }
          }
          return null;
        });
  }

  /** A detached VDI of someone's, on an SR of pool-a. */
  private String usersDisk(String srName, String label) {
    return simulator.inWorld(
        w -> {
          var pool = w.pool("pool-a");
          SimSr sr = pool.sr(srName);
          SimVdi vdi = pool.register(new SimVdi(pool));
          vdi.nameLabel = label;
          vdi.sr = sr;
          sr.vdis.add(vdi);
          return vdi.uuid;
        });
  }

  /** The UUID of the VDI a VM's first disk is on now, and its SR's name. */
  private String diskOf(String vm) {
    return simulator.inWorld(
        w -> {
          SimVm found = w.pool("pool-a").vm(vm);
          SimVdi vdi = found.vbds.stream().filter(v -> !v.empty()).findFirst().orElseThrow().vdi;
          return vdi.uuid + "@" + vdi.sr.nameLabel;
        });
  }

  @Test
  void aFailedMirrorDestroysOnlyItsOwnCopiesAndACancelBeforeTheStartRemovesNothing() {
    nameDisksAlike("disk0", "vm-local", "vm-shared");
    String users = usersDisk(LOCAL_3, "disk0");
    // B copies its disk to a-host-3's local SR and is held mid-mirror.
    simulator.faults().hangMigration("vm-shared", 0.4);
    String b =
        migrate(
            "vm-shared",
            s -> {
              s.setDestinationHost("a-host-3");
              s.setDestinationSR(LOCAL_3);
              s.setStorageMigration(StorageMigrationPolicy.Always);
            });
    awaitTaskStarted(b);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> status(b).getProgress() != null && status(b).getProgress() >= 30);
    List<String> beforeA = vdisOn(LOCAL_3);
    assertThat(beforeA).hasSize(4); // the user's disk, and B's leaf, snapshot and parent
    // A copies a disk of the same name to the same SR, and its mirror fails.
    simulator.faults().failMigration("vm-local", 0.3, "MIRROR_FAILED", "vdi");
    String a =
        migrate(
            "vm-local",
            s -> {
              s.setDestinationHost("a-host-3");
              s.setDestinationSR(LOCAL_3);
              s.setMaxAttempts(1);
            });
    LiveMigrationStatus failed = awaitPhase(a, MigrationPhase.Failed);
    assertThat(failed.getRollback().getSteps())
        .anySatisfy(step -> assertThat(step.getAction()).isEqualTo("RemoveLeftovers"));
    // A's three copies are gone; B's copies, still being written, and the user's disk are not.
    assertThat(simulator.calls().count("VDI.destroy")).isEqualTo(3);
    assertThat(vdisOn(LOCAL_3)).containsExactlyInAnyOrderElementsOf(beforeA);
    assertThat(residentHost("pool-a", "vm-local")).isEqualTo("Running@a-host-1");

    simulator.resumeHungMigrations("vm-shared");
    awaitPhase(b, MigrationPhase.Completed);
    assertThat(residentHost("pool-a", "vm-shared")).isEqualTo("Running@a-host-3");
    assertThat(diskOf("vm-shared")).endsWith("@" + LOCAL_3);
    assertThat(vdisOn(LOCAL_3)).contains(users).hasSize(2); // B's disk and the user's

    // A cancel before the start: nothing was copied, nothing is removed.
    simulator.faults().addLatency("VM.assert_can_migrate", Duration.ofSeconds(60));
    long checks = simulator.calls().count("VM.assert_can_migrate");
    String c = migrate("vm-local", s -> s.setDestinationHost("a-host-3"));
    awaitCall("VM.assert_can_migrate", checks); // its look is in the pre-check
    cancel(c);
    awaitPhase(c, MigrationPhase.Cancelled);
    assertThat(simulator.calls().count("VDI.destroy")).isEqualTo(3);
    assertThat(vdisOn(LOCAL_3)).contains(users);
  }

  @ParameterizedTest(name = "the record of the start gets {0}")
  @EnumSource(
      value = StoreFaults.Kind.class,
      names = {"CONFLICT", "TIMEOUT"})
  void aStartWhoseRecordIsLostIsFoundByItsTagAndNeverMadeAgain(StoreFaults.Kind kind) {
    String name = newName();
    // Right after the start is tagged, the write recording it fails.
    simulator
        .calls()
        .onCall(
            "task.add_to_other_config",
            e -> EmbeddedApiResource.faults().failNextStatusWrite(namespace, name, kind));
    if (kind == StoreFaults.Kind.TIMEOUT) {
      simulator.faults().failMigration("vm-shared", 0.5, "VM_BAD_POWER_STATE", "vm", "a", "b");
    }
    migrate(name, "vm-shared", s -> {});
    LiveMigrationStatus done =
        kind == StoreFaults.Kind.TIMEOUT
            ? awaitPhase(name, MigrationPhase.Failed)
            : awaitPhase(name, MigrationPhase.Completed);
    assertThat(EmbeddedApiResource.faults().injected()).isPositive();
    assertThat(migrateCalls()).isEqualTo(1);
    assertThat(done.getAttempts()).hasSize(1);
    assertThat(done.getAttempts().get(0).getTaskUuid()).isNotNull();
    assertThat(done.getIntent()).isNull();
    // The attempt's task was found again and forgotten at the end.
    assertThat(simulator.calls().count("task.destroy")).isEqualTo(1);
    assertThat(tasksTagged(done.getAttempts().get(0).getToken())).isZero();
    assertOnExactlyOneHost("vm-shared");
    assertReleased(name);
  }

  private long tasksTagged(String token) {
    return simulator.inWorld(
        w ->
            w.pool("pool-a").<SimTask>all(XClass.TASK).stream()
                .filter(t -> token.equals(t.otherConfig.get(TaskTag.KEY)))
                .count());
  }

  @Test
  void aMigrationSomeoneElseStartedIsWaitedForNeverTouchedAndThenTheVmMoves() throws Exception {
    simulator.faults().hangMigration("vm-shared", 0.5);
    var outsider = outsider();
    var vm = outsider.resolveVm("vm-shared");
    var host3 =
        outsider.inventory().hosts().stream()
            .filter(h -> h.name().equals("a-host-3"))
            .findFirst()
            .orElseThrow();
    String foreign =
        outsider.startPoolMigrate(vm.ref(), host3.ref(), new TaskTag("someone/else/1")).ref();
    String foreignUuid = outsider.task(foreign).uuid();
    String name = migrate("vm-shared", s -> s.setDestinationHost("a-host-2"));
    LiveMigrationStatus busy =
        awaitStatus(name, s -> assertThat(s.getReason()).isEqualTo("VMBusy"));
    assertThat(busy.getPhase()).isEqualTo(MigrationPhase.Preparing);
    assertThat(busy.getMessage()).contains(foreignUuid).doesNotContain("OpaqueRef:");
    awaitEventReasons(name, "VMBusy");
    assertThat(migrateCalls()).isEqualTo(1); // the outsider's only
    simulator.resumeHungMigrations("vm-shared");
    LiveMigrationStatus done = awaitPhase(name, MigrationPhase.Completed);
    assertThat(done.getSourceHost()).isEqualTo("a-host-3");
    assertThat(residentHost("pool-a", "vm-shared")).isEqualTo("Running@a-host-2");
    assertThat(migrateCalls()).isEqualTo(2);
    // The outsider's task was never cancelled or destroyed by the operator: it is still there.
    assertThat(simulator.calls().count("task.cancel")).isZero();
    assertThat(outsider.task(foreign).uuid()).isEqualTo(foreignUuid);
    assertOnExactlyOneHost("vm-shared");
  }

  @Test
  void deletingARunningMigrationCancelsItAndTheObjectGoesOnceTheVmIsHome() {
    simulator.faults().hangMigration("vm-shared", 0.3);
    String name = migrate("vm-shared", s -> {});
    awaitTaskStarted(name);
    delete(name);
    awaitGone(name);
    assertThat(simulator.calls().count("task.cancel")).isEqualTo(1);
    assertThat(residentHost("pool-a", "vm-shared")).isEqualTo("Running@a-host-1");
    int tasksLeft = simulator.inWorld(w -> w.pool("pool-a").<SimTask>all(XClass.TASK).size());
    assertThat(tasksLeft).isZero();
    assertOnExactlyOneHost("vm-shared");
  }

  @Test
  void deletingAMigrationWhoseStartIsNotRecordedYetFindsItsTaskAndCancelsIt() {
    simulator.faults().hangMigration("vm-shared", 0.3);
    String name = newName();
    simulator
        .calls()
        .onCall(
            "task.add_to_other_config",
            e -> {
              EmbeddedApiResource.faults()
                  .failNextStatusWrite(namespace, name, StoreFaults.Kind.CONFLICT);
              delete(name);
            });
    migrate(name, "vm-shared", s -> {});
    awaitGone(name);
    assertThat(migrateCalls()).isEqualTo(1);
    assertThat(simulator.calls().count("task.cancel")).isEqualTo(1);
    assertThat(residentHost("pool-a", "vm-shared")).isEqualTo("Running@a-host-1");
    assertOnExactlyOneHost("vm-shared");
  }

  @Test
  void aDeletedPoolWaitsForItsRunningMigrationsAndAbandonsNone() {
    simulator.faults().hangMigration("vm-shared", 0.3);
    String name = migrate("vm-shared", s -> {});
    awaitTaskStarted(name);
    client.resources(XenPool.class).inNamespace(namespace).withName("pool-a").delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              XenPool pool =
                  client.resources(XenPool.class).inNamespace(namespace).withName("pool-a").get();
              assertThat(pool).isNotNull();
              var deleting =
                  Conditions.find(pool.getStatus().getConditions(), PoolStatusWriter.DELETING);
              assertThat(deleting).isNotNull();
              assertThat(deleting.getStatus()).isEqualTo("True");
              assertThat(deleting.getMessage()).contains(name);
            });
    // Nothing new starts in it meanwhile.
    String late = migrate("vm-busy", s -> {});
    awaitQueuedBecause(late, "PoolDeleting");
    simulator.resumeHungMigrations("vm-shared");
    LiveMigrationStatus done = awaitPhase(name, MigrationPhase.Completed);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client.resources(XenPool.class).inNamespace(namespace).withName("pool-a").get()
                    == null);
    assertThat(residentHost("pool-a", "vm-shared"))
        .isEqualTo("Running@" + done.getDestinationHost());
    // The migration's task was followed to its end and forgotten: none is left unobserved.
    assertThat(simulator.calls().count("task.destroy")).isEqualTo(1);
    assertThat(client.v1().events().inNamespace(namespace).list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("PoolDeletionWaiting"));
  }

  @Test
  void anUnknownFieldIsIgnoredAndAnUnreadableMigrationIsSkippedWhileOthersGoOn() {
    GenericKubernetesResource typo = generic("with-typo", "vm-shared");
    ((Map<String, Object>) typo.getAdditionalProperties().get("spec")).put("destinatonHost", "x");
    GenericKubernetesResource broken = generic("unreadable", "vm-busy");
    ((Map<String, Object>) broken.getAdditionalProperties().get("spec"))
        .put("priority", "very high");
    var generic =
        client
            .genericKubernetesResources("xenmigration.io/v1alpha1", "LiveMigration")
            .inNamespace(namespace);
    generic.resource(broken).create();
    generic.resource(typo).create();
    String other = migrate("vm-local", s -> {});
    awaitPhase("with-typo", MigrationPhase.Completed);
    awaitPhase(other, MigrationPhase.Completed);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(client.v1().events().inNamespace(namespace).list().getItems())
                    .anySatisfy(
                        e -> {
                          assertThat(e.getReason()).isEqualTo("Unreadable");
                          assertThat(e.getInvolvedObject().getName()).isEqualTo("unreadable");
                          assertThat(e.getType()).isEqualTo("Warning");
                        }));
    // The unreadable one is left as it was: no status written, nothing started for its VM.
    assertThat(generic.withName("unreadable").get().getAdditionalProperties().get("status"))
        .isNull();
    assertThat(residentHost("pool-a", "vm-busy")).isEqualTo("Running@a-host-2");
  }

  private GenericKubernetesResource generic(String name, String vm) {
    GenericKubernetesResource resource = new GenericKubernetesResource();
    resource.setApiVersion("xenmigration.io/v1alpha1");
    resource.setKind("LiveMigration");
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    resource.setAdditionalProperty(
        "spec", new java.util.LinkedHashMap<>(Map.of("pool", "pool-a", "vm", vm)));
    return resource;
  }
}
