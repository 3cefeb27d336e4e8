package io.xenmigration.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.migration.MigrationView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The indexed view of the cache answers exactly what filtering the whole cache would: the waiting
 * and active migrations, those completed since a time (minute by minute, or by phase when the time
 * is long ago), and one by name.
 */
class CachedMigrationsTest {

  private static final Instant NOW = Instant.parse("2026-12-01T12:00:30Z");

  /** A cache that indexes by applying the indexers to every object on each read, as a reference. */
  private static final class ListCache implements IndexedResourceCache<LiveMigration> {
    private final List<LiveMigration> objects;
    private final java.util.Map<String, Function<LiveMigration, List<String>>> indexers =
        CachedMigrations.indexers();

    ListCache(List<LiveMigration> objects) {
      this.objects = objects;
    }

    @Override
    public List<LiveMigration> byIndex(String index, String key) {
      return objects.stream().filter(m -> indexers.get(index).apply(m).contains(key)).toList();
    }

    @Override
    public Stream<LiveMigration> list(String namespace, Predicate<LiveMigration> predicate) {
      return objects.stream()
          .filter(m -> m.getMetadata().getNamespace().equals(namespace))
          .filter(predicate);
    }

    @Override
    public Optional<LiveMigration> get(ResourceID id) {
      return objects.stream().filter(m -> ResourceID.fromResource(m).equals(id)).findFirst();
    }

    @Override
    public Stream<ResourceID> keys() {
      return objects.stream().map(ResourceID::fromResource);
    }

    @Override
    public Stream<LiveMigration> list(Predicate<LiveMigration> predicate) {
      return objects.stream().filter(predicate);
    }
  }

  private static LiveMigration migration(String name, MigrationPhase phase, Instant completed) {
    LiveMigration lm = new LiveMigration();
    lm.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns").build());
    if (phase != null) {
      LiveMigrationStatus status = new LiveMigrationStatus();
      status.setPhase(phase);
      status.setCompletionTime(completed == null ? null : completed.toString());
      lm.setStatus(status);
    }
    return lm;
  }

  private static List<String> names(Collection<LiveMigration> migrations) {
    return migrations.stream().map(m -> m.getMetadata().getName()).sorted().toList();
  }

  private final List<LiveMigration> all = new ArrayList<>();

  CachedMigrationsTest() {
    all.add(migration("new", null, null));
    for (MigrationPhase phase : MigrationPhase.values()) {
      all.add(migration(phase.name().toLowerCase(), phase, null));
    }
    all.add(migration("done-now", MigrationPhase.Completed, NOW));
    all.add(migration("done-2m", MigrationPhase.Completed, NOW.minus(Duration.ofMinutes(2))));
    all.add(migration("done-1h", MigrationPhase.Completed, NOW.minus(Duration.ofHours(1))));
    all.add(migration("done-5h", MigrationPhase.Completed, NOW.minus(Duration.ofHours(5))));
    all.add(migration("failed-now", MigrationPhase.Failed, NOW));
  }

  @Test
  void answersWhatFilteringTheWholeCacheAnswers() {
    MigrationView indexed = new CachedMigrations(new ListCache(all), NOW);
    MigrationView filtered = MigrationView.of(all);
    assertThat(names(indexed.queued()))
        .isEqualTo(names(filtered.queued()))
        .containsExactly("new", "queued");
    assertThat(names(indexed.active()))
        .isEqualTo(names(filtered.active()))
        .containsExactly("preparing", "rollingback", "running");
    for (Duration ago :
        List.of(
            Duration.ZERO,
            Duration.ofSeconds(90),
            Duration.ofMinutes(3),
            Duration.ofHours(2),
            Duration.ofHours(4),
            Duration.ofHours(6))) {
      Instant since = NOW.minus(ago);
      // The index may bring a few more from the minute "since" falls in: never fewer.
      assertThat(names(indexed.completedSince(since)))
          .as("completed since %s ago", ago)
          .containsAll(names(filtered.completedSince(since)))
          .doesNotContain("failed-now", "completed");
    }
    assertThat(names(indexed.completedSince(NOW.minus(Duration.ofMinutes(3)))))
        .containsExactly("done-2m", "done-now");
    assertThat(indexed.find("ns/running").getStatus().getPhase()).isEqualTo(MigrationPhase.Running);
    assertThat(indexed.find("ns/missing")).isNull();
    assertThat(indexed.find("other/running")).isNull();
  }
}
