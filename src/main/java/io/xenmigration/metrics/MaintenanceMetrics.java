package io.xenmigration.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.xenmigration.api.v1alpha1.HostMaintenance;
import io.xenmigration.api.v1alpha1.HostMaintenanceStatus;
import io.xenmigration.api.v1alpha1.MaintenancePhase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Prometheus metrics of host maintenances: how many there are by phase ({@code host_maintenances}),
 * VMs moved off hosts ({@code maintenance_vms_moved_total}) and VMs that cannot move now ({@code
 * maintenance_vms_blocked}).
 */
@ApplicationScoped
public class MaintenanceMetrics {

  private final MeterRegistry registry;

  /** Per maintenance (namespace/name): VMs moved as last written, and VMs blocked now. */
  private final Map<String, Integer> moved = new ConcurrentHashMap<>();

  private final Map<String, Integer> blocked = new ConcurrentHashMap<>();

  @Inject
  public MaintenanceMetrics(MeterRegistry registry) {
    this.registry = registry;
    registry.gauge(
        "maintenance.vms.blocked",
        blocked,
        b -> b.values().stream().mapToInt(Integer::intValue).sum());
  }

  /** Counts the HostMaintenances in the operator's cache by phase, each time metrics are read. */
  public void countKnown(Supplier<Stream<HostMaintenance>> cache) {
    for (MaintenancePhase phase : MaintenancePhase.values()) {
      Gauge.builder(
              "host.maintenances",
              cache,
              c ->
                  c.get()
                      .filter(m -> m.getStatus() != null && m.getStatus().getPhase() == phase)
                      .count())
          .tags("phase", phase.name())
          .strongReference(true)
          .register(registry);
    }
  }

  /**
   * Notes a written status: VMs moved since the last write are counted, those blocked now shown.
   * After a restart the first write counts nothing already counted as moved before it: the count
   * starts from what the status says.
   */
  public void recorded(String maintenance, MaintenancePhase from, HostMaintenanceStatus status) {
    if (status == null || status.getProgress() == null) {
      return;
    }
    int now = nonNull(status.getProgress().getMoved());
    Integer before = moved.put(maintenance, now);
    if (before != null && now > before) {
      registry.counter("maintenance.vms.moved").increment(now - before);
    }
    if (status.getPhase() != null && status.getPhase().isTerminal()) {
      blocked.remove(maintenance);
    } else {
      blocked.put(maintenance, nonNull(status.getProgress().getBlocked()));
    }
  }

  /** Notes the phase a maintenance is in after a look; an ended one blocks nothing. */
  public void observed(String maintenance, MaintenancePhase phase) {
    if (phase != null && phase.isTerminal()) {
      blocked.remove(maintenance);
    }
  }

  /** Forgets a maintenance that was deleted. */
  public void forget(String maintenance) {
    moved.remove(maintenance);
    blocked.remove(maintenance);
  }

  private static int nonNull(Integer value) {
    return value == null ? 0 : value;
  }
}
