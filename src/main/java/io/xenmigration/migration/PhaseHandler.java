package io.xenmigration.migration;

/** The work of one phase: look at the migration and decide what comes next. */
@FunctionalInterface
public interface PhaseHandler {

  /** Decides the next step; a transient XenAPI failure may be thrown and is retried. */
  PhaseOutcome handle(MigrationContext context) throws Exception;
}
