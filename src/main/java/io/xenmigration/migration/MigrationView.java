package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;

/**
 * The LiveMigrations the operator's cache holds, read the ways the limits need them: those waiting,
 * those under way, those completed lately, and one by name. A decision reads only these, never the
 * whole cache, so it costs what is in flight, not what has ever run.
 */
public interface MigrationView {

  /** Every migration waiting to start: no phase yet, or Queued. */
  Collection<LiveMigration> queued();

  /** Every migration under way: Preparing, Running, RollingBack. */
  Collection<LiveMigration> active();

  /** Every migration that ended Completed at or after a time; a few earlier ones may come too. */
  Collection<LiveMigration> completedSince(Instant since);

  /** The migration of a namespace/name, or null. */
  LiveMigration find(String id);

  /** A view of a list, filtered on each read: for tests and small caches. */
  static MigrationView of(Collection<LiveMigration> all) {
    List<LiveMigration> copy = List.copyOf(all);
    return new MigrationView() {
      @Override
      public Collection<LiveMigration> queued() {
        return copy.stream()
            .filter(m -> phase(m) == null || phase(m) == MigrationPhase.Queued)
            .toList();
      }

      @Override
      public Collection<LiveMigration> active() {
        return copy.stream().filter(m -> phase(m) != null && phase(m).isActive()).toList();
      }

      @Override
      public Collection<LiveMigration> completedSince(Instant since) {
        return copy.stream()
            .filter(m -> phase(m) == MigrationPhase.Completed)
            .filter(
                m -> {
                  Instant at = completionTime(m);
                  return at != null && !at.isBefore(since);
                })
            .toList();
      }

      @Override
      public LiveMigration find(String id) {
        return copy.stream().filter(m -> MigrationLedger.id(m).equals(id)).findFirst().orElse(null);
      }
    };
  }

  /** The phase the status names, or null. */
  static MigrationPhase phase(LiveMigration migration) {
    return migration.getStatus() == null ? null : migration.getStatus().getPhase();
  }

  /** Whether the status names a terminal phase. */
  static boolean ended(LiveMigration migration) {
    MigrationPhase phase = phase(migration);
    return phase != null && phase.isTerminal();
  }

  /** When the status says the migration ended, or null when it does not say (or not legibly). */
  static Instant completionTime(LiveMigration migration) {
    String at = migration.getStatus() == null ? null : migration.getStatus().getCompletionTime();
    if (at == null) {
      return null;
    }
    try {
      return Instant.parse(at);
    } catch (DateTimeParseException illegible) {
      return null;
    }
  }
}
