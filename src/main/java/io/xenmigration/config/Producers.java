package io.xenmigration.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.xenmigration.migration.MigrationFlow;
import io.xenmigration.migration.MigrationLedger;
import io.xenmigration.migration.MigrationServices;
import io.xenmigration.migration.MigrationStep;
import io.xenmigration.migration.TaskFollower;
import io.xenmigration.pool.PoolDrivers;
import io.xenmigration.xen.CallMeter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The shared objects everything else is handed: the time source, the XenAPI call meter, the task
 * follower, the ledger of what migrations hold, and the step that runs each look at a migration.
 */
public class Producers {

  /** What every active migration holds, from their statuses and the decisions under way. */
  @Produces
  @Singleton
  MigrationLedger ledger() {
    return new MigrationLedger();
  }

  /** One look at a migration: decide, write the intent, act, record; only while leading. */
  @Produces
  @Singleton
  MigrationStep step(
      MigrationFlow flow, MigrationLedger ledger, MigrationServices services, LeaderFence fence) {
    return new MigrationStep(flow, ledger, services, fence);
  }

  /** One look at a maintenance: decide, write, act; only while leading. */
  @Produces
  @Singleton
  io.xenmigration.maintenance.MaintenanceStep maintenanceStep(LeaderFence fence) {
    return new io.xenmigration.maintenance.MaintenanceStep(
        new io.xenmigration.maintenance.MaintenanceFlow(), fence);
  }

  /** Follows running migrations' XenAPI tasks through event.from. */
  @Produces
  @Singleton
  TaskFollower taskFollower(PoolDrivers drivers, Clock clock) {
    return new TaskFollower(drivers, clock);
  }

  void closeTaskFollower(@jakarta.enterprise.inject.Disposes TaskFollower follower) {
    follower.close();
  }

  /** Time for every timestamp and timeout; tests replace it to step time by hand. */
  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  /**
   * XenAPI calls per driver operation, for call budgets, also exported as the Prometheus counter
   * {@code xenapi_calls_total{operation, method}}.
   */
  @Produces
  @Singleton
  CallMeter callMeter(MeterRegistry registry) {
    return new CallMeter(
        (operation, method) ->
            registry.counter("xenapi.calls", "operation", operation, "method", method).increment());
  }
}
