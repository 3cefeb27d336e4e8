package io.xenmigration.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.xenmigration.api.v1alpha1.IntentAction;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.PoolLimits;
import io.xenmigration.events.EventReason;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A queued migration that may start at once is admitted and started in one look, whose first write
 * carries both decisions with the start's intent: the faults of that write undo both, and a
 * migration that must wait still writes where it waits.
 */
class OneWriteToStartTest extends FlowTest {

  private static final Predicate<LiveMigration> THE_START_INTENT =
      m ->
          m.getStatus().getIntent() != null
              && m.getStatus().getIntent().getAction() == IntentAction.StartMigration;

  private long version(String name) {
    return Long.parseLong(fixture.get(name).getMetadata().getResourceVersion());
  }

  private List<Holding> holdings(MigrationView view) {
    return fixture
        .operator()
        .ledger
        .holdings(view, PoolIndex.of(List.of(fixture.pool, fixture.poolB)));
  }

  private static List<String> moves(MigrationStep.Report report) {
    return report.written().stream().map(w -> w.from() + "->" + w.outcome().phase()).toList();
  }

  /** Creates the migration and takes its first look, which writes it Queued on its own. */
  private String queued() {
    String name = fixture.create(FlowFixture.migration());
    long created = version(name);
    assertThat(moves(fixture.step(name))).containsExactly("null->Queued");
    assertThat(version(name)).as("one write").isEqualTo(created + 1);
    return name;
  }

