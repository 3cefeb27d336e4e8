package io.xenmigration.api.v1alpha1;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Where a {@link LiveMigration} is in its life; the phase {@code kubectl get lm} shows. Each
 * constant says what it means and which phases may follow it; {@code docs/state-machine.md} draws
 * the same machine.
 */
public enum MigrationPhase {
  /**
   * Accepted and waiting: for a valid spec, a Ready pool, the VM to be free of other migrations,
   * and a slot under the pool's and the source host's limits. Nothing has touched the pool yet.
   * Next: Preparing, Failed (invalid spec), Cancelled, Planned (a dry run).
   */
  Queued,
  /**
   * Resolving the VM, choosing a destination and running XenAPI's pre-checks on it; a host that
   * fails them is excluded and the next is tried. Nothing has moved yet. Next: Running, Queued (the
   * pool stopped being Ready), Failed, Cancelled.
   */
  Preparing,
  /**
   * The XenAPI migration task runs; {@code status.progress} rises. Next: Completed, RollingBack.
   */
  Running,
  /** The VM runs on the destination host. Terminal. */
  Completed,
  /**
   * Undoing a started migration after a failure, a timeout, a cancel or a deletion: cancel the task
   * if it still can be, make sure the VM runs on exactly one host, remove leftovers. Next:
   * Preparing (another host, when the destination was at fault and attempts remain), Failed,
   * Cancelled, Completed (the task was past its point of no return and finished).
   */
  RollingBack,
  /** The migration did not happen; the VM runs where it was; the reason says why. Terminal. */
  Failed,
  /** Cancelled through {@code spec.cancel}; the VM runs where it was. Terminal. */
  Cancelled,
  /**
   * A dry run ({@code spec.dryRun}): the placement and XenAPI's pre-check against each candidate
   * host are in {@code status.placement}; nothing moved. Terminal.
   */
  Planned;

  /** Whether nothing follows this phase. */
  public boolean isTerminal() {
    return next().isEmpty();
  }

  /** Whether a migration in this phase holds a slot or may have touched the pool. */
  public boolean isActive() {
    return this == Preparing || this == Running || this == RollingBack;
  }

  /** The phases that may follow this one. */
  public Set<MigrationPhase> next() {
    return switch (this) {
      case Queued -> EnumSet.of(Preparing, Failed, Cancelled, Planned);
      case Preparing -> EnumSet.of(Running, Queued, Failed, Cancelled);
      case Running -> EnumSet.of(Completed, RollingBack);
      case RollingBack -> EnumSet.of(Preparing, Failed, Cancelled, Completed);
      case Completed, Failed, Cancelled, Planned -> Collections.emptySet();
    };
  }

  /** Whether the machine allows going from this phase to another. */
  public boolean canGoTo(MigrationPhase other) {
    return next().contains(other);
  }
}
