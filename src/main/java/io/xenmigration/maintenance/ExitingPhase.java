package io.xenmigration.maintenance;

import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MaintenancePhase;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.ReturnedVm;
import io.xenmigration.events.EventReason;
import io.xenmigration.xen.HostInfo;
import io.xenmigration.xen.HostState;
import io.xenmigration.xen.VmInfo;
import io.xenmigration.xen.XenApiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Exiting: stops the children still moving VMs off, enables the host again if this maintenance
 * disabled it, and with {@code returnVMs} moves the VMs it moved off back (best effort: one that no
 * longer fits stays where it is, reported), then ends Failed or Cancelled.
 */
final class ExitingPhase implements MaintenanceHandler {

  /** How soon an exiting maintenance waiting for its children looks again. */
  static final Duration WHILE_EXITING = Duration.ofSeconds(5);

  /** The decision to end: how it will end is kept until it has. */
  static MaintenanceOutcome begin(
      MaintenanceLook look, MaintenancePhase then, String reason, String message) {
    String why = reason != null ? reason : look.deleting() ? "Deleted" : "Cancelled";
    String words =
        message != null
            ? message
            : look.deleting() ? "the HostMaintenance was deleted" : "spec.cancel was set";
    return MaintenanceOutcome.to(MaintenancePhase.Exiting, why, words + "; ending the maintenance")
        .edit(w -> w.exit(then, why, words))
        .event(EventReason.MaintenanceExiting, words + "; ending the maintenance")
        .requeue(Duration.ZERO);
  }

  @Override
  public MaintenanceOutcome decide(MaintenanceLook look) throws XenApiException {
    List<String> toCancel = new ArrayList<>();
    int moving = 0;
    for (LiveMigration child :
        ChildMigrations.byVm(look.children(), look.maintenance(), ChildMigrations.DRAIN).values()) {
      if (!ChildMigrations.phase(child).isTerminal()) {
        moving++;
        if (!Boolean.TRUE.equals(child.getSpec().getCancel())) {
          toCancel.add(child.getMetadata().getName());
        }
      }
    }
    if (!toCancel.isEmpty()) {
      return stay("StoppingMoves", "cancelling " + toCancel.size() + " moves still running")
          .act(new MaintenanceOutcome.CancelChildren(toCancel))
          .requeue(WHILE_EXITING);
    }
    // The host goes back in service while the cancelled moves end: they only take VMs off it,
    // and a move that never ends (its pool unreachable) must not keep the host out of service.
    if (Boolean.TRUE.equals(look.status().getDisabledHere())) {
      MaintenanceOutcome enabling = enable(look);
      if (enabling != null) {
        return enabling;
      }
    }
    if (moving > 0) {
      return stay("StoppingMoves", "waiting for " + moving + " cancelled moves to end")
          .requeue(WHILE_EXITING);
    }
    if (Boolean.TRUE.equals(look.spec().getReturnVMs())) {
      MaintenanceOutcome returning = returnVms(look);
      if (returning != null) {
        return returning;
      }
    }
    MaintenancePhase then =
        look.status().getExitTo() == null ? MaintenancePhase.Cancelled : look.status().getExitTo();
    String reason = look.status().getExitReason();
    String message = look.status().getExitMessage() + "; the host is back in service";
    return MaintenanceOutcome.to(then, reason, message)
        .event(
            then == MaintenancePhase.Failed
                ? EventReason.MaintenanceFailed
                : EventReason.MaintenanceCancelled,
            message);
  }

