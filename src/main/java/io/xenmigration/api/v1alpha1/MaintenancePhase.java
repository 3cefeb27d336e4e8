package io.xenmigration.api.v1alpha1;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Where a {@link HostMaintenance} is in its life; the phase {@code kubectl get hm} shows. Each
 * constant says what it means and which phases may follow it; {@code docs/maintenance.md} draws the
 * same machine.
 */
public enum MaintenancePhase {
  /**
   * Reading the pool: the host, every VM running on it, xapi's own blockers and the scheduler's
   * placement for each VM. Nothing is changed. Waits while the pool is not Ready or another
   * maintenance holds the host. Next: Planned (dry run), Disabling, Failed (unknown host, or
   * blocked VMs with {@code onBlocked: Fail}), Cancelled.
   */
  Planning,
  /** A dry run's plan is in the status; nothing was changed. Terminal. */
  Planned,
  /**
   * Disabling the host, so that nothing starts on it or arrives. Next: Draining, Exiting (a cancel,
   * a deletion, or a refusal).
   */
  Disabling,
  /**
   * Moving the VMs off with child LiveMigrations, at most {@code maxParallel} at a time; the host
   * is disabled again whenever it comes back enabled. Next: InMaintenance, Exiting.
   */
  Draining,
  /**
   * The host is disabled and runs no VM (condition {@code InMaintenance=True}); it is kept so.
   * Next: Draining (a VM runs on it again), Exiting.
   */
  InMaintenance,
  /**
   * Ending the maintenance: children still running are cancelled, the host is enabled again (if
   * this maintenance disabled it) and, with {@code returnVMs}, the VMs moved off go back. Next:
   * Failed or Cancelled (and a deleted maintenance goes).
   */
  Exiting,
  /**
   * The maintenance did not complete; the reason says why; the host is in service again. Terminal.
   */
  Failed,
  /** Cancelled or deleted; the host is in service again. Terminal. */
  Cancelled;

  /** Whether nothing follows this phase. */
  public boolean isTerminal() {
    return next().isEmpty();
  }

  /**
   * Whether the maintenance keeps its host from receiving VMs (other than its own moving them
   * back): from its planning (unless it is a dry run) until it has ended.
   */
  public boolean holdsHost() {
    return !isTerminal();
  }

  /** The phases that may follow this one. */
  public Set<MaintenancePhase> next() {
    return switch (this) {
      case Planning -> EnumSet.of(Planned, Disabling, Failed, Cancelled);
      case Disabling -> EnumSet.of(Draining, Exiting);
      case Draining -> EnumSet.of(InMaintenance, Exiting);
      case InMaintenance -> EnumSet.of(Draining, Exiting);
      case Exiting -> EnumSet.of(Failed, Cancelled);
      case Planned, Failed, Cancelled -> Collections.emptySet();
    };
  }

  /** Whether the machine allows going from this phase to another. */
  public boolean canGoTo(MaintenancePhase other) {
    return next().contains(other);
  }
}
