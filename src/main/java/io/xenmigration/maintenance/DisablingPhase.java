package io.xenmigration.maintenance;

import io.xenmigration.api.v1alpha1.MaintenancePhase;
import io.xenmigration.events.EventReason;
import io.xenmigration.xen.HostInfo;
import io.xenmigration.xen.HostState;
import io.xenmigration.xen.XenApiException;
import java.time.Duration;

/**
 * Disabling: the host stops taking VMs. A host someone had already disabled is left as it is (and
 * left disabled at the end); one enabled now is disabled, and this maintenance then enables it
 * again when it ends.
 */
final class DisablingPhase implements MaintenanceHandler {

  /** How soon a host call that failed for a passing reason is tried again. */
  static final Duration AFTER_TRANSIENT = Duration.ofSeconds(10);

  @Override
  public MaintenanceOutcome decide(MaintenanceLook look) throws XenApiException {
    if (look.endRequested()) {
      return ExitingPhase.begin(look, MaintenancePhase.Cancelled, null, null);
    }
    HostInfo host = look.host();
    if (look.driver() == null || host == null) {
      return MaintenanceOutcome.to(
              MaintenancePhase.Disabling, "PoolNotReady", "waiting for the pool to be connected")
          .requeue(PlanningPhase.WAIT);
    }
    HostState now = look.driver().host(host.ref());
    if (!now.enabled()) {
      if (look.status().getIntent() != null) {
        // A disable was decided and its result never recorded: whether this maintenance or
        // someone else disabled the host cannot be told, so it is not enabled at the end.
        String message =
            host.name()
                + " is disabled, but whether by this maintenance cannot be told (the operator"
                + " stopped before recording its call); it will be left disabled when the"
                + " maintenance ends";
        return draining(message).event(EventReason.HostDisabled, message);
      }
      return draining(host.name() + " is disabled; draining it");
    }
    String name = host.name();
    return MaintenanceOutcome.to(MaintenancePhase.Disabling, "Disabling", "disabling " + name)
        .act(
            new MaintenanceOutcome.HostCall(
                "DisableHost",
                () -> look.driver().disableHost(host.ref()),
                error -> {
                  if (error == null) {
                    // Recorded with the call's success only: this maintenance owns the disable.
                    return draining("disabled " + name + "; draining it")
                        .edit(w -> w.disabledHere(true))
                        .event(EventReason.HostDisabled, "disabled " + name);
                  }
                  if (error.isTransient()) {
                    return MaintenanceOutcome.to(
                            MaintenancePhase.Disabling, error.code(), error.getMessage())
                        .requeue(AFTER_TRANSIENT);
                  }
                  return ExitingPhase.begin(
                      look,
                      MaintenancePhase.Failed,
                      error.code(),
                      "could not disable " + name + ": " + error.getMessage());
                }));
  }

  private static MaintenanceOutcome draining(String message) {
    return MaintenanceOutcome.to(MaintenancePhase.Draining, "Draining", message)
        .edit(w -> w.hostEnabled(false));
  }
}
