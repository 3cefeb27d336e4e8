package io.xenmigration.api.v1alpha1;

/** What a maintenance does about VMs that cannot move. */
public enum BlockedPolicy {
  /** Drain what can move, list the rest, and look again at them until they can move. */
  Wait,
  /** Plan first and fail before disabling anything when a VM cannot move. */
  Fail
}
