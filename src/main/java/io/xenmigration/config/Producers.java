package io.xenmigration.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.xenmigration.migration.AdmissionGate;
import io.xenmigration.migration.TaskFollower;
import io.xenmigration.pool.PoolDrivers;
import io.xenmigration.scheduler.Reservations;
import io.xenmigration.scheduler.Scheduler;
import io.xenmigration.xen.CallMeter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The shared objects everything else is handed: the time source and the XenAPI call meter. */
public class Producers {

  /** The memory reservations of migrations in flight. */
  @Produces
  @Singleton
  Reservations reservations() {
    return new Reservations();
  }

  /** Placement, counting the reservations. */
  @Produces
  @Singleton
  Scheduler scheduler(Reservations reservations) {
    return new Scheduler(reservations);
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

  /** The migration slots of every pool. */
  @Produces
  @Singleton
  AdmissionGate admissionGate() {
    return new AdmissionGate();
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
