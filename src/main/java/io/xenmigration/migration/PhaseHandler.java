package io.xenmigration.migration;

import io.xenmigration.xen.XenApiException;

/** The work of one phase: look at the migration and decide what comes next. */
public interface PhaseHandler {

  /**
   * Decides the next step. A XenAPI error may be thrown: a transient one is retried in the same
   * phase, a terminal one goes to {@link #failed}.
   */
  PhaseOutcome handle(MigrationContext context) throws XenApiException;

  /**
   * What a terminal XenAPI error the handler did not deal with itself means in this phase. By
   * default the migration stays where it is, says why, and looks again later: nothing is lost by
   * waiting, and a person can see the reason.
   */
  default PhaseOutcome failed(MigrationContext context, XenApiException error) {
    return PhaseOutcome.to(
            context.status().getPhase(), error.code(), error.getMessage() + "; trying again later")
        .requeue(MigrationFlow.AFTER_ERROR);
  }
}
