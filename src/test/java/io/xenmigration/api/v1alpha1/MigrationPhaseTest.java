package io.xenmigration.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The phase machine is closed, has the terminal phases it says, and matches its drawing. */
class MigrationPhaseTest {

  @Test
  void terminalPhasesAreTheThreeOutcomesAndADryRunsPlan() {
    Set<MigrationPhase> terminal = EnumSet.noneOf(MigrationPhase.class);
    for (MigrationPhase phase : MigrationPhase.values()) {
      if (phase.isTerminal()) {
        terminal.add(phase);
      }
    }
    assertThat(terminal)
        .containsExactlyInAnyOrder(
            MigrationPhase.Completed,
            MigrationPhase.Failed,
            MigrationPhase.Cancelled,
            MigrationPhase.Planned);
    // Only a dry run plans, and it does so from the queue, having touched nothing.
    for (MigrationPhase phase : MigrationPhase.values()) {
      assertThat(phase.canGoTo(MigrationPhase.Planned)).isEqualTo(phase == MigrationPhase.Queued);
    }
  }

  @Test
  void everyPhaseIsReachableFromQueued() {
    Set<MigrationPhase> reached = EnumSet.of(MigrationPhase.Queued);
    boolean grew = true;
    while (grew) {
      Set<MigrationPhase> next = EnumSet.copyOf(reached);
      reached.forEach(p -> next.addAll(p.next()));
      grew = next.size() > reached.size();
      reached = next;
    }
    assertThat(reached).containsExactlyInAnyOrder(MigrationPhase.values());
  }

  @Test
  void nothingRunsWithoutPreparingAndNothingCompletesWithoutRunning() {
    assertThat(MigrationPhase.Queued.canGoTo(MigrationPhase.Running)).isFalse();
    assertThat(MigrationPhase.Preparing.canGoTo(MigrationPhase.Completed)).isFalse();
    assertThat(MigrationPhase.Running.canGoTo(MigrationPhase.Failed)).isFalse(); // rolls back first
    assertThat(MigrationPhase.Completed.canGoTo(MigrationPhase.RollingBack)).isFalse();
  }

  @Test
  void theDrawingHasEveryTransitionAndNoOther() throws Exception {
    String drawing = Files.readString(Path.of("docs/state-machine.md"));
    int arrows = 0;
    for (MigrationPhase from : MigrationPhase.values()) {
      for (MigrationPhase to : from.next()) {
        assertThat(drawing).as("%s --> %s", from, to).contains(from + " --> " + to);
        arrows++;
      }
    }
    assertThat(drawing.split("-->", -1).length - 1).isEqualTo(arrows + 1); // + the start arrow
  }
}