  @Test
  void aQueuedMigrationThatMayStartIsStartedAfterOneWriteAndRecordedByTheNext() {
    String name = queued();
    long before = version(name);

    MigrationStep.Report report = fixture.step(name);

    assertThat(version(name)).as("the intent, then the record").isEqualTo(before + 2);
    assertThat(fixture.migrateCalls()).isEqualTo(1);
    assertThat(moves(report))
        .containsExactly("Queued->Preparing", "Preparing->Running", "Running->Running");
    List<MigrationStep.Written> written = report.written();
    LiveMigration intent = written.get(0).migration();
    assertThat(written.get(1).migration()).isSameAs(intent);
    assertThat(written.get(0).message()).isEqualTo("choosing a destination");
    assertThat(intent.getStatus().getIntent().getAction()).isEqualTo(IntentAction.StartMigration);
    assertThat(intent.getStatus().getTaskRef()).isNull();
    assertThat(intent.getStatus().getAttempts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getHost()).isEqualTo("a-host-2");
              assertThat(a.getToken()).isNotBlank();
            });
    assertThat(intent.getStatus().getSourcePoolUuid())
        .isEqualTo(fixture.simulator.pool("pool-a").uuid);
    assertThat(intent.getStatus().getPhaseTimestamps().keySet())
        .contains("Queued", "Preparing", "Running");
    assertThat(written.subList(0, 2))
        .flatExtracting(MigrationStep.Written::events)
        .extracting(PhaseOutcome.Event::reason)
        .containsExactly(EventReason.Preparing, EventReason.Started);
    LiveMigration recorded = fixture.get(name);
    assertThat(recorded.getStatus().getIntent()).isNull();
    assertThat(recorded.getStatus().getTaskRef()).isNotNull();
    assertThat(intent.getStatus().getTaskRef()).as("the intent as it was written").isNull();

    LiveMigration done = fixture.finish(name);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    assertThat(fixture.migrateCalls()).isEqualTo(1);
    assertThat(fixture.where("vm-shared")).isEqualTo("Running@a-host-2");
  }

  @Test
  void aConflictOnThatWriteStartsNothingAndHoldsNothing() {
    String name = queued();
    long before = version(name);
    fixture.store.failNextWrite(THE_START_INTENT, MemoryStatusStore.Fault.CONFLICT);

    MigrationStep.Report report = fixture.step(name);

    assertThat(report.written()).isEmpty();
    assertThat(report.phase()).as("what the cluster holds").isEqualTo(MigrationPhase.Queued);
    assertThat(version(name)).isEqualTo(before);
    assertThat(fixture.migrateCalls()).isZero();
    assertThat(holdings(MigrationView.of(fixture.store.all()))).isEmpty();

    LiveMigration done = fixture.finish(name);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    assertThat(fixture.migrateCalls()).isEqualTo(1);
  }

  @Test
  void anUnansweredWriteStartsNothingAndKeepsItsSlotUntilTheClusterShowsIt() {
    String name = queued();
    LiveMigration asQueued = fixture.get(name);
    fixture.store.failNextWrite(THE_START_INTENT, MemoryStatusStore.Fault.TIMEOUT);

    MigrationStep.Report report = fixture.step(name);

    assertThat(report.written()).isEmpty();
    assertThat(fixture.migrateCalls()).isZero();
    assertThat(holdings(MigrationView.of(List.of(asQueued))))
        .as("the cache still shows it queued")
        .extracting(Holding::migration)
        .containsExactly("ns/move");
    // It landed: the next looks find a start that was never made, and never make it.
    assertThat(THE_START_INTENT.test(fixture.get(name))).isTrue();
    fixture.now = fixture.now.plus(FlowFixture.START_GRACE.multipliedBy(2));
    LiveMigration done = fixture.finish(name);
    assertThat(fixture.migrateCalls()).isZero();
    assertThat(done.getStatus().getPhase().isTerminal()).isTrue();
    assertThat(fixture.where("vm-shared")).isEqualTo("Running@a-host-1");
  }

  @Test
  void aPreCheckThatFailsForAMomentKeepsTheSlotThroughALostAnswer() {
    String name = queued();
    LiveMigration asQueued = fixture.get(name);
    fixture.simulator.faults().failCalls("VM.assert_can_boot_here", 1, "CANNOT_CONTACT_HOST", "h");
    fixture.store.failNextWrite(
        m -> "XenApiUnavailable".equals(m.getStatus().getReason()),
        MemoryStatusStore.Fault.TIMEOUT);

    fixture.step(name);

    assertThat(fixture.store.injected()).containsExactly(MemoryStatusStore.Fault.TIMEOUT);
    LiveMigration waiting = fixture.get(name);
    assertThat(waiting.getStatus().getPhase()).isEqualTo(MigrationPhase.Preparing);
    assertThat(waiting.getStatus().getReason()).isEqualTo("XenApiUnavailable");
    assertThat(fixture.migrateCalls()).isZero();
    // The destination was let go with the pre-check; the admission's slot was not.
    assertThat(holdings(MigrationView.of(List.of(asQueued))))
        .as("the cache still shows it queued")
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.migration()).isEqualTo("ns/move");
              assertThat(h.destinationHost()).isNull();
            });
    LiveMigration done = fixture.finish(name);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    assertThat(fixture.migrateCalls()).isEqualTo(1);
  }

  @Test
  void aCrashBeforeThatWriteLeavesAQueuedMigrationForTheNextProcess() {
    String name = queued();
    fixture.store.failNextWrite(THE_START_INTENT, MemoryStatusStore.Fault.CRASH);

    fixture.step(name);
    assertThat(fixture.get(name).getStatus().getPhase()).isEqualTo(MigrationPhase.Queued);
    assertThat(fixture.migrateCalls()).isZero();

    fixture.restart();
    LiveMigration done = fixture.finish(name);
    assertThat(done.getStatus().getPhase()).isEqualTo(MigrationPhase.Completed);
    assertThat(fixture.migrateCalls()).isEqualTo(1);
  }

  @Test
  void aMigrationThatMustWaitWritesWhereItWaitsAndStartsNothing() {
    PoolLimits limits = new PoolLimits();
    limits.setMaxParallelMigrations(1);
    fixture.pool.getSpec().setLimits(limits);
    String first = fixture.create(FlowFixture.migration("first"));
    fixture.edit(
        first,
        s -> {
          s.setVm("vm-busy");
          s.setDestinationHost("a-host-3");
        });
    fixture.step(first);
    fixture.step(first);
    assertThat(fixture.get(first).getStatus().getPhase()).isEqualTo(MigrationPhase.Running);

    String second = fixture.create(FlowFixture.migration("second"));
    fixture.step(second);
    long queued = version(second);
    MigrationStep.Report report = fixture.step(second);

    LiveMigration waiting = fixture.get(second);
    assertThat(waiting.getStatus().getPhase()).isEqualTo(MigrationPhase.Queued);
    assertThat(waiting.getStatus().getReason()).isEqualTo("PoolLimit");
    assertThat(version(second)).as("one write").isEqualTo(queued + 1);
    assertThat(moves(report)).containsExactly("Queued->Queued");
    assertThat(fixture.migrateCalls()).isEqualTo(1);
  }
}
