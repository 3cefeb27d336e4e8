package io.xenmigration.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.xenmigration.sandbox.CustomResourceValidator;
import io.xenmigration.testing.ProjectFiles;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed LiveMigration CRD accepts what users should write and refuses the rest, the way the
 * API server applies it: defaults, schema, then CEL rules.
 */
class LiveMigrationSchemaTest {

  private static final String HEADER =
      """
      apiVersion: xenmigration.io/v1alpha1
      kind: LiveMigration
      metadata:
        name: move-web-01
        namespace: default
      """;

  private static CustomResourceValidator validator;

  @BeforeAll
  static void loadCrd() {
    validator = CustomResourceValidator.forCrd(ProjectFiles.crd("livemigrations"));
  }

  private static String manifest(String spec) {
    return HEADER + "spec:\n" + spec.indent(2);
  }

  private static final String MINIMAL = manifest("pool: pool-a\nvm: web-01\n");

  @Test
  void minimalManifestIsAcceptedAndDefaulted() {
    assertThat(validator.validateCreate(MINIMAL)).isEmpty();
    JsonNode stored = validator.withDefaults(MINIMAL);
    assertThat(stored.at("/spec/storageMigration").asText()).isEqualTo("Auto");
    assertThat(stored.at("/spec/maxAttempts").asInt()).isEqualTo(3);
    assertThat(stored.at("/spec/priority").asInt()).isZero();
    assertThat(stored.at("/spec/cancel").asBoolean()).isFalse();
    assertThat(stored.at("/spec/timeouts/progressSeconds").asInt()).isEqualTo(150);
    assertThat(stored.at("/spec/timeouts/completionSeconds").isMissingNode()).isTrue();
  }

  @Test
  void fullManifestIsAccepted() {
    String full =
        manifest(
            """
            pool: pool-a
            vm: 0b7a1c52-3d6e-4c2b-9f0e-1a2b3c4d5e6f
            destinationHost: b-host-1
            destinationPool: pool-b
            storageMigration: Always
            destinationSR: Local storage
            priority: 10
            maxAttempts: 10
            timeouts:
              completionSeconds: 900
              progressSeconds: 60
            """);
    assertThat(validator.validateCreate(full)).isEmpty();
  }

  @Test
  void missingSpecIsRefused() {
    assertThat(validator.validateCreate(HEADER)).singleElement().asString().contains("spec");
  }

  @Test
  void missingVmIsRefused() {
    assertThat(validator.validateCreate(manifest("pool: pool-a\n")))
        .singleElement()
        .asString()
        .contains("spec")
        .contains("vm");
  }

  @Test
  void missingPoolIsRefused() {
    assertThat(validator.validateCreate(manifest("vm: web-01\n")))
        .singleElement()
        .asString()
        .contains("spec")
        .contains("pool");
  }

  @Test
  void unknownStorageMigrationIsRefused() {
    List<String> problems =
        validator.validateCreate(
            manifest("pool: pool-a\nvm: web-01\nstorageMigration: Sometimes\n"));
    assertThat(problems).singleElement().asString().startsWith("spec.storageMigration");
  }

  @ParameterizedTest
  @CsvSource({"0", "11", "-1"})
  void maxAttemptsOutOfRangeIsRefused(int attempts) {
    List<String> problems =
        validator.validateCreate(manifest("pool: pool-a\nvm: web-01\nmaxAttempts: " + attempts));
    assertThat(problems).singleElement().asString().startsWith("spec.maxAttempts");
  }

  @ParameterizedTest
  @CsvSource({"1", "10"})
  void maxAttemptsAtTheBoundsIsAccepted(int attempts) {
    assertThat(
            validator.validateCreate(
                manifest("pool: pool-a\nvm: web-01\nmaxAttempts: " + attempts)))
        .isEmpty();
  }

  @Test
  void emptyVmIsRefused() {
    assertThat(validator.validateCreate(manifest("pool: pool-a\nvm: \"\"\n")))
        .singleElement()
        .asString()
        .startsWith("spec.vm");
  }

  @Test
  void poolThatIsNoObjectNameIsRefused() {
    assertThat(validator.validateCreate(manifest("pool: Pool_A\nvm: web-01\n")))
        .singleElement()
        .asString()
        .startsWith("spec.pool");
  }

