package io.xenmigration.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.xenmigration.api.v1alpha1.HostMaintenance;
import io.xenmigration.api.v1alpha1.HostMaintenanceSpec;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MaintenancePhase;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.PoolLimits;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.api.v1alpha1.XenPoolSpec;
import io.xenmigration.api.v1alpha1.XenPoolStatus;
import io.xenmigration.migration.ActionFence;
import io.xenmigration.migration.HostsInMaintenance;
import io.xenmigration.migration.PoolIndex;
import io.xenmigration.migration.StatusStore;
import io.xenmigration.testing.FakePool;
import io.xenmigration.xen.HostInfo;
import io.xenmigration.xen.SrInfo;
import io.xenmigration.xen.VmInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One look at a maintenance at a time, against a fake pool: the order of writes and acts, what a
 * restarted operator does with what the last one wrote, and what a process that may not act does.
 */
class MaintenanceStepTest {

  private final FakePool pool = new FakePool("pool-uuid");
  private HostInfo h1;
  private HostMaintenance stored;
  private long version = 1;
  private final List<String> writes = new ArrayList<>();
  private final Map<String, LiveMigration> cluster = new LinkedHashMap<>();
  private boolean createFails;

  /**
   * The pool's per-host limit: above {@code maxParallel} (2) unless a test lowers it, so that no
   * child waits in the queue ahead of its turn.
   */
  private int perHost = 3;

  /** Other maintenances the informer holds. */
  private final List<HostMaintenance> rivals = new ArrayList<>();

  private final java.util.Set<String> taken = new java.util.HashSet<>();
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private boolean mayAct = true;

  /** How many more times the fence lets this process act; negative: without end. */
  private int actsLeft = -1;

  private final ActionFence fence =
      new ActionFence() {
        @Override
        public boolean mayAct() {
          if (actsLeft == 0) {
            return false;
          }
          if (actsLeft > 0) {
            actsLeft--;
          }
          return mayAct;
        }

        @Override
        public String why() {
          return "not the leader";
        }
      };

  /** Children on a fake API server: created under their name once; cancel sets the flag. */
  private final Children children =
      new Children() {
        @Override
        public void create(LiveMigration child) {
          if (createFails) {
            throw new IllegalStateException("connection reset");
          }
          cluster.putIfAbsent(child.getMetadata().getName(), Serialization.clone(child));
        }

        @Override
        public void cancel(String namespace, String name) {
          cluster.get(name).getSpec().setCancel(true);
        }
      };

  /** Writes let through before {@link #refuseWrites} are refused. */
  private int skipWrites;

  /** How many writes, after the skipped ones, are refused with a 409. */
  private int refuseWrites;

  private final MaintenanceStore store =
      maintenance -> {
        if (refuseWrites > 0 && skipWrites-- <= 0) {
          refuseWrites--;
          throw new StatusStore.WriteRefused("HTTP 409", true, null);
        }
        if (!maintenance
            .getMetadata()
            .getResourceVersion()
            .equals(stored.getMetadata().getResourceVersion())) {
          throw new StatusStore.WriteRefused("HTTP 409", true, null);
        }
        HostMaintenance written = Serialization.clone(maintenance);
        written.getMetadata().setResourceVersion(Long.toString(++version));
        stored = written;
        writes.add(
            written.getStatus().getPhase()
                + "/"
                + written.getStatus().getReason()
                + (written.getStatus().getIntent() == null
                    ? ""
                    : "+" + written.getStatus().getIntent().getAction()));
        return Serialization.clone(written);
      };

  @BeforeEach
  void setUp() {
    SrInfo nfs = pool.addSr("nfs");
    h1 = pool.addHost("h1", nfs.ref());
    pool.addHost("h2", nfs.ref());
    pool.addHost("h3", nfs.ref());
    for (int i = 1; i <= 5; i++) {
      pool.addVm("vm-" + i, h1, nfs);
    }
    HostMaintenance hm = new HostMaintenance();
    hm.setMetadata(
        new ObjectMetaBuilder()
            .withName("hm")
            .withNamespace("ns")
            .withUid("hm-uid")
            .withGeneration(1L)
            .withResourceVersion("1")
            .withCreationTimestamp(now.toString())
            .build());
    HostMaintenanceSpec spec = new HostMaintenanceSpec();
    spec.setPool("p");
    spec.setHost("h1");
    spec.setMaxParallel(2);
    hm.setSpec(spec);
    stored = hm;
  }

