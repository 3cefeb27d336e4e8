package io.xenmigration.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The maintenance state machine as its enum documents it. */
class MaintenancePhaseTest {

  @Test
  void itEndsPlannedFailedOrCancelledAndEveryPhaseIsReachable() {
    Set<MaintenancePhase> terminal = EnumSet.noneOf(MaintenancePhase.class);
    Set<MaintenancePhase> reached = EnumSet.of(MaintenancePhase.Planning);
    boolean grew = true;
    while (grew) {
      grew = false;
      for (MaintenancePhase phase : Set.copyOf(reached)) {
        grew |= reached.addAll(phase.next());
      }
    }
    for (MaintenancePhase phase : MaintenancePhase.values()) {
      if (phase.isTerminal()) {
        terminal.add(phase);
      }
    }
    assertThat(reached).containsExactlyInAnyOrder(MaintenancePhase.values());
    assertThat(terminal)
        .containsExactlyInAnyOrder(
            MaintenancePhase.Planned, MaintenancePhase.Failed, MaintenancePhase.Cancelled);
  }

  @Test
  void onceTheHostWasTouchedTheWayOutIsThroughExiting() {
    for (MaintenancePhase phase :
        EnumSet.of(
            MaintenancePhase.Disabling,
            MaintenancePhase.Draining,
            MaintenancePhase.InMaintenance)) {
      assertThat(phase.next()).doesNotContain(MaintenancePhase.Failed, MaintenancePhase.Cancelled);
      assertThat(phase.canGoTo(MaintenancePhase.Exiting)).isTrue();
      assertThat(phase.holdsHost()).isTrue();
    }
    assertThat(MaintenancePhase.Exiting.holdsHost()).isTrue();
    assertThat(MaintenancePhase.Planned.holdsHost()).isFalse();
  }
}
