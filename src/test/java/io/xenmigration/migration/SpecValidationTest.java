package io.xenmigration.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.MigrationTimeouts;
import io.xenmigration.api.v1alpha1.PoolLimits;
import io.xenmigration.api.v1alpha1.StorageMigrationPolicy;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The spec checks that run before anything touches a pool, and the defaults. */
class SpecValidationTest {

  private static LiveMigrationSpec spec(Consumer<LiveMigrationSpec> change) {
    LiveMigrationSpec spec = new LiveMigrationSpec();
    spec.setPool("pool-a");
    spec.setVm("web-01");
    change.accept(spec);
    return spec;
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("no pool", spec(s -> s.setPool(null)), "spec.pool is required"),
        Arguments.of("blank VM", spec(s -> s.setVm(" ")), "spec.vm is required"),
        Arguments.of("same pool", spec(s -> s.setDestinationPool("pool-a")), "another XenPool"),
        Arguments.of(
            "cross-pool without copying",
            spec(
                s -> {
                  s.setDestinationPool("pool-b");
                  s.setStorageMigration(StorageMigrationPolicy.Never);
                }),
            "cannot move a VM to another pool"),
        Arguments.of("zero attempts", spec(s -> s.setMaxAttempts(0)), "between 1 and 10"),
        Arguments.of("eleven attempts", spec(s -> s.setMaxAttempts(11)), "between 1 and 10"),
        Arguments.of(
            "short progress timeout",
            spec(
                s -> {
                  MigrationTimeouts t = new MigrationTimeouts();
                  t.setProgressSeconds(5);
                  s.setTimeouts(t);
                }),
            "progressSeconds"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidSpecsAreExplained(String name, LiveMigrationSpec spec, String words) {
    assertThat(SpecValidation.problems(spec)).singleElement().asString().contains(words);
  }

  @Test
  void aMinimalSpecIsValid() {
    assertThat(SpecValidation.problems(spec(s -> {}))).isEmpty();
    assertThat(SpecValidation.problems(null)).containsExactly("spec is missing");
  }

  @Test
  void completionTimeoutScalesWithWhatMovesAndHasAFloor() {
    long gib = 1L << 30;
    assertThat(MigrationDefaults.completionTimeout(spec(s -> {}), gib, 0))
        .isEqualTo(Duration.ofSeconds(300));
    assertThat(MigrationDefaults.completionTimeout(spec(s -> {}), 4 * gib, 16 * gib))
        .isEqualTo(Duration.ofSeconds(3000));
    MigrationTimeouts given = new MigrationTimeouts();
    given.setCompletionSeconds(45);
    assertThat(MigrationDefaults.completionTimeout(spec(s -> s.setTimeouts(given)), 64 * gib, 0))
        .isEqualTo(Duration.ofSeconds(45));
    assertThat(MigrationDefaults.progressTimeout(spec(s -> {}))).isEqualTo(Duration.ofSeconds(150));
  }

  @Test
  void defaultsMatchTheCrd() {
    LiveMigrationSpec empty = spec(s -> {});
    assertThat(MigrationDefaults.maxAttempts(empty)).isEqualTo(3);
    assertThat(MigrationDefaults.priority(empty)).isZero();
    assertThat(MigrationDefaults.storagePolicy(empty)).isEqualTo(StorageMigrationPolicy.Auto);
    assertThat(MigrationDefaults.cancelled(empty)).isFalse();
    PoolLimits limits = MigrationDefaults.limits(null);
    assertThat(limits.getMaxParallelMigrations()).isEqualTo(5);
    assertThat(limits.getMaxParallelPerHost()).isEqualTo(2);
    assertThat(limits.getMaxInboundPerHost()).isEqualTo(2);
    assertThat(limits.getMaxStorageMigrationsPerHost()).isEqualTo(3);
  }
}
