package io.xenmigration.xapisim.engine;

import io.xenmigration.xapisim.api.XapiError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * Faults waiting to happen, set by tests or through the admin endpoint, consumed by the server, the
 * dispatcher and the migration engine as the matching moment comes.
 */
public final class Faults {

  /** A migration fault: fail (or stall) the migration of a VM once it reaches a progress. */
  public record MigrationFault(String vm, double atProgress, List<String> error) {
    /** A stall: the task stays pending with its progress frozen. */
    public boolean hang() {
      return error.isEmpty();
    }

    boolean matches(String vmUuid, String vmName) {
      return vm == null || vm.equals(vmUuid) || vm.equals(vmName);
    }
  }

  private record CallFault(String method, List<String> error, int[] remaining) {}

  private record Latency(String method, Duration delay) {}

  private final List<CallFault> callFaults = new ArrayList<>();
  private final List<MigrationFault> migrationFaults = new ArrayList<>();
  private final List<Latency> latencies = new ArrayList<>();
  private int httpErrors;
  private int connectionResets;

  /** The next {@code times} calls of {@code method} fail with this error. */
  public synchronized void failCalls(String method, int times, String code, String... params) {
    List<String> error = new ArrayList<>();
    error.add(code);
    error.addAll(List.of(params));
    callFaults.add(new CallFault(method, List.copyOf(error), new int[] {times}));
  }

  /** The next migration of the VM (UUID or name-label; null: any VM) fails at this progress. */
  public synchronized void failMigration(
      String vm, double atProgress, String code, String... params) {
    List<String> error = new ArrayList<>();
    error.add(code);
    error.addAll(List.of(params));
    migrationFaults.add(new MigrationFault(vm, atProgress, List.copyOf(error)));
  }

  /** The next migration of the VM stops making progress at this point, until cancelled. */
  public synchronized void hangMigration(String vm, double atProgress) {
    migrationFaults.add(new MigrationFault(vm, atProgress, List.of()));
  }

  /** Every call of {@code method} (null: every call) is answered this much later. */
  public synchronized void addLatency(String method, Duration delay) {
    latencies.add(new Latency(method, delay));
  }

  /** Calls are answered without added delay again; the other faults stay. */
  public synchronized void clearLatency() {
    latencies.clear();
  }

  /** The next {@code count} HTTP requests get a bare HTTP 500. */
  public synchronized void failHttp(int count) {
    httpErrors += count;
  }

  /** The next {@code count} HTTP requests have their connection closed without an answer. */
  public synchronized void resetConnections(int count) {
    connectionResets += count;
  }

  /** Removes every fault not yet consumed. */
  public synchronized void clear() {
    callFaults.clear();
    migrationFaults.clear();
    latencies.clear();
    httpErrors = 0;
    connectionResets = 0;
  }

  /** Throws the error injected for this call, if any, using it up. */
  public synchronized void checkCall(String method) {
    for (Iterator<CallFault> it = callFaults.iterator(); it.hasNext(); ) {
      CallFault fault = it.next();
      if (fault.method.equals(method)) {
        if (--fault.remaining[0] <= 0) {
          it.remove();
        }
        List<String> error = fault.error;
        throw new XapiError(error.get(0), error.subList(1, error.size()).toArray());
      }
    }
  }

  /** The delay to add before answering this method. */
  public synchronized Duration latency(String method) {
    Duration total = Duration.ZERO;
    for (Latency latency : latencies) {
      if (latency.method == null || latency.method.equals(method)) {
        total = total.plus(latency.delay);
      }
    }
    return total;
  }

  /** Takes the migration fault for a VM, if one is waiting. */
  public synchronized MigrationFault takeMigrationFault(String vmUuid, String vmName) {
    for (Iterator<MigrationFault> it = migrationFaults.iterator(); it.hasNext(); ) {
      MigrationFault fault = it.next();
      if (fault.matches(vmUuid, vmName)) {
        it.remove();
        return fault;
      }
    }
    return null;
  }

  /** Whether this HTTP request must get a 500, using the fault up. */
  public synchronized boolean takeHttpError() {
    if (httpErrors > 0) {
      httpErrors--;
      return true;
    }
    return false;
  }

  /** Whether this HTTP request must have its connection reset, using the fault up. */
  public synchronized boolean takeConnectionReset() {
    if (connectionResets > 0) {
      connectionResets--;
      return true;
    }
    return false;
  }

  @Override
  public synchronized String toString() {
    return Objects.toString(callFaults.size())
        + " call faults, "
        + migrationFaults.size()
        + " migration faults";
  }
}
