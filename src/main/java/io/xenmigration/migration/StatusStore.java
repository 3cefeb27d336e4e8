package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.LiveMigration;

/**
 * Where a migration's status is written: conditionally on the resourceVersion it was read at, as
 * Kubernetes' optimistic concurrency has it, so a decision taken on a stale copy never lands.
 */
public interface StatusStore {

  /**
   * Writes the status of this migration as given, if the object is still at the resourceVersion its
   * metadata names; returns the object as written, with its new resourceVersion.
   *
   * @throws WriteRefused when the write did not land, or may not have: a newer version exists
   *     (409), the API server refused it, or its answer was lost
   */
  LiveMigration write(LiveMigration migration) throws WriteRefused;

  /** A status write that did not land, or whose landing is not known. */
  final class WriteRefused extends Exception {
    private final boolean conflict;

    public WriteRefused(String message, boolean conflict, Throwable cause) {
      super(message, cause);
      this.conflict = conflict;
    }

    /** Whether the object changed since it was read (409 Conflict). */
    public boolean conflict() {
      return conflict;
    }
  }
}
