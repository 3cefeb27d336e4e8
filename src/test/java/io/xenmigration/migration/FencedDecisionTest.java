package io.xenmigration.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import org.junit.jupiter.api.Test;

/**
 * A decision that needs a call the write gate holds back (the destination's receive ticket of a
 * cross-pool migration) writes nothing: no "pool unavailable" status, no attempt used up, no host
 * blamed; once the gate opens again the migration goes on as if nothing had happened.
 */
class FencedDecisionTest extends FlowTest {

  @Test
  void aReceiveTheGateHeldBackWritesNothingAndTheMigrationGoesOnOnceItOpens() {
    LiveMigration lm = FlowFixture.migration();
    lm.getSpec().setDestinationPool("pool-b");
    lm.getSpec().setDestinationHost("b-host-1");
    String name = fixture.create(lm);
    FlowFixture.Operator operator = fixture.operator();
    operator.writes = () -> "replica-1 has not seen its Lease renewed within the renew deadline";

    // The looks before the receive write their moves through the queue; the one that needs it
    // writes nothing, however often it is made.
    MigrationStep.Report report = null;
    for (int i = 0; i < 10 && (report == null || !report.written().isEmpty()); i++) {
      report = fixture.step(name);
    }
    String before = io.fabric8.kubernetes.client.utils.Serialization.asJson(fixture.get(name));
    for (int i = 0; i < 3; i++) {
      report = fixture.step(name);
      assertThat(report.written()).isEmpty();
      assertThat(report.again()).isEqualTo(MigrationStep.WHILE_FENCED);
    }
    LiveMigration held = fixture.get(name);
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(held)).isEqualTo(before);
    assertThat(held.getStatus().getPhase()).isIn(MigrationPhase.Queued, MigrationPhase.Preparing);
    assertThat(held.getStatus().getReason()).isNotEqualTo("XenApiUnavailable");
    assertThat(held.getStatus().getAttempts()).isNullOrEmpty();
    assertThat(fixture.simulator.calls().count("host.migrate_receive")).isZero();
    assertThat(fixture.migrateCalls()).isZero();

    operator.writes = io.xenmigration.xen.PoolWrites.Gate.OPEN;
    LiveMigration done = fixture.finish(name);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    assertThat(done.getStatus().getAttempts()).hasSize(1);
    assertThat(fixture.migrateCalls()).isOne();
    String vm =
        fixture.simulator.inWorld(
            w -> {
              var found = w.pool("pool-b").vm("vm-shared");
              return found.powerState + "@" + found.residentOn.nameLabel;
            });
    assertThat(vm).isEqualTo("Running@b-host-1");
  }
}