  /** The host call that puts the host back, or null when there is none to make. */
  private static MaintenanceOutcome enable(MaintenanceLook look) throws XenApiException {
    HostInfo host = look.host();
    if (host == null && look.inventory() != null && look.status().getHostUuid() != null) {
      String message =
          "host " + look.status().getHostName() + " is no longer in the pool: nothing to enable";
      return stay("HostNotEnabled", message)
          .edit(w -> w.disabledHere(false))
          .event(EventReason.HostNotEnabled, message)
          .requeue(Duration.ZERO);
    }
    if (look.driver() == null || host == null) {
      if (look.pool() == null) {
        String message = "XenPool " + look.spec().getPool() + " is gone: the host stays disabled";
        return stay("HostNotEnabled", message)
            .edit(w -> w.disabledHere(false))
            .event(EventReason.HostNotEnabled, message)
            .requeue(Duration.ZERO);
      }
      return stay("PoolNotReady", "waiting for the pool to be connected to enable the host")
          .requeue(PlanningPhase.WAIT);
    }
    HostState now = look.driver().host(host.ref());
    String name = host.name();
    if (!now.live()) {
      // Rebooting, most likely: enabling it needs it up; the maintenance waits for it.
      return stay("HostNotLive", name + " is not live; waiting for it to come back to enable it")
          .requeue(PlanningPhase.WAIT.multipliedBy(2));
    }
    if (now.enabled()) {
      return stay("HostEnabled", name + " is enabled")
          .edit(w -> w.disabledHere(false))
          .edit(w -> w.hostEnabled(true))
          .requeue(Duration.ZERO);
    }
    return stay("Enabling", "enabling " + name)
        .act(
            new MaintenanceOutcome.HostCall(
                "EnableHost",
                () -> look.driver().enableHost(host.ref()),
                error -> {
                  if (error == null) {
                    return stay("HostEnabled", "enabled " + name)
                        .edit(w -> w.disabledHere(false))
                        .edit(w -> w.hostEnabled(true))
                        .event(EventReason.HostEnabled, name + " is back in service")
                        .requeue(Duration.ZERO);
                  }
                  if (error.isTransient()) {
                    return stay(error.code(), error.getMessage())
                        .requeue(DisablingPhase.AFTER_TRANSIENT);
                  }
                  String message =
                      "could not enable "
                          + name
                          + ": "
                          + error.getMessage()
                          + "; enable it by hand";
                  return stay("HostNotEnabled", message)
                      .edit(w -> w.disabledHere(false))
                      .event(EventReason.HostNotEnabled, message)
                      .requeue(Duration.ZERO);
                }));
  }

  /** Moves back what was moved off; null once every VM is back or accounted for. */
  private static MaintenanceOutcome returnVms(MaintenanceLook look) throws XenApiException {
    HostInfo host = look.host();
    if (look.pool() == null || (look.inventory() != null && host == null)) {
      return skipAll(look, "the host is gone");
    }
    if (host == null || look.inventory() == null) {
      return stay("PoolNotReady", "waiting for the pool's inventory to move the VMs back")
          .requeue(PlanningPhase.WAIT);
    }
    if (!host.enabled()) {
      if (!Boolean.TRUE.equals(look.status().getHostEnabled())) {
        return skipAll(look, "the host stays disabled (it was not disabled by this maintenance)");
      }
      // A child's scheduler reads the inventory, which may not show the host enabled yet.
      return stay(
              "ReturningVMs",
              "waiting for the pool's inventory to show " + host.name() + " enabled")
          .requeue(PlanningPhase.WAIT);
    }
    Map<String, LiveMigration> drained =
        ChildMigrations.byVm(look.children(), look.maintenance(), ChildMigrations.DRAIN);
    Map<String, LiveMigration> back =
        ChildMigrations.byVm(look.children(), look.maintenance(), ChildMigrations.RETURN);
    List<ReturnedVm> returned = new ArrayList<>();
    List<LiveMigration> create = new ArrayList<>();
    List<String> events = new ArrayList<>();
    int pending = 0;
    for (Map.Entry<String, LiveMigration> entry : drained.entrySet()) {
      if (ChildMigrations.phase(entry.getValue()) != MigrationPhase.Completed) {
        continue;
      }
      String uuid = entry.getKey();
      VmInfo vm = vmByUuid(look, uuid);
      String vmName = vm != null ? vm.name() : nameOf(entry.getValue(), uuid);
      LiveMigration child = back.get(uuid);
      if (child == null && vm != null) {
        // Where it runs now, read fresh: the inventory may still show it on the host it left.
        vm = fresh(look, vm);
      }
      if (child == null) {
        if (vm == null
            || !("Running".equals(vm.powerState()) || "Paused".equals(vm.powerState()))) {
          returned.add(returned(vmName, uuid, null, "Skipped", "it no longer runs"));
        } else if (vm.runsOn(host.ref())) {
          returned.add(returned(vmName, uuid, null, "Returned", "it already runs on the host"));
        } else {
          LiveMigration fresh =
              ChildMigrations.child(look.maintenance(), uuid, ChildMigrations.RETURN, host.uuid());
          create.add(fresh);
          pending++;
        }
        continue;
      }
      MigrationPhase phase = ChildMigrations.phase(child);
      String name = child.getMetadata().getName();
      if (!phase.isTerminal()) {
        pending++;
      } else if (phase == MigrationPhase.Completed) {
        returned.add(returned(vmName, uuid, name, "Returned", "moved back"));
      } else {
        String why =
            (child.getStatus().getReason() == null ? "" : child.getStatus().getReason() + ": ")
                + child.getStatus().getMessage();
        boolean noRoom = "NoHostFits".equals(child.getStatus().getReason());
        String outcome = noRoom ? "Skipped" : "Failed";
        returned.add(
            returned(vmName, uuid, name, outcome, (noRoom ? "it no longer fits: " : "") + why));
        events.add(vmName + " was not moved back: " + why);
      }
    }
    if (!create.isEmpty()) {
      MaintenanceOutcome outcome =
          stay("ReturningVMs", "moving " + create.size() + " VMs back")
              .edit(w -> w.returned(returned))
              .act(new MaintenanceOutcome.CreateChildren(create))
              .requeue(WHILE_EXITING);
      return outcome;
    }
    if (pending > 0) {
      return stay("ReturningVMs", pending + " VMs on their way back")
          .edit(w -> w.returned(returned))
          .requeue(WHILE_EXITING);
    }
    boolean recorded = look.status().getReturned().size() == returned.size();
    if (recorded) {
      return null;
    }
    MaintenanceOutcome done =
        stay("ReturnedVMs", returned.size() + " VMs accounted for")
            .edit(w -> w.returned(returned))
            .requeue(Duration.ZERO);
    for (ReturnedVm r : returned) {
      if ("Returned".equals(r.getOutcome())) {
        done.event(EventReason.VmReturned, r.getVm() + " is back on " + host.name());
      }
    }
    events.forEach(message -> done.event(EventReason.VmNotReturned, message));
    return done;
  }

