package io.xenmigration.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.xenmigration.sandbox.CustomResourceValidator;
import io.xenmigration.testing.ProjectFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The committed XenPool CRD accepts what users should write and refuses the rest. */
class XenPoolSchemaTest {

  private static CustomResourceValidator validator;

  @BeforeAll
  static void loadCrd() {
    validator = CustomResourceValidator.forCrd(ProjectFiles.crd("xenpools"));
  }

  private static String manifest(String spec) {
    return """
        apiVersion: xenmigration.io/v1alpha1
        kind: XenPool
        metadata:
          name: pool-a
        spec:
        """
        + spec.indent(2);
  }

  @Test
  void minimalManifestIsAcceptedWithDefaultLimits() {
    String minimal =
        manifest("url: https://xen-a.example.com\ncredentialsSecret: pool-a-credentials\n");
    assertThat(validator.validateCreate(minimal)).isEmpty();
    JsonNode stored = validator.withDefaults(minimal);
    assertThat(stored.at("/spec/insecureSkipTlsVerify").asBoolean()).isFalse();
    assertThat(stored.at("/spec/limits/maxParallelMigrations").asInt()).isEqualTo(5);
    assertThat(stored.at("/spec/limits/maxParallelPerHost").asInt()).isEqualTo(2);
    assertThat(stored.at("/spec/limits/maxInboundPerHost").asInt()).isEqualTo(2);
    assertThat(stored.at("/spec/limits/maxStorageMigrationsPerHost").asInt()).isEqualTo(3);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://xen-a.example.com",
        "http://10.0.0.5",
        "https://[fd00::5]:443/",
        "http://127.0.0.1:34567/RPC2"
      })
  void urlsWithHttpOrHttpsAreAccepted(String url) {
    assertThat(validator.validateCreate(manifest("url: \"" + url + "\"\ncredentialsSecret: c\n")))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "xen-a.example.com",
        "ftp://xen-a",
        "https://",
        "https:// spaced",
        "not a url",
        ""
      })
  void nonUrlsAreRefused(String url) {
    assertThat(validator.validateCreate(manifest("url: \"" + url + "\"\ncredentialsSecret: c\n")))
        .singleElement()
        .asString()
        .startsWith("spec.url");
  }

  @Test
  void missingCredentialsSecretIsRefused() {
    assertThat(validator.validateCreate(manifest("url: https://xen-a\n")))
        .singleElement()
        .asString()
        .contains("credentialsSecret");
  }

  @Test
  void storageMigrationsAboveXapisCeilingAreRefused() {
    String tooMany =
        manifest(
            "url: https://xen-a\ncredentialsSecret: c\nlimits:\n  maxStorageMigrationsPerHost: 4\n");
    assertThat(validator.validateCreate(tooMany))
        .singleElement()
        .asString()
        .startsWith("spec.limits.maxStorageMigrationsPerHost");
  }

  @Test
  void zeroParallelMigrationsIsRefused() {
    String zero =
        manifest("url: https://xen-a\ncredentialsSecret: c\nlimits:\n  maxParallelMigrations: 0\n");
    assertThat(validator.validateCreate(zero))
        .singleElement()
        .asString()
        .startsWith("spec.limits.maxParallelMigrations");
  }
}