  @Test
  void progressTimeoutBelowTenSecondsIsRefused() {
    assertThat(
            validator.validateCreate(
                manifest("pool: pool-a\nvm: web-01\ntimeouts:\n  progressSeconds: 5\n")))
        .singleElement()
        .asString()
        .startsWith("spec.timeouts.progressSeconds");
  }

  @Test
  void destinationPoolEqualToPoolIsRefused() {
    assertThat(
            validator.validateCreate(
                manifest("pool: pool-a\nvm: web-01\ndestinationPool: pool-a\n")))
        .containsExactly(
            "spec.destinationPool: spec.destinationPool must name another XenPool than spec.pool;"
                + " leave it empty to migrate within the pool");
  }

  @Test
  void unchangedUpdateIsAccepted() {
    assertThat(validator.validateUpdate(MINIMAL, MINIMAL)).isEmpty();
  }

  @Test
  void settingCancelIsAccepted() {
    assertThat(
            validator.validateUpdate(MINIMAL, manifest("pool: pool-a\nvm: web-01\ncancel: true\n")))
        .isEmpty();
  }

  @Test
  void cancelCannotGoBackToFalse() {
    String cancelled = manifest("pool: pool-a\nvm: web-01\ncancel: true\n");
    assertThat(
            validator.validateUpdate(
                cancelled, manifest("pool: pool-a\nvm: web-01\ncancel: false\n")))
        .containsExactly(
            "spec.cancel: spec.cancel cannot go back to false: a cancelled migration stays cancelled");
    // Dropping the field defaults it back to false, which is the same change.
    assertThat(validator.validateUpdate(cancelled, MINIMAL)).hasSize(1);
  }

  static Stream<Arguments> changesToImmutableFields() {
    return Stream.of(
        Arguments.of("vm", "pool: pool-a\nvm: web-02\n"),
        Arguments.of("pool", "pool: pool-c\nvm: web-01\n"),
        Arguments.of("destinationHost", "pool: pool-a\nvm: web-01\ndestinationHost: a-host-2\n"),
        Arguments.of("destinationPool", "pool: pool-a\nvm: web-01\ndestinationPool: pool-b\n"),
        Arguments.of("storageMigration", "pool: pool-a\nvm: web-01\nstorageMigration: Never\n"),
        Arguments.of("destinationSR", "pool: pool-a\nvm: web-01\ndestinationSR: nfs-2\n"),
        Arguments.of("priority", "pool: pool-a\nvm: web-01\npriority: 5\n"),
        Arguments.of("maxAttempts", "pool: pool-a\nvm: web-01\nmaxAttempts: 5\n"),
        Arguments.of("timeouts", "pool: pool-a\nvm: web-01\ntimeouts:\n  progressSeconds: 60\n"));
  }

  @ParameterizedTest(name = "spec.{0}")
  @MethodSource("changesToImmutableFields")
  void everyOtherSpecFieldIsImmutable(String field, String newSpec) {
    assertThat(validator.validateUpdate(MINIMAL, manifest(newSpec)))
        .containsExactly(
            "spec."
                + field
                + ": spec."
                + field
                + " cannot be changed after creation; only spec.cancel may be set. Create a new"
                + " LiveMigration instead");
  }

  @Test
  void removingAnOptionalFieldIsRefused() {
    String withHost = manifest("pool: pool-a\nvm: web-01\ndestinationHost: a-host-2\n");
    assertThat(validator.validateUpdate(withHost, MINIMAL))
        .singleElement()
        .asString()
        .startsWith("spec.destinationHost: ");
  }

  @Test
  void statusMayChangeFreely() {
    String withStatus =
        MINIMAL
            + """
            status:
              phase: Running
              progress: 40
              phaseTimestamps:
                Queued: "2026-11-24T10:00:00Z"
            """;
    assertThat(validator.validateUpdate(MINIMAL, withStatus)).isEmpty();
  }

  @Test
  void unknownPhaseAndProgressAbove100AreRefused() {
    String bad = MINIMAL + "status:\n  phase: Teleporting\n  progress: 101\n";
    assertThat(validator.validateCreate(bad)).hasSize(2);
  }
}
