package io.xenmigration.maintenance;

import io.xenmigration.api.v1alpha1.BlockedVm;
import io.xenmigration.api.v1alpha1.HostMaintenance;
import io.xenmigration.api.v1alpha1.HostMaintenanceStatus;
import io.xenmigration.api.v1alpha1.MaintenanceIntent;
import io.xenmigration.api.v1alpha1.MaintenancePhase;
import io.xenmigration.api.v1alpha1.MaintenanceProgress;
import io.xenmigration.api.v1alpha1.PlannedVm;
import io.xenmigration.api.v1alpha1.ReturnedVm;
import io.xenmigration.status.Conditions;
import io.xenmigration.status.SafeText;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The one place that changes a HostMaintenance's status; handlers describe changes through it. */
public final class MaintenanceStatusWriter {

  /** True while the host is disabled and runs no VM. */
  public static final String IN_MAINTENANCE = "InMaintenance";

  /** True while the operator works on the maintenance. */
  public static final String PROGRESSING = "Progressing";

  private final HostMaintenance maintenance;
  private final HostMaintenanceStatus status;

  public MaintenanceStatusWriter(HostMaintenance maintenance) {
    this.maintenance = maintenance;
    if (maintenance.getStatus() == null) {
      maintenance.setStatus(new HostMaintenanceStatus());
    }
    this.status = maintenance.getStatus();
  }

  /**
   * Enters (or stays in) a phase: its reason and message, the time it was first entered, and the
   * conditions that follow from it.
   */
  public void phase(MaintenancePhase phase, String reason, String message, Instant now) {
    if (status.getPhaseTimes() == null) {
      status.setPhaseTimes(new java.util.LinkedHashMap<>());
    }
    status.getPhaseTimes().putIfAbsent(phase.name(), now.toString());
    status.setPhase(phase);
    status.setReason(SafeText.reason(reason));
    status.setMessage(SafeText.safe(message));
    Long generation = maintenance.getMetadata().getGeneration();
    boolean held = phase == MaintenancePhase.InMaintenance;
    status.setConditions(
        Conditions.set(
            status.getConditions(),
            IN_MAINTENANCE,
            held,
            held ? "HostEmpty" : reason,
            held ? "the host is disabled and runs no VM" : message,
            generation,
            now));
    boolean working = !phase.isTerminal() && phase != MaintenancePhase.InMaintenance;
    status.setConditions(
        Conditions.set(
            status.getConditions(), PROGRESSING, working, reason, message, generation, now));
  }

  /** Writes down a host call about to be made, before it is made. */
  public void intent(String action, Instant now) {
    MaintenanceIntent intent = new MaintenanceIntent();
    intent.setAction(action);
    intent.setAt(now.toString());
    status.setIntent(intent);
  }

  /** The host call was made (or found unneeded): no intent stands. */
  public void intentDone() {
    status.setIntent(null);
  }

  public void host(String uuid, String name, String poolUuid) {
    status.setHostUuid(uuid);
    status.setHostName(name);
    status.setPoolUuid(poolUuid);
  }

  public void hostEnabled(boolean enabled) {
    status.setHostEnabled(enabled);
  }

  /** This maintenance disabled the host (or may have): it enables it again at the end. */
  public void disabledHere(boolean disabled) {
    status.setDisabledHere(disabled);
  }

  public void plan(List<PlannedVm> plan) {
    status.setPlan(new ArrayList<>(plan));
  }

  /** Adds a VM found on the host after the plan was made. */
  public void planned(PlannedVm vm) {
    status.getPlan().add(vm);
  }

  public void blocked(List<BlockedVm> blocked) {
    status.setBlocked(new ArrayList<>(blocked));
  }

  public void blockersReadAt(Instant at) {
    status.setBlockersReadAt(at.toString());
  }

  public void progress(int moved, int total, int blocked, int gone) {
    MaintenanceProgress progress = new MaintenanceProgress();
    progress.setMoved(moved);
    progress.setTotal(total);
    progress.setBlocked(blocked);
    progress.setPercent(total == 0 ? 100 : (int) Math.min(100, (gone * 100L) / total));
    status.setProgress(progress);
  }

  /** Names a child LiveMigration, before it is created. */
  public void child(String name) {
    if (!status.getChildren().contains(name)) {
      status.getChildren().add(name);
    }
  }

  /** Decides how the maintenance ends, once it starts to exit. */
  public void exit(MaintenancePhase then, String reason, String message) {
    if (status.getExitTo() == null) {
      status.setExitTo(then);
      status.setExitReason(SafeText.reason(reason));
      status.setExitMessage(SafeText.safe(message));
    }
  }

  public void returned(List<ReturnedVm> returned) {
    status.setReturned(new ArrayList<>(returned));
  }
}
