package io.xenmigration.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.PoolLimits;
import org.junit.jupiter.api.Test;

/**
 * A migration whose only fitting hosts already receive their limit waits for one of them instead of
 * failing: the limit holds, and the VM moves once the host is free.
 */
class DestinationsBusyTest extends FlowTest {

  @Test
  void aHostAtItsInboundLimitIsWaitedForNotGivenUpOn() {
    PoolLimits limits = new PoolLimits();
    limits.setMaxInboundPerHost(1);
    fixture.pool.getSpec().setLimits(limits);
    LiveMigration first = FlowFixture.migration("first");
    first.getSpec().setDestinationHost("a-host-3");
    fixture.create(first);
    fixture.run("first", FlowFixture.in(MigrationPhase.Running));

    LiveMigration second = FlowFixture.migration("second");
    second.getSpec().setVm("vm-busy");
    second.getSpec().setDestinationHost("a-host-3");
    fixture.create(second);
    LiveMigration waiting =
        fixture.run("second", lm -> "DestinationsBusy".equals(lm.getStatus().getReason()));
    assertThat(waiting.getStatus().getPhase()).isEqualTo(MigrationPhase.Preparing);
    assertThat(waiting.getStatus().getPlacement().getRejected())
        .anySatisfy(r -> assertThat(r.getReason()).startsWith("InboundLimit"));
    // Looked at again and again, it still waits: one migration arrives at a time.
    for (int i = 0; i < 5; i++) {
      fixture.step("second");
    }
    assertThat(fixture.get("second").getStatus().getReason()).isEqualTo("DestinationsBusy");
    assertThat(fixture.migrateCalls()).isOne();
    assertThat(fixture.simulator.engine().peakByDestinationHost().get("a-host-3")).isOne();

    assertThat(fixture.finish("first").getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    assertThat(fixture.finish("second").getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    assertThat(fixture.where("vm-busy")).isEqualTo("Running@a-host-3");
    assertThat(fixture.simulator.engine().peakByDestinationHost().get("a-host-3")).isOne();
  }
}
