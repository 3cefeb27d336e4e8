package io.xenmigration.maintenance;

import io.xenmigration.api.v1alpha1.MaintenancePhase;
import io.xenmigration.xen.XenApiException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The maintenance state machine: which handler decides each phase, and what a XenAPI read that
 * failed means there (a passing failure waits; a refusal while planning fails, nothing changed).
 */
public final class MaintenanceFlow {

  /** How soon a look whose read failed for a passing reason is made again. */
  static final Duration AFTER_READ_FAILURE = Duration.ofSeconds(15);

  private final Map<MaintenancePhase, MaintenanceHandler> handlers =
      new EnumMap<>(MaintenancePhase.class);

  public MaintenanceFlow() {
    handlers.put(MaintenancePhase.Planning, new PlanningPhase());
    handlers.put(MaintenancePhase.Disabling, new DisablingPhase());
    DrainingPhase draining = new DrainingPhase();
    handlers.put(MaintenancePhase.Draining, draining);
    handlers.put(MaintenancePhase.InMaintenance, draining);
    handlers.put(MaintenancePhase.Exiting, new ExitingPhase());
  }

  /** The decision for the maintenance's phase (Planning for a new one); null once it ended. */
  public MaintenanceOutcome decide(MaintenanceLook look) {
    MaintenancePhase phase =
        look.status() == null || look.status().getPhase() == null
            ? MaintenancePhase.Planning
            : look.status().getPhase();
    MaintenanceHandler handler = handlers.get(phase);
    if (handler == null) {
      return null;
    }
    try {
      return handler.decide(look);
    } catch (XenApiException e) {
      if (phase == MaintenancePhase.Planning && !e.isTransient()) {
        return MaintenanceOutcome.to(MaintenancePhase.Failed, e.code(), e.getMessage());
      }
      return MaintenanceOutcome.to(phase, e.code(), "reading the pool failed: " + e.getMessage())
          .requeue(AFTER_READ_FAILURE);
    }
  }
}