  private XenPool xenPool() {
    XenPool xenPool = new XenPool();
    xenPool.setMetadata(new ObjectMetaBuilder().withName("p").withNamespace("ns").build());
    XenPoolSpec spec = new XenPoolSpec();
    PoolLimits limits = new PoolLimits();
    limits.setMaxParallelPerHost(perHost);
    spec.setLimits(limits);
    xenPool.setSpec(spec);
    XenPoolStatus status = new XenPoolStatus();
    status.setPoolUuid("pool-uuid");
    xenPool.setStatus(status);
    return xenPool;
  }

  /** One look, as a reconcile makes it: the stored object, the children the informer holds. */
  private MaintenanceStep.Report look(MaintenanceStep step) {
    XenPool xenPool = xenPool();
    MaintenanceLook look =
        new MaintenanceLook(
            Serialization.clone(stored),
            xenPool,
            pool,
            pool.inventory(),
            PoolIndex.of(List.of(xenPool)),
            cluster.values().stream().map(Serialization::clone).toList(),
            java.util.stream.Stream.concat(java.util.stream.Stream.of(stored), rivals.stream())
                .toList(),
            taken,
            false,
            true,
            now);
    return step.run(look, store, children);
  }

  private MaintenanceStep step() {
    return new MaintenanceStep(new MaintenanceFlow(), fence);
  }

  private void finish(String name) {
    LiveMigration child = cluster.get(name);
    LiveMigrationStatus status = new LiveMigrationStatus();
    status.setPhase(MigrationPhase.Completed);
    child.setStatus(status);
    VmInfo vm =
        pool.inventory().vms().stream()
            .filter(v -> v.uuid().equals(child.getSpec().getVm()))
            .findFirst()
            .orElseThrow();
    pool.place(vm, pool.inventory().hostByUuid("uuid-h2"), Map.of());
  }

  /** Sets spec.cancel and looks until the maintenance ends, its children ending as cancelled. */
  private void cancelUntilEnded() {
    stored.getSpec().setCancel(true);
    for (int i = 0; i < 8 && !stored.getStatus().getPhase().isTerminal(); i++) {
      for (LiveMigration child : cluster.values()) {
        LiveMigrationStatus status = new LiveMigrationStatus();
        status.setPhase(MigrationPhase.Cancelled);
        child.setStatus(status);
      }
      look(step());
    }
  }

  @Test
  void aDisableMadeWhoseRecordIsRefusedOrLostIsNeitherMadeTwiceNorUndoneAtTheEnd() {
    look(step());
    // The intent lands, the disable is made, the write of its result is refused (a 409 for one
    // writer, a timeout for another: the store answers as if nothing landed).
    refuseWrites = 1;
    skipWrites = 1;
    look(step());
    assertThat(pool.sideEffects()).containsExactly("disableHost h1");
    assertThat(stored.getStatus().getIntent().getAction()).isEqualTo("DisableHost");
    assertThat(stored.getStatus().getDisabledHere()).isNull();
    look(step());
    assertThat(stored.getStatus().getPhase()).isEqualTo(MaintenancePhase.Draining);
    assertThat(stored.getStatus().getIntent()).isNull();
    assertThat(pool.sideEffects()).containsExactly("disableHost h1");
    cancelUntilEnded();
    assertThat(stored.getStatus().getPhase()).isEqualTo(MaintenancePhase.Cancelled);
    // Not provably this maintenance's disable: left as it is, and said so.
    assertThat(pool.sideEffects()).containsExactly("disableHost h1");
    assertThat(writes).anyMatch(w -> w.startsWith("Draining/"));
  }

  @Test
  void anEnableWhoseRecordIsLostIsNotMadeTwice() {
    look(step());
    look(step());
    stored.getSpec().setCancel(true);
    look(step()); // Exiting
    refuseWrites = 1;
    skipWrites = 1; // the enable's intent lands; the record of its result does not
    look(step());
    assertThat(pool.sideEffects()).containsExactly("disableHost h1", "enableHost h1");
    cancelUntilEnded();
    assertThat(stored.getStatus().getPhase()).isEqualTo(MaintenancePhase.Cancelled);
    assertThat(pool.sideEffects()).containsExactly("disableHost h1", "enableHost h1");
  }