  /** Every VM moved off reported as not moved back, once; null when that is written. */
  private static MaintenanceOutcome skipAll(MaintenanceLook look, String why) {
    if (!look.status().getReturned().isEmpty()) {
      return null;
    }
    List<ReturnedVm> skipped = new ArrayList<>();
    for (Map.Entry<String, LiveMigration> entry :
        ChildMigrations.byVm(look.children(), look.maintenance(), ChildMigrations.DRAIN)
            .entrySet()) {
      if (ChildMigrations.phase(entry.getValue()) == MigrationPhase.Completed) {
        String uuid = entry.getKey();
        skipped.add(returned(nameOf(entry.getValue(), uuid), uuid, null, "Skipped", why));
      }
    }
    if (skipped.isEmpty()) {
      return null;
    }
    return stay("ReturnedVMs", why + "; no VM is moved back")
        .edit(w -> w.returned(skipped))
        .event(EventReason.VmNotReturned, why + "; no VM is moved back")
        .requeue(Duration.ZERO);
  }

  /** The VM as XenAPI has it now, or null when it no longer exists. */
  private static VmInfo fresh(MaintenanceLook look, VmInfo vm) throws XenApiException {
    if (look.driver() == null) {
      throw new XenApiException(
          "POOL_NOT_CONNECTED",
          java.util.List.of(),
          XenApiException.Kind.TRANSIENT,
          "the pool is not connected",
          null);
    }
    try {
      return look.driver().vm(vm.ref());
    } catch (XenApiException e) {
      if ("VM_NOT_FOUND".equals(e.code()) || "HANDLE_INVALID".equals(e.code())) {
        return null;
      }
      throw e;
    }
  }

  private static VmInfo vmByUuid(MaintenanceLook look, String uuid) {
    for (VmInfo vm : look.inventory().vms()) {
      if (vm.uuid().equalsIgnoreCase(uuid)) {
        return vm;
      }
    }
    return null;
  }

  private static String nameOf(LiveMigration child, String uuid) {
    return child.getStatus() != null && child.getStatus().getVmName() != null
        ? child.getStatus().getVmName()
        : uuid;
  }

  private static ReturnedVm returned(
      String vm, String uuid, String migration, String outcome, String message) {
    ReturnedVm r = new ReturnedVm();
    r.setVm(vm);
    r.setUuid(uuid);
    r.setMigration(migration);
    r.setOutcome(outcome);
    r.setMessage(message);
    return r;
  }

  private static MaintenanceOutcome stay(String reason, String message) {
    return MaintenanceOutcome.to(MaintenancePhase.Exiting, reason, message);
  }
}
