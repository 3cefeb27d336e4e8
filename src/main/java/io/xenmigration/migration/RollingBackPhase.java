package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationMode;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.events.EventReason;
import io.xenmigration.xen.MigrationTask;
import io.xenmigration.xen.VmFacts;
import io.xenmigration.xen.VmInfo;
import io.xenmigration.xen.XenApiDriver;
import io.xenmigration.xen.XenApiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RollingBack: stops the task if it still can be stopped (past its point of no return it lets it
 * finish and says so), makes sure the VM runs on exactly one host, removes copies a failed mirror
 * left, and then tries another host, fails or reports the cancel.
 */
final class RollingBackPhase implements PhaseHandler {

  private final MigrationServices services;

  RollingBackPhase(MigrationServices services) {
    this.services = services;
  }

  @Override
  public PhaseOutcome handle(MigrationContext context) throws XenApiException {
    LiveMigrationSpec spec = context.migration().getSpec();
    LiveMigrationStatus status = context.status();
    MigrationServices.Drivers pools = services.drivers(context).orElse(null);
    if (pools == null) {
      return PhaseOutcome.waitForPools(MigrationPhase.RollingBack);
    }
    XenApiDriver source = pools.source();
    XenApiDriver destination = pools.destination();
    String reason = status.getReason();
    String message = status.getMessage();
    List<java.util.function.Consumer<MigrationStatusWriter>> steps = new ArrayList<>();
    if (status.getTaskRef() != null) {
      MigrationTask task = taskOrNull(source, status.getTaskRef());
      if (task != null && !task.status().finished()) {
        if (task.cancellable()) {
          try {
            source.cancel(task.ref());
          } catch (XenApiException e) {
            if (e.isTransient()) {
              throw e;
            }
          }
          return PhaseOutcome.to(MigrationPhase.RollingBack, reason, message)
              .edit(
                  w ->
                      w.rollbackStep(
                          "CancelTask",
                          true,
                          "asked XenAPI to cancel " + task.ref(),
                          context.now()))
              .requeue(RunningPhase.POLL);
        }
        return PhaseOutcome.to(
                MigrationPhase.RollingBack,
                reason,
                message + "; the task is past its point of no return, letting it finish")
            .requeue(RunningPhase.POLL);
      }
      if (task != null && task.status() == MigrationTask.Status.SUCCESS) {
        services.release(context.key());
        source.destroyTask(task.ref());
        return PhaseOutcome.to(
                MigrationPhase.Completed,
                "Completed",
                "the migration finished before it could be stopped: " + reason)
            .edit(w -> w.progress(1.0, context.now()))
            .event(EventReason.Completed);
      }
      if (task != null) {
        source.destroyTask(task.ref());
      }
    }
    // Where is the VM now? It must run on a host of the source pool.
    VmInfo vm = source.resolveVm(status.getVmUuid());
    boolean home = "Running".equals(vm.powerState()) || "Paused".equals(vm.powerState());
    steps.add(
        w ->
            w.rollbackStep(
                "VerifySource",
                home,
                vm.name() + " is " + vm.powerState() + " on " + vm.residentOn(),
                context.now()));
    steps.add(w -> w.rollbackVerified(home));
    if (status.getMode() != MigrationMode.PoolMigrate && status.getDestinationSR() != null) {
      VmFacts facts = source.vmFacts(vm.ref());
      Set<String> names = new HashSet<>();
      facts.disks().forEach(d -> names.add(d.name()));
      Set<String> ownDisks = new HashSet<>();
      facts.disks().forEach(d -> ownDisks.add(d.vdi()));
      List<String> leftovers = new ArrayList<>();
      for (Map.Entry<String, String> vdi :
          destination.unattachedVdis(status.getDestinationSR()).entrySet()) {
        if (names.contains(vdi.getValue()) && !ownDisks.contains(vdi.getKey())) {
          leftovers.add(vdi.getKey());
        }
      }
      if (!leftovers.isEmpty()) {
        destination.destroyVdis(leftovers);
        steps.add(
            w ->
                w.rollbackStep(
                    "RemoveLeftovers",
                    true,
                    "destroyed " + leftovers.size() + " partial disk copies",
                    context.now()));
      }
    }
    PhaseOutcome next;
    if (context.cancelRequested()) {
      services.release(context.key());
      next =
          PhaseOutcome.to(
                  MigrationPhase.Cancelled, "Cancelled", vm.name() + " stays on its source host")
              .event(EventReason.Cancelled);
    } else if (status.getAttempts().size() < MigrationDefaults.maxAttempts(spec)) {
      services.scheduler.release(context.key());
      next =
          PhaseOutcome.to(MigrationPhase.Preparing, reason, message + "; trying another host")
              .event(EventReason.Preparing)
              .edit(w -> w.task(null))
              .requeue(Duration.ZERO);
    } else {
      services.release(context.key());
      next = PhaseOutcome.to(MigrationPhase.Failed, reason, message).event(EventReason.Failed);
    }
    steps.forEach(next::edit);
    return next;
  }

  private static MigrationTask taskOrNull(XenApiDriver driver, String ref) throws XenApiException {
    try {
      return driver.task(ref);
    } catch (XenApiException e) {
      if ("HANDLE_INVALID".equals(e.code())) {
        return null; // destroyed already, by us before a restart or by someone else
      }
      throw e;
    }
  }
}
