package io.xenmigration.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.xenmigration.api.v1alpha1.MigrationMode;
import org.junit.jupiter.api.Test;

/**
 * Keeps the XenAPI calls one migration costs the pool master within budget (benchmark B4), counted
 * by {@link MigrationCallCount} from the simulator's call log.
 */
class MigrationCallBudgetTest {

  @Test
  void aPoolMigrateStaysWithinItsBudget() throws Exception {
    MigrationCallCount.Counted counted = MigrationCallCount.poolMigrate();
    assertThat(counted.mode()).isEqualTo(MigrationMode.PoolMigrate);
    assertThat(counted.total())
        .as("%s", counted.calls())
        .isLessThanOrEqualTo(MigrationCallCount.POOL_MIGRATE_BUDGET);
    assertThat(counted.calls())
        .containsEntry("Async.VM.pool_migrate", 1L)
        .containsEntry("task.destroy", 1L);
  }

  @Test
  void aStorageMigrateReadsDisksOnlyWhereTheMapsNeedThem() throws Exception {
    MigrationCallCount.Counted counted = MigrationCallCount.storageMigrate();
    assertThat(counted.mode()).isEqualTo(MigrationMode.StorageMigrate);
    assertThat(counted.calls()).containsEntry("Async.VM.migrate_send", 1L);
    // Preparing checks the maps with assert_can_migrate and starts with the same ticket.
    assertThat(counted.calls().get("host.migrate_receive")).isEqualTo(1L);
    assertThat(counted.total()).as("%s", counted.calls()).isLessThanOrEqualTo(30);
  }

  @Test
  void aCrossPoolMigrateCostsLittleMoreThanAStorageMigrate() throws Exception {
    MigrationCallCount.Counted counted = MigrationCallCount.crossPoolMigrate();
    assertThat(counted.mode()).isEqualTo(MigrationMode.CrossPoolMigrate);
    assertThat(counted.calls()).containsEntry("Async.VM.migrate_send", 1L);
    assertThat(counted.total()).as("%s", counted.calls()).isLessThanOrEqualTo(35);
  }
}
