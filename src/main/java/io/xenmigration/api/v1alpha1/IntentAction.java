package io.xenmigration.api.v1alpha1;

/** A XenAPI side effect the operator is about to make, named in the status before it is made. */
public enum IntentAction {
  /** Start the attempt's migration task and tag it with the attempt's token. */
  StartMigration,
  /** Put the attempt's token on its task again (xapi may have overwritten it). */
  TagTask,
  /** Ask the attempt's task to stop. */
  CancelTask,
  /** Forget the attempt's task once it has ended. */
  DestroyTask,
  /** Destroy the disk copies the attempt's failed storage migration left. */
  DestroyDisks
}
