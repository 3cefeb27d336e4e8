package io.xenmigration.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.xenmigration.api.v1alpha1.AttemptOutcome;
import io.xenmigration.api.v1alpha1.IntentAction;
import io.xenmigration.api.v1alpha1.Leftover;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.MigrationMode;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.api.v1alpha1.XenPoolSpec;
import io.xenmigration.api.v1alpha1.XenPoolStatus;
import io.xenmigration.pool.PoolDrivers;
import io.xenmigration.pool.PoolInventories;
import io.xenmigration.testing.FakePool;
import io.xenmigration.xen.DiskRecord;
import io.xenmigration.xen.HostInfo;
import io.xenmigration.xen.MigrationTask;
import io.xenmigration.xen.PoolEndpoint;
import io.xenmigration.xen.SrInfo;
import io.xenmigration.xen.TaskTag;
import io.xenmigration.xen.VmInfo;
import java.net.URL;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The decisions that keep the operator's hands off what is not its own, on a pool in memory (no
 * XenAPI, milliseconds): a start whose record was lost is found by its tag or judged by the VM, a
 * task without the attempt's tag is never cancelled or destroyed, and only copies xapi marked as
 * this VM's are destroyed. Each test decides once and reads the decision; nothing is carried out.
 */
class OwnershipDecisionTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String UID = "lm-uid";

  private FakePool pool;
  private HostInfo host1;
  private HostInfo host2;
  private SrInfo local1;
  private SrInfo shared;
  private VmInfo vm;
  private MigrationFlow flow;
  private XenPool xenPool;

  @BeforeEach
  void pool() throws Exception {
    pool = new FakePool("pool-uuid");
    local1 = pool.addSr("local-1");
    shared = pool.addSr("shared");
    host1 = pool.addHost("host-1", local1.ref(), shared.ref());
    host2 = pool.addHost("host-2", shared.ref());
    vm = pool.addVm("web", host1, local1);
    PoolDrivers drivers = new PoolDrivers(endpoint -> pool);
    drivers.driver(
        "ns/pool-a", PoolEndpoint.of(new URL("https://fake/"), "root", "password", null, false));
    PoolInventories inventories = new PoolInventories();
    inventories.put("ns/pool-a", pool.inventory());
    flow =
        new MigrationFlow(
            new MigrationServices(
                drivers,
                inventories,
                new MigrationLedger(),
                TaskFollower.disabled(),
                FlowFixture.START_GRACE));
    xenPool = new XenPool();
    xenPool.setMetadata(new ObjectMetaBuilder().withName("pool-a").withNamespace("ns").build());
    xenPool.setSpec(new XenPoolSpec());
    XenPoolStatus status = new XenPoolStatus();
    status.setPoolUuid("pool-uuid");
    status.setConditions(
        List.of(new ConditionBuilder().withType("Ready").withStatus("True").build()));
    xenPool.setStatus(status);
  }

  private static TaskTag tag() {
    return TaskTag.of(UID, 1, "abc");
  }

  /** The tag a storage migration of web onto the shared SR gets, sealed with its facts. */
  private TaskTag sealed(List<String> existing) {
    return TaskTag.of(
        UID,
        1,
        "abc",
        DiskSeal.of(
            MigrationMode.StorageMigrate, vm.uuid(), host2.uuid(), shared.uuid(), existing));
  }

  /** A migration of web to host-2, its attempt written with its tag: Running, no task yet. */
  private LiveMigration startWritten(MigrationMode mode) {
    return startWritten(mode, tag());
  }

  private LiveMigration startWritten(MigrationMode mode, TaskTag tag) {
    LiveMigration lm = new LiveMigration();
    lm.setMetadata(
        new ObjectMetaBuilder().withName("move").withNamespace("ns").withUid(UID).build());
    LiveMigrationSpec spec = new LiveMigrationSpec();
    spec.setPool("pool-a");
    spec.setVm("web");
    lm.setSpec(spec);
    MigrationStatusWriter w = new MigrationStatusWriter(lm);
    w.phase(MigrationPhase.Queued, "Queued", "accepted", T0);
    w.phase(MigrationPhase.Preparing, "Admitted", "", T0);
    w.vm(vm.uuid(), vm.name()).source(host1.name(), host1.uuid()).pools("pool-uuid", null);
    w.attemptStarted(host2.name(), host2.uuid(), tag.value(), null, T0);
    w.mode(mode, mode == MigrationMode.PoolMigrate ? null : "shared", shared.uuid());
    w.intent(IntentAction.StartMigration, null, T0);
    w.phase(MigrationPhase.Running, "Starting", "", T0);
    return lm;
  }

  private PhaseOutcome decide(LiveMigration lm, Instant now) {
    return flow.handle(
        new MigrationContext(
            lm,
            xenPool,
            null,
            MigrationView.of(List.of(lm)),
            PoolIndex.of(List.of(xenPool)),
            false,
            now));
  }

  /** Applies a decision to the migration, as the step would write it. */
  private static LiveMigration applied(LiveMigration lm, PhaseOutcome outcome, Instant now) {
    MigrationStatusWriter w = new MigrationStatusWriter(lm);
    outcome.edits().forEach(edit -> edit.accept(w));
    w.phase(outcome.phase(), outcome.reason(), outcome.message(), now);
    return lm;
  }

  // --- a start whose record was lost ---

  @Test
  void aTaggedTaskIsAdoptedWhateverItsState() {
    MigrationTask failed =
        pool.addTask("Async.VM.pool_migrate", MigrationTask.Status.FAILURE, false, tag());
    LiveMigration lm = startWritten(MigrationMode.PoolMigrate);
    PhaseOutcome outcome = decide(lm, T0.plusSeconds(1));
    applied(lm, outcome, T0.plusSeconds(1));
    assertThat(outcome.phase()).isEqualTo(MigrationPhase.Running);
    assertThat(outcome.sideEffect()).isNull();
    assertThat(lm.getStatus().getTaskRef()).isEqualTo(failed.ref());
    assertThat(lm.getStatus().getIntent()).isNull();
    // Followed, it is rolled back like any failed task of the attempt.
    PhaseOutcome next = decide(lm, T0.plusSeconds(2));
    assertThat(next.phase()).isEqualTo(MigrationPhase.RollingBack);
    assertThat(pool.sideEffects()).isEmpty();
  }

  @Test
  void aTaskAdoptedByItsTagGetsTheTagBackWhenXapiOverwritesIt() {
    MigrationTask running =
        pool.addTask("Async.VM.migrate_send", MigrationTask.Status.PENDING, true, tag());
    LiveMigration lm = startWritten(MigrationMode.StorageMigrate);
    applied(lm, decide(lm, T0.plusSeconds(1)), T0.plusSeconds(1));
    assertThat(lm.getStatus().getTaskRef()).isEqualTo(running.ref());
    pool.loseTag(running.ref());
    PhaseOutcome next = decide(lm, T0.plusSeconds(2));
    assertThat(next.sideEffect().action()).isEqualTo(IntentAction.TagTask);
  }

  @Test
  void aTaskSeenWithItsTagGetsTheTagBackWhenXapiOverwritesIt() {
    MigrationTask running =
        pool.addTask("Async.VM.migrate_send", MigrationTask.Status.PENDING, true, tag());
    LiveMigration lm = startWritten(MigrationMode.StorageMigrate);
    new MigrationStatusWriter(lm).intentDone().task(running.ref(), running.uuid());
    // A process that took over reads the task its predecessor recorded, with the tag on.
    applied(lm, decide(lm, T0.plusSeconds(1)), T0.plusSeconds(1));
    pool.loseTag(running.ref());
    PhaseOutcome next = decide(lm, T0.plusSeconds(2));
    assertThat(next.sideEffect().action()).isEqualTo(IntentAction.TagTask);
    // A task never seen with the tag is not claimed by putting one on it.
    MigrationTask foreign =
        pool.addTask("Async.VM.migrate_send", MigrationTask.Status.PENDING, true, null);
    LiveMigration other = startWritten(MigrationMode.StorageMigrate);
    new MigrationStatusWriter(other).intentDone().task(foreign.ref(), foreign.uuid());
    PhaseOutcome untouched = decide(other, T0.plusSeconds(3));
    assertThat(untouched.sideEffect() == null ? null : untouched.sideEffect().action())
        .isNotEqualTo(IntentAction.TagTask);
  }

  @Test
  void aVmBusyWithAnUntaggedTaskIsWaitedForAndItsTaskNamed() {
    MigrationTask foreign =
        pool.addTask("Async.VM.pool_migrate", MigrationTask.Status.PENDING, true, null);
    pool.place(vm, host1, Map.of(foreign.ref(), "pool_migrate"));
    LiveMigration lm = startWritten(MigrationMode.PoolMigrate);
    PhaseOutcome outcome = decide(lm, T0.plusSeconds(120));
    assertThat(outcome.phase()).isEqualTo(MigrationPhase.Running);
    assertThat(outcome.reason()).isEqualTo("VMBusy");
    assertThat(outcome.message()).contains(foreign.uuid()).doesNotContain("OpaqueRef:");
    assertThat(outcome.sideEffect()).isNull();
  }

  @Test
  void aVmFoundOnItsDestinationEndsTheAttemptAsDone() {
    pool.place(vm, host2, Map.of());
    LiveMigration lm = startWritten(MigrationMode.PoolMigrate);
    PhaseOutcome outcome = decide(lm, T0.plusSeconds(1));
    assertThat(outcome.phase()).isEqualTo(MigrationPhase.Completed);
    assertThat(applied(lm, outcome, T0).getStatus().getIntent()).isNull();
  }

  @Test
  void noTaskAndNoMoveWaitsOutTheGraceThenEndsUnconfirmedWithoutStartingAgain() {
    LiveMigration lm = startWritten(MigrationMode.PoolMigrate);
    PhaseOutcome early = decide(lm, T0.plusSeconds(5));
    assertThat(early.reason()).isEqualTo("ConfirmingStart");
    assertThat(early.phase()).isEqualTo(MigrationPhase.Running);
    PhaseOutcome late = decide(lm, T0.plus(FlowFixture.START_GRACE).plusSeconds(1));
    applied(lm, late, T0);
    assertThat(late.phase()).isEqualTo(MigrationPhase.RollingBack);
    assertThat(late.reason()).isEqualTo("StartUnconfirmed");
    assertThat(lm.getStatus().getAttempts().get(0).getOutcome())
        .isEqualTo(AttemptOutcome.Unconfirmed);
    assertThat(late.sideEffect()).isNull();
    assertThat(pool.sideEffects()).isEmpty();
  }

  @Test
  void aTokenThatIsNotThisMigrationsFindsNothing() {
    pool.addTask(
        "Async.VM.pool_migrate",
        MigrationTask.Status.PENDING,
        true,
        TaskTag.of("other-uid", 1, "abc"));
    LiveMigration lm = startWritten(MigrationMode.PoolMigrate);
    lm.getStatus().getAttempts().get(0).setToken(TaskTag.of("other-uid", 1, "abc").value());
    PhaseOutcome outcome = decide(lm, T0.plusSeconds(1));
    assertThat(outcome.reason()).isEqualTo("ConfirmingStart");
    assertThat(lm.getStatus().getTaskRef()).isNull();
  }

  // --- a rollback touches only the attempt's own task ---

  private LiveMigration rollingBackWith(MigrationTask task, MigrationMode mode) {
    return rollingBackWith(task, mode, tag());
  }

  private LiveMigration rollingBackWith(MigrationTask task, MigrationMode mode, TaskTag tag) {
    LiveMigration lm = startWritten(mode, tag);
    MigrationStatusWriter w = new MigrationStatusWriter(lm);
    w.intentDone().task(task.ref(), task.uuid());
    w.attemptEnded(AttemptOutcome.Cancelled, "Cancelled", "cancel requested");
    w.phase(MigrationPhase.RollingBack, "Cancelled", "cancel requested", T0);
    lm.getSpec().setCancel(true);
    return lm;
  }

  @Test
  void aTaggedCancellableTaskIsCancelled() {
    MigrationTask task =
        pool.addTask("Async.VM.pool_migrate", MigrationTask.Status.PENDING, true, tag());
    PhaseOutcome outcome = decide(rollingBackWith(task, MigrationMode.PoolMigrate), T0);
    assertThat(outcome.sideEffect().action()).isEqualTo(IntentAction.CancelTask);
  }

  @Test
  void aTaskWithoutTheTagIsNeitherCancelledNorDestroyedButListed() {
    MigrationTask pending =
        pool.addTask("Async.VM.pool_migrate", MigrationTask.Status.PENDING, true, null);
    LiveMigration lm = rollingBackWith(pending, MigrationMode.PoolMigrate);
    PhaseOutcome outcome = decide(lm, T0);
    applied(lm, outcome, T0);
    assertThat(outcome.sideEffect()).isNull();
    assertThat(outcome.phase()).isEqualTo(MigrationPhase.RollingBack);
    assertThat(lm.getStatus().getRollback().getLeftovers())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.getKind()).isEqualTo("Task");
              assertThat(l.getUuid()).isEqualTo(pending.uuid());
            });
    // Once it has ended, it is still not destroyed.
    MigrationTask ended =
        pool.addTask("Async.VM.pool_migrate", MigrationTask.Status.CANCELLED, false, null);
    LiveMigration later = rollingBackWith(ended, MigrationMode.PoolMigrate);
    PhaseOutcome after = decide(later, T0);
    assertThat(after.sideEffect()).isNull();
    assertThat(after.phase()).isEqualTo(MigrationPhase.Cancelled);
  }

  @Test
  void aTaggedTaskThatEndedIsDestroyed() {
    MigrationTask ended =
        pool.addTask("Async.VM.pool_migrate", MigrationTask.Status.CANCELLED, false, tag());
    PhaseOutcome outcome = decide(rollingBackWith(ended, MigrationMode.PoolMigrate), T0);
    assertThat(outcome.sideEffect().action()).isEqualTo(IntentAction.DestroyTask);
  }

  // --- only copies proven the attempt's are destroyed ---

  private DiskRecord disk(
      String uuid,
      String name,
      String mirrorOf,
      boolean inUse,
      boolean busy,
      boolean attached,
      boolean snapshot) {
    return pool.addDisk(
        new DiskRecord(
            "OpaqueRef:" + uuid, uuid, name, shared, mirrorOf, inUse, busy, attached, snapshot));
  }

  /** web's copies on the shared SR, as a failed storage migration may leave them. */
  private void copiesOfWeb() {
    String ours = local1.uuid() + "/uuid-vdi-web"; // xapi's base_mirror of web's disk
    disk("leaf", "web disk", ours, false, false, false, false);
    disk("snapshot", "web disk", ours, false, false, false, true);
    disk("in-use", "web disk", ours, true, false, false, false);
    disk("still-written", "web disk", ours, false, false, true, false);
    disk("another-vms-copy", "web disk", "uuid-sr-x/uuid-vdi-other", false, false, false, false);
    disk("users-disk", "web disk", null, false, false, false, false);
    disk("appeared-unmarked", "web disk", null, false, false, false, false);
  }

  /** A failed storage migration of web, its task still there and sealed with what it recorded. */
  private LiveMigration failedStorageMigration() {
    TaskTag sealed = sealed(List.of("users-disk"));
    MigrationTask ended =
        pool.addTask("Async.VM.migrate_send", MigrationTask.Status.FAILURE, false, sealed);
    LiveMigration lm = rollingBackWith(ended, MigrationMode.StorageMigrate, sealed);
    lm.getStatus().getAttempts().get(0).setExistingDisks(List.of("users-disk"));
    return lm;
  }

  @Test
  void onlyUnusedCopiesXapiMarkedAsThisVmsAreDestroyedTheRestIsKeptOrLeftAlone() {
    copiesOfWeb();
    LiveMigration lm = failedStorageMigration();

    PhaseOutcome outcome = decide(lm, T0);
    applied(lm, outcome, T0);

    // Judged before the task that proves them is forgotten.
    assertThat(outcome.sideEffect().action()).isEqualTo(IntentAction.DestroyDisks);
    assertThat(outcome.sideEffect().disks()).containsExactly("snapshot", "leaf");
    assertThat(lm.getStatus().getRollback().getLeftovers())
        .extracting(Leftover::getUuid, Leftover::getReason)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("in-use", "a VBD uses it"),
            org.assertj.core.groups.Tuple.tuple(
                "still-written", "a storage migration may still be writing it"),
            org.assertj.core.groups.Tuple.tuple(
                "appeared-unmarked",
                "it appeared during the attempt with the name of one of the VM's disks, but"
                    + " carries no mark of xapi's storage migration, so it is not provably the"
                    + " attempt's copy"));
  }

  @Test
  void copiesDestroyedWhoseRecordWasLostAreNotDestroyedAgainAndTheTaskIsForgottenAfter() {
    copiesOfWeb();
    LiveMigration lm = failedStorageMigration();
    PhaseOutcome destroy = decide(lm, T0);
    assertThat(destroy.sideEffect().action()).isEqualTo(IntentAction.DestroyDisks);
    // The intent was written and the disks destroyed, then the record of it was lost (a kill, a
    // 409, a timeout): the status says only that the operator meant to.
    new MigrationStatusWriter(lm)
        .intent(IntentAction.DestroyDisks, destroy.sideEffect().disks(), T0);
    for (String uuid : destroy.sideEffect().disks()) {
      pool.destroyDisk("OpaqueRef:" + uuid);
    }
    int destroyed = pool.sideEffects().size();

    PhaseOutcome again = decide(lm, T0);
    applied(lm, again, T0);
    // Nothing is left to destroy; the task, still there to prove it, is forgotten next.
    assertThat(pool.sideEffects()).hasSize(destroyed);
    assertThat(lm.getStatus().getRollback().getSteps())
        .filteredOn(step -> step.getAction().equals(RollingBackPhase.CHECK_LEFTOVERS))
        .singleElement()
        .satisfies(step -> assertThat(step.getSucceeded()).isTrue());
    assertThat(again.sideEffect().action()).isEqualTo(IntentAction.DestroyTask);
  }

  /** Asserts a decision destroys no disk, looks at none, and says why in the rollback's steps. */
  private void nothingDestroyed(LiveMigration lm, String why) {
    PhaseOutcome outcome = decide(lm, T0);
    applied(lm, outcome, T0);
    assertThat(outcome.sideEffect() == null ? null : outcome.sideEffect().action())
        .isNotEqualTo(IntentAction.DestroyDisks);
    assertThat(lm.getStatus().getRollback().getSteps())
        .filteredOn(step -> step.getAction().equals(RollingBackPhase.CHECK_LEFTOVERS))
        .singleElement()
        .satisfies(
            step -> {
              assertThat(step.getSucceeded()).isFalse();
              assertThat(step.getMessage()).contains(why);
            });
    assertThat(pool.sideEffects()).noneMatch(effect -> effect.startsWith("destroyDisk"));
  }

  @Test
  void aStatusPatchNamingAnotherSrDestroysNothing() {
    SrInfo victim = pool.addSr("victim");
    String ours = local1.uuid() + "/uuid-vdi-web";
    for (String uuid : List.of("leaf", "snapshot")) {
      pool.addDisk(
          new DiskRecord(
              "OpaqueRef:" + uuid,
              uuid,
              "web disk",
              victim,
              ours,
              false,
              false,
              false,
              uuid.equals("snapshot")));
    }
    LiveMigration lm = failedStorageMigration();
    lm.getStatus().setDestinationSR("victim");
    lm.getStatus().setDestinationSRUuid(victim.uuid());
    nothingDestroyed(lm, "does not match the seal");
  }

  @Test
  void aStatusPatchNamingAnotherHostOrAnUnknownSrDestroysNothingAndStallsNothing() {
    copiesOfWeb();
    LiveMigration lm = failedStorageMigration();
    lm.getStatus().setDestinationHostUuid("uuid-no-such-host");
    lm.getStatus().setDestinationSRUuid("uuid-no-such-sr");
    nothingDestroyed(lm, "does not match the seal");
    // The rollback goes on: the next look forgets the attempt's task.
    PhaseOutcome next = decide(lm, T0);
    assertThat(next.sideEffect().action()).isEqualTo(IntentAction.DestroyTask);
  }

  @Test
  void aStatusPatchForgettingWhatWasThereBeforeDestroysNothing() {
    copiesOfWeb();
    LiveMigration lm = failedStorageMigration();
    // "leaf" and "snapshot" were someone's before the attempt; the patch says nothing was.
    lm.getStatus().getAttempts().get(0).setExistingDisks(List.of());
    nothingDestroyed(lm, "does not match the seal");
  }

  @Test
  void aStatusPatchNamingAnotherMigrationsTaskTouchesNothing() {
    copiesOfWeb();
    TaskTag theirs = TaskTag.of("other-uid", 1, "xyz", "0".repeat(32));
    MigrationTask foreign =
        pool.addTask("Async.VM.migrate_send", MigrationTask.Status.PENDING, true, theirs);
    LiveMigration lm = failedStorageMigration();
    // The patch copies another LiveMigration's task and token into this one's status.
    lm.getStatus().setTaskRef(foreign.ref());
    lm.getStatus().getAttempts().get(0).setToken(theirs.value());
    PhaseOutcome outcome = decide(lm, T0);
    applied(lm, outcome, T0);
    assertThat(outcome.sideEffect()).isNull();
    assertThat(pool.sideEffects()).isEmpty();
    assertThat(lm.getStatus().getRollback().getLeftovers())
        .extracting(Leftover::getUuid)
        .contains(foreign.uuid());
  }

  @Test
  void noCopyIsDestroyedWhenTheTaskThatProvesThemIsGone() {
    copiesOfWeb();
    LiveMigration lm = failedStorageMigration();
    pool.destroyTask(lm.getStatus().getTaskRef()); // expired in the pool while nobody looked
    nothingDestroyed(lm, "no longer there");
    // Still, every copy xapi marked as web's that was not there before is listed, never destroyed.
    assertThat(lm.getStatus().getRollback().getLeftovers())
        .extracting(Leftover::getUuid)
        .containsExactlyInAnyOrder("leaf", "snapshot", "in-use", "still-written");
    assertThat(lm.getStatus().getRollback().getLeftovers())
        .allSatisfy(l -> assertThat(l.getReason()).contains("no longer there"));
  }

  @Test
  void copiesOfATaskThatLostItsTagAreListedAndNoneDestroyed() {
    copiesOfWeb();
    TaskTag sealed = sealed(List.of("users-disk"));
    // xapi overwrote the task's tag (a forwarded migrate_send mirrors a subtask whose tag could not
    // be written), and the process that could have put it back is gone.
    MigrationTask untagged =
        pool.addTask("Async.VM.migrate_send", MigrationTask.Status.FAILURE, false, null);
    LiveMigration lm = rollingBackWith(untagged, MigrationMode.StorageMigrate, sealed);
    lm.getStatus().getAttempts().get(0).setExistingDisks(List.of("users-disk"));
    nothingDestroyed(lm, "no longer there");
    assertThat(lm.getStatus().getRollback().getLeftovers())
        .extracting(Leftover::getUuid)
        .containsExactlyInAnyOrder(untagged.uuid(), "leaf", "snapshot", "in-use", "still-written");
    assertThat(pool.sideEffects()).isEmpty();
  }

  @Test
  void copiesOfAnUnconfirmedStartAreListedAndNoneDestroyed() {
    String ours = local1.uuid() + "/uuid-vdi-web";
    disk("leaf", "web disk", ours, false, false, false, false);
    disk("users-disk", "web disk", null, false, false, false, false);
    LiveMigration lm = startWritten(MigrationMode.StorageMigrate);
    MigrationStatusWriter w = new MigrationStatusWriter(lm);
    w.intentDone();
    w.attemptEnded(AttemptOutcome.Unconfirmed, "StartUnconfirmed", "no task carries the tag");
    w.phase(MigrationPhase.RollingBack, "StartUnconfirmed", "no task carries the tag", T0);
    PhaseOutcome outcome = decide(lm, T0);
    applied(lm, outcome, T0);
    assertThat(outcome.sideEffect()).isNull();
    assertThat(pool.sideEffects()).isEmpty();
    assertThat(lm.getStatus().getRollback().getLeftovers())
        .extracting(Leftover::getUuid)
        .containsExactly("leaf");
  }

  @Test
  void noCopiesAreJudgedWhenTheAttemptNeverStartedATask() {
    String ours = local1.uuid() + "/uuid-vdi-web";
    disk("leaf", "web disk", ours, false, false, false, false);
    LiveMigration lm = startWritten(MigrationMode.StorageMigrate);
    MigrationStatusWriter w = new MigrationStatusWriter(lm);
    w.intentDone();
    w.attemptEnded(AttemptOutcome.Failed, "VM_BAD_POWER_STATE", "refused");
    w.phase(MigrationPhase.RollingBack, "VM_BAD_POWER_STATE", "refused", T0);
    PhaseOutcome outcome = decide(lm, T0);
    applied(lm, outcome, T0);
    assertThat(outcome.sideEffect()).isNull();
    assertThat(outcome.phase()).isEqualTo(MigrationPhase.Failed);
    assertThat(pool.sideEffects()).isEmpty();
    // A start xapi refused copied nothing: nothing is listed either.
    assertThat(
            lm.getStatus().getRollback() == null
                ? List.of()
                : lm.getStatus().getRollback().getLeftovers())
        .isEmpty();
  }
}
