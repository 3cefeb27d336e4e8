package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MigrationMode;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many XenAPI calls one migration costs the pool masters, from the simulator's call log: every
 * call from admission to Completed, except the reads that follow the task's progress and the pools'
 * inventories, which the XenPool controller reads for all migrations of a pool.
 */
public final class MigrationCallCount {

  /** The most a PoolMigrate may cost (benchmark B4). */
  public static final int POOL_MIGRATE_BUDGET = 15;

  /**
   * What one migration cost.
   *
   * @param mode how the VM moved
   * @param calls calls by XenAPI method
   */
  public record Counted(MigrationMode mode, Map<String, Long> calls) {

    public long total() {
      return calls.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private MigrationCallCount() {}

  /** {@code vm-shared} (shared storage) to another host of pool-a. */
  public static Counted poolMigrate() throws Exception {
    return count(FlowFixture.migration());
  }

  /** {@code vm-local} (its host's local storage) to another host of pool-a. */
  public static Counted storageMigrate() throws Exception {
    LiveMigration lm = FlowFixture.migration();
    lm.getSpec().setVm("vm-local");
    return count(lm);
  }

  /** {@code vm-shared} to {@code b-host-1} of pool-b. */
  public static Counted crossPoolMigrate() throws Exception {
    LiveMigration lm = FlowFixture.migration();
    lm.getSpec().setDestinationPool("pool-b");
    lm.getSpec().setDestinationHost("b-host-1");
    return count(lm);
  }

  private static Counted count(LiveMigration lm) throws Exception {
    try (FlowFixture fixture = new FlowFixture()) {
      fixture.operator(); // logs in and reads the inventories: not counted
      fixture.simulator.calls().clear();
      LiveMigration done = fixture.finish(fixture.create(lm));
      if (done.getStatus().getPhase() != MigrationPhase.Completed) {
        throw new IllegalStateException(
            "the migration ended " + done.getStatus().getPhase() + ": " + done.getStatus());
      }
      Map<String, Long> calls = new TreeMap<>(fixture.simulator.calls().counts());
      calls.remove("task.get_record");
      return new Counted(done.getStatus().getMode(), calls);
    }
  }
}
