package io.xenmigration.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MigrationMode;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * How many XenAPI calls one migration costs the pool master, from the simulator's call log: every
 * call from admission to Completed, except the reads that follow the task's progress (counted on
 * their own) and the pool's inventory, which the XenPool controller reads for all migrations.
 */
class MigrationCallBudgetTest extends FlowTest {

  /** The most a PoolMigrate may cost (benchmark B4). */
  static final int POOL_MIGRATE_BUDGET = 15;

  /** Calls by method made while the migration ran, progress reads left out. */
  private Map<String, Long> callsOf(LiveMigration lm) throws Exception {
    MigrationFlow flow = fixture.operator(); // logs in and reads the inventory: not counted
    fixture.simulator.calls().clear();
    LiveMigration done = fixture.run(flow, lm, m -> false, false);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    Map<String, Long> calls = new TreeMap<>(fixture.simulator.calls().counts());
    calls.remove("task.get_record");
    return calls;
  }

  private static long total(Map<String, Long> calls) {
    return calls.values().stream().mapToLong(Long::longValue).sum();
  }

  @Test
  void aPoolMigrateStaysWithinItsBudget() throws Exception {
    LiveMigration lm = FlowFixture.migration();
    Map<String, Long> calls = callsOf(lm);
    assertThat(lm.getStatus().getMode()).isEqualTo(MigrationMode.PoolMigrate);
    assertThat(total(calls)).as("%s", calls).isLessThanOrEqualTo(POOL_MIGRATE_BUDGET);
    assertThat(calls).containsEntry("Async.VM.pool_migrate", 1L).containsEntry("task.destroy", 1L);
  }

  @Test
  void aStorageMigrateReadsDisksOnlyWhereTheMapsNeedThem() throws Exception {
    LiveMigration lm = FlowFixture.migration();
    lm.getSpec().setVm("vm-local");
    Map<String, Long> calls = callsOf(lm);
    assertThat(lm.getStatus().getMode()).isEqualTo(MigrationMode.StorageMigrate);
    assertThat(calls).containsEntry("Async.VM.migrate_send", 1L);
    // Preparing checks the maps with assert_can_migrate; Running builds them again to start.
    assertThat(calls.get("host.migrate_receive")).isEqualTo(2L);
    assertThat(total(calls)).as("%s", calls).isLessThanOrEqualTo(30);
  }
}
