package io.xenmigration.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.xenmigration.testing.ProjectFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The committed CRDs carry the names, columns and rules that manifests and kubectl rely on. */
class CrdContractTest {

  @Test
  void xenPoolNamesAndColumns() throws IOException {
    CustomResourceDefinition crd = load("xenpools");
    assertThat(crd.getMetadata().getName()).isEqualTo("xenpools.xenmigration.io");
    assertThat(crd.getSpec().getGroup()).isEqualTo("xenmigration.io");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo("XenPool");
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("xp");
    assertThat(crd.getSpec().getNames().getCategories()).containsExactly("xen");
    CustomResourceDefinitionVersion version = onlyVersion(crd);
    assertThat(version.getSubresources().getStatus()).isNotNull();
    assertThat(columnNames(version)).containsExactly("READY", "HOSTS", "VMS", "VERSION", "AGE");
    assertThat(version.getAdditionalPrinterColumns().get(4).getType()).isEqualTo("date");
  }

  @Test
  void liveMigrationNamesAndColumns() throws IOException {
    CustomResourceDefinition crd = load("livemigrations");
    assertThat(crd.getMetadata().getName()).isEqualTo("livemigrations.xenmigration.io");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo("LiveMigration");
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("lm");
    assertThat(crd.getSpec().getNames().getCategories()).containsExactly("xen");
    CustomResourceDefinitionVersion version = onlyVersion(crd);
    assertThat(version.getSubresources().getStatus()).isNotNull();
    assertThat(columnNames(version))
        .containsExactly("PHASE", "VM", "SOURCE", "DESTINATION", "PROGRESS", "AGE");
  }

  @Test
  void liveMigrationSpecCarriesItsCelRules() throws IOException {
    List<ValidationRule> rules =
        onlyVersion(load("livemigrations"))
            .getSchema()
            .getOpenAPIV3Schema()
            .getProperties()
            .get("spec")
            .getXKubernetesValidations();
    assertThat(rules)
        .extracting(ValidationRule::getRule)
        .contains(
            "!has(self.destinationPool) || self.destinationPool != self.pool",
            "self.vm == oldSelf.vm",
            "self.pool == oldSelf.pool",
            "!has(oldSelf.cancel) || !oldSelf.cancel || (has(self.cancel) && self.cancel)");
    // Every spec field but cancel is guarded by a transition rule of its own.
    List<String> specFields =
        List.copyOf(
            onlyVersion(load("livemigrations"))
                .getSchema()
                .getOpenAPIV3Schema()
                .getProperties()
                .get("spec")
                .getProperties()
                .keySet());
    for (String field : specFields) {
      if (!field.equals("cancel")) {
        assertThat(rules)
            .as("immutability rule for spec.%s", field)
            .anyMatch(r -> r.getFieldPath().equals("." + field) && r.getRule().contains("oldSelf"));
      }
    }
    assertThat(rules).allSatisfy(r -> assertThat(r.getMessage()).startsWith("spec."));
  }

  private static CustomResourceDefinition load(String plural) throws IOException {
    try (InputStream in = Files.newInputStream(ProjectFiles.crd(plural))) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    }
  }

  private static CustomResourceDefinitionVersion onlyVersion(CustomResourceDefinition crd) {
    assertThat(crd.getSpec().getVersions()).hasSize(1);
    CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
    assertThat(version.getName()).isEqualTo("v1alpha1");
    assertThat(version.getServed()).isTrue();
    assertThat(version.getStorage()).isTrue();
    return version;
  }

  private static List<String> columnNames(CustomResourceDefinitionVersion version) {
    return version.getAdditionalPrinterColumns().stream()
        .map(CustomResourceColumnDefinition::getName)
        .toList();
  }
}
