package io.xenmigration.controller;

import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.migration.MigrationView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The operator's cache of LiveMigrations through two indexes the informer keeps up to date as
 * objects change: by phase, and by the minute a completed one ended.
 */
final class CachedMigrations implements MigrationView {

  static final String BY_PHASE = "xenmigration-phase";
  static final String BY_COMPLETION_MINUTE = "xenmigration-completed-minute";

  /** The key of migrations with no phase yet. */
  static final String NO_PHASE = "-";

  private static final List<String> QUEUED = List.of(NO_PHASE, MigrationPhase.Queued.name());

  private static final List<String> ACTIVE =
      List.of(
          MigrationPhase.Preparing.name(),
          MigrationPhase.Running.name(),
          MigrationPhase.RollingBack.name());

  /** Beyond this, completions are looked for by phase instead of minute by minute. */
  private static final Duration MINUTES_AT_MOST = Duration.ofHours(3);

  private final IndexedResourceCache<LiveMigration> cache;
  private final Instant now;

  CachedMigrations(IndexedResourceCache<LiveMigration> cache, Instant now) {
    this.cache = cache;
    this.now = now;
  }

  /** The indexes to add to the primary cache before it starts. */
  static Map<String, Function<LiveMigration, List<String>>> indexers() {
    return Map.of(
        BY_PHASE,
        m -> {
          MigrationPhase phase = MigrationView.phase(m);
          return List.of(phase == null ? NO_PHASE : phase.name());
        },
        BY_COMPLETION_MINUTE,
        m -> {
          Instant at =
              MigrationView.phase(m) == MigrationPhase.Completed
                  ? MigrationView.completionTime(m)
                  : null;
          return at == null ? List.of() : List.of(minute(at));
        });
  }

  private static String minute(Instant at) {
    return Long.toString(Math.floorDiv(at.getEpochSecond(), 60));
  }

  /** The migrations with one of these phases (the index's key for no phase: {@link #NO_PHASE}). */
  List<LiveMigration> inPhases(List<String> phases) {
    List<LiveMigration> found = new ArrayList<>();
    for (String phase : phases) {
      found.addAll(cache.byIndex(BY_PHASE, phase));
    }
    return found;
  }

  @Override
  public Collection<LiveMigration> queued() {
    return inPhases(QUEUED);
  }

  @Override
  public Collection<LiveMigration> active() {
    return inPhases(ACTIVE);
  }

  @Override
  public Collection<LiveMigration> completedSince(Instant since) {
    // A minute past now as well: another replica's clock may run a little ahead.
    Instant until = now.plus(Duration.ofMinutes(1));
    if (since.isBefore(until.minus(MINUTES_AT_MOST))) {
      return cache.byIndex(BY_PHASE, MigrationPhase.Completed.name()).stream()
          .filter(
              m -> {
                Instant at = MigrationView.completionTime(m);
                return at != null && !at.isBefore(since);
              })
          .toList();
    }
    List<LiveMigration> found = new ArrayList<>();
    long last = Math.floorDiv(until.getEpochSecond(), 60);
    for (long minute = Math.floorDiv(since.getEpochSecond(), 60); minute <= last; minute++) {
      found.addAll(cache.byIndex(BY_COMPLETION_MINUTE, Long.toString(minute)));
    }
    return found;
  }

  @Override
  public LiveMigration find(String id) {
    int slash = id.indexOf('/');
    return cache.get(new ResourceID(id.substring(slash + 1), id.substring(0, slash))).orElse(null);
  }
}