  @Test
  void theDisableIsWrittenAsAnIntentBeforeItIsMadeAndChildrenAreNamedBeforeTheyExist() {
    MaintenanceStep step = step();
    look(step); // Planning -> Disabling
    look(step); // the disable
    assertThat(writes)
        .containsExactly(
            "Disabling/Planned", "Disabling/Disabling+DisableHost", "Draining/Draining");
    assertThat(pool.sideEffects()).containsExactly("disableHost h1");
    assertThat(stored.getStatus().getDisabledHere()).isTrue();

    look(step); // two children, the largest first (all 4 GiB here: by name)
    assertThat(cluster.keySet()).containsExactly("hm-uuid-vm-1", "hm-uuid-vm-2");
    assertThat(stored.getStatus().getChildren()).containsExactly("hm-uuid-vm-1", "hm-uuid-vm-2");
    LiveMigration child = cluster.get("hm-uuid-vm-1");
    assertThat(child.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo("hm-uid");
    assertThat(child.getMetadata().getLabels())
        .containsEntry(ChildMigrations.MAINTENANCE_LABEL, "hm-uid");
    assertThat(child.getSpec().getVm()).isEqualTo("uuid-vm-1");
    assertThat(child.getSpec().getDestinationHost()).isNull();
  }

  @Test
  void aRestartedOperatorFindsTheChildrenByNameAndNeverMakesASecond() {
    look(step());
    look(step());
    createFails = true; // the status names two children; the process dies before creating them
    look(step());
    assertThat(cluster).isEmpty();
    assertThat(stored.getStatus().getChildren()).hasSize(2);

    createFails = false;
    MaintenanceStep restarted = step(); // a new process: nothing in memory
    look(restarted);
    assertThat(cluster.keySet()).containsExactly("hm-uuid-vm-1", "hm-uuid-vm-2");
    look(restarted);
    look(step());
    assertThat(cluster).hasSize(2); // two active: the limit, and no duplicate

    finish("hm-uuid-vm-1");
    look(step());
    assertThat(cluster.keySet()).containsExactly("hm-uuid-vm-1", "hm-uuid-vm-2", "hm-uuid-vm-3");
    assertThat(stored.getStatus().getProgress().getMoved()).isEqualTo(1);
  }

  @Test
  void withTheHostsLimitAtMaxParallelAsManyChildrenAgainWaitInTheQueue() {
    // The queue lets no more than two leave h1, whatever is created (with a limit above
    // maxParallel, as in the other tests, only maxParallel children exist at once).
    perHost = 2;
    stored.getSpec().setMaxParallel(null); // the pool's per-host limit, then
    look(step());
    look(step());
    look(step());
    assertThat(cluster.keySet())
        .containsExactly("hm-uuid-vm-1", "hm-uuid-vm-2", "hm-uuid-vm-3", "hm-uuid-vm-4");
    assertThat(stored.getStatus().getMessage()).isEqualTo("0 of 5 VMs moved, 2 moving, 2 queued");
    assertThat(cluster.get("hm-uuid-vm-1").getMetadata().getAnnotations())
        .containsEntry(HostsInMaintenance.FROM_HOST_ANNOTATION, "uuid-h1");
    LiveMigrationStatus running = new LiveMigrationStatus();
    running.setPhase(MigrationPhase.Running);
    cluster.get("hm-uuid-vm-1").setStatus(running);
    finish("hm-uuid-vm-2");
    look(step());
    assertThat(cluster).hasSize(5);
    assertThat(stored.getStatus().getMessage()).isEqualTo("1 of 5 VMs moved, 1 moving, 3 queued");
  }

  /** Another maintenance of h1, in phase Draining, created a second before or after this one. */
  private HostMaintenance rival(int secondsLater) {
    HostMaintenance other = new HostMaintenance();
    other.setMetadata(
        new ObjectMetaBuilder()
            .withName("first")
            .withNamespace("other")
            .withUid("first-uid")
            .withCreationTimestamp(now.plusSeconds(secondsLater).toString())
            .build());
    HostMaintenanceSpec spec = new HostMaintenanceSpec();
    spec.setPool("p");
    spec.setHost("h1");
    other.setSpec(spec);
    var status = new io.xenmigration.api.v1alpha1.HostMaintenanceStatus();
    status.setPhase(MaintenancePhase.Draining);
    status.setHostUuid("uuid-h1");
    status.setPoolUuid("pool-uuid");
    other.setStatus(status);
    return other;
  }

  @Test
  void anOlderMaintenanceOfTheSameHostPastPlanningStopsThisOneBeforeItMovesAnything() {
    look(step());
    look(step());
    assertThat(stored.getStatus().getPhase()).isEqualTo(MaintenancePhase.Draining);
    // Created a second earlier in a namespace watched apart, it reached the cache only now.
    rivals.add(rival(-1));
    look(step());
    assertThat(cluster).isEmpty();
    assertThat(stored.getStatus().getPhase()).isEqualTo(MaintenancePhase.Exiting);
    assertThat(stored.getStatus().getExitReason()).isEqualTo("HostBusy");
    assertThat(stored.getStatus().getExitMessage()).contains("other/first", "h1");
  }

  @Test
  void aMaxParallelOfTheSpecsHasNoChildWaitInTheQueue() {
    perHost = 2; // a limit someone may raise above maxParallel: queued children would then run
    look(step());
    look(step());
    look(step());
    assertThat(cluster.keySet()).containsExactly("hm-uuid-vm-1", "hm-uuid-vm-2");
    assertThat(stored.getStatus().getMessage()).isEqualTo("0 of 5 VMs moved, 2 moving");
  }

  @Test
  void aRivalSeenOnlyOnceEveryChildExistsStillStopsThisOne() {
    stored.getSpec().setMaxParallel(null); // three, and three queued: all five at once
    look(step());
    look(step());
    look(step());
    assertThat(cluster).hasSize(5);
    rivals.add(rival(-1));
    look(step());
    assertThat(stored.getStatus().getPhase()).isEqualTo(MaintenancePhase.Exiting);
    assertThat(stored.getStatus().getExitReason()).isEqualTo("HostBusy");
    look(step());
    assertThat(cluster.values()).allMatch(c -> Boolean.TRUE.equals(c.getSpec().getCancel()));
  }

  @Test
  void anOlderMaintenanceThatIsExitingStopsNobody() {
    look(step());
    look(step());
    HostMaintenance leaving = rival(-1);
    leaving.getStatus().setPhase(MaintenancePhase.Exiting);
    rivals.add(leaving);
    look(step());
    assertThat(cluster).hasSize(2);
    assertThat(stored.getStatus().getPhase()).isEqualTo(MaintenancePhase.Draining);
  }

  @Test
  void aYoungerMaintenanceOfTheSameHostPastPlanningDoesNotStopThisOne() {
    look(step());
    look(step());
    rivals.add(rival(1));
    look(step());
    assertThat(cluster).hasSize(2);
    assertThat(stored.getStatus().getPhase()).isEqualTo(MaintenancePhase.Draining);
  }

  @Test
  void aChildNameSomeoneElseHasIsReportedAndNeverCreatedOver() {
    taken.add("hm-uuid-vm-1");
    look(step());
    look(step());
    look(step());
    assertThat(cluster.keySet()).containsExactly("hm-uuid-vm-2", "hm-uuid-vm-3");
    assertThat(stored.getStatus().getBlocked())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.getVm()).isEqualTo("vm-1");
              assertThat(b.getCode()).isEqualTo("NameTaken");
            });
  }

  @Test
  void aProcessThatMayNotActWritesNoIntentAndCallsNothing() {
    look(step());
    mayAct = false;
    MaintenanceStep.Report report = look(step());
    assertThat(report.written()).isEmpty();
    assertThat(pool.sideEffects()).isEmpty();
    assertThat(writes).containsExactly("Disabling/Planned");
    mayAct = true;
    look(step());
    assertThat(pool.sideEffects()).containsExactly("disableHost h1");
  }

  @Test
  void aHostAlreadyDisabledIsLeftSoAndNotEnabledAtTheEnd() {
    pool.enabled(h1, false);
    look(step());
    look(step());
    assertThat(stored.getStatus().getPhase()).isEqualTo(MaintenancePhase.Draining);
    assertThat(pool.sideEffects()).isEmpty();
    assertThat(stored.getStatus().getDisabledHere()).isNull();
    cancelUntilEnded();
    assertThat(stored.getStatus().getPhase()).isEqualTo(MaintenancePhase.Cancelled);
    assertThat(pool.sideEffects()).doesNotContain("enableHost h1");
  }

  @Test
  void aDisableWhoseResultWasNeverRecordedIsNotTakenForOursAndTheHostIsNotEnabledAtTheEnd() {
    look(step());
    actsLeft = 1; // the intent is written, then the process loses the right to act, and stops
    look(step());
    assertThat(stored.getStatus().getIntent().getAction()).isEqualTo("DisableHost");
    assertThat(pool.sideEffects()).isEmpty();
    pool.enabled(h1, false); // meanwhile a person disables the host
    actsLeft = -1;
    look(step());
    assertThat(stored.getStatus().getPhase()).isEqualTo(MaintenancePhase.Draining);
    assertThat(stored.getStatus().getIntent()).isNull();
    assertThat(stored.getStatus().getDisabledHere()).isNull();
    assertThat(stored.getStatus().getMessage()).contains("left disabled");
    cancelUntilEnded();
    assertThat(stored.getStatus().getPhase()).isEqualTo(MaintenancePhase.Cancelled);
    assertThat(pool.sideEffects()).noneMatch(e -> e.startsWith("enableHost"));
  }

  @Test
  void aMaintenanceWeDisabledEnablesItsHostWhenCancelled() {
    look(step());
    look(step());
    cancelUntilEnded();
    assertThat(stored.getStatus().getPhase()).isEqualTo(MaintenancePhase.Cancelled);
    assertThat(pool.sideEffects()).containsExactly("disableHost h1", "enableHost h1");
    assertThat(writes).contains("Exiting/Enabling+EnableHost");
  }
}
