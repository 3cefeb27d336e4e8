package io.xenmigration.events;

/**
 * Every reason the operator gives its Kubernetes Events, in one closed list; {@code kubectl
 * describe} shows them. Normal events report progress, Warning events something to look at.
 */
public enum EventReason {
  /** A XenPool became Ready: the operator logged in and read its inventory. */
  PoolReady(false),
  /** A XenPool became Ready through its master after its URL named a pool member. */
  PoolFollowedToMaster(false),
  /** A XenPool stopped being Ready, or its reason for not being Ready changed. */
  PoolNotReady(true),
  /** A LiveMigration was accepted and waits for its turn. */
  Queued(false),
  /** A LiveMigration left the queue and is choosing a destination. */
  Preparing(false),
  /** XenAPI's pre-check refused a destination host; the next one is tried. */
  PreCheckFailed(true),
  /** The XenAPI migration task started. */
  Started(false),
  /** The VM runs on its destination. */
  Completed(false),
  /** A started migration is being undone. */
  RollingBack(true),
  /** One step of a rollback. */
  RollbackStep(false),
  /** The migration did not happen; the VM runs where it was. */
  Failed(true),
  /** The migration was cancelled; the VM runs where it was. */
  Cancelled(true),
  /** The operator failed to handle the migration after its retries; it looks again later. */
  Stalled(true),
  /** The VM has an operation in progress that is not this migration's; the migration waits. */
  VMBusy(true),
  /** The migration task could not be tagged as the attempt's; the operator will not touch it. */
  TaskNotTagged(true),
  /** A rollback kept a VDI or a task it could not prove its own, or that something still uses. */
  LeftoverKept(true),
  /** A LiveMigration or XenPool could not be read; it is skipped until it changes. */
  Unreadable(true),
  /** Another XenPool describes the same pool; the older one's limits apply to both. */
  PoolDuplicate(true),
  /** A deleted XenPool waits for its active migrations before it goes. */
  PoolDeletionWaiting(false),
  /** A HostMaintenance made its plan: where each VM goes and which cannot move. */
  MaintenancePlanned(false),
  /** Another HostMaintenance holds the host; this one waits for it to end. */
  HostBusy(true),
  /** A VM cannot leave the host under maintenance; the message says why and how to clear it. */
  VmBlocked(true),
  /** The host under maintenance was disabled: nothing starts on it or arrives. */
  HostDisabled(false),
  /**
   * The host under maintenance came back enabled (a toolstack restart, a person) and is disabled
   * again.
   */
  HostReenabled(true),
  /** The host is disabled and runs no VM. */
  InMaintenance(false),
  /** A VM ran on the host in maintenance again; it is drained again. */
  DrainResumed(true),
  /** The maintenance ends: its moves are stopped and the host is put back in service. */
  MaintenanceExiting(false),
  /** The host is in service again. */
  HostEnabled(false),
  /** The host could not be put back in service; the message says why. */
  HostNotEnabled(true),
  /** A VM moved off for the maintenance was moved back. */
  VmReturned(false),
  /** A VM moved off for the maintenance was not moved back; the message says why. */
  VmNotReturned(true),
  /** The maintenance ended without completing; the host is in service again. */
  MaintenanceFailed(true),
  /** The maintenance was cancelled or deleted; the host is in service again. */
  MaintenanceCancelled(false);

  private final boolean warning;

  EventReason(boolean warning) {
    this.warning = warning;
  }

  /** {@code Warning} or {@code Normal}. */
  public String type() {
    return warning ? "Warning" : "Normal";
  }
}
