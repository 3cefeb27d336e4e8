package io.xenmigration.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.xenmigration.testing.ProjectFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed CRDs, in deploy/crds and in the chart, are exactly what the Java types generate.
 */
class CrdDriftTest {

  private static final String HOW_TO_FIX =
      "deploy/crds is stale: run './mvnw -B package -DskipTests' and commit deploy/crds and"
          + " the chart's crds/";

  @Test
  void committedCrdsEqualTheGeneratedOnes() throws IOException {
    SortedMap<String, String> generated = CrdGeneration.render();
    assertThat(generated)
        .containsOnlyKeys(
            "hostmaintenances.xenmigration.io.yaml",
            "livemigrations.xenmigration.io.yaml",
            "xenpools.xenmigration.io.yaml");
    assertThat(yamlFilesIn(ProjectFiles.crds()))
        .as(HOW_TO_FIX)
        .isEqualTo(List.copyOf(generated.keySet()));
    for (Map.Entry<String, String> crd : generated.entrySet()) {
      assertThat(Files.readString(ProjectFiles.crds().resolve(crd.getKey())))
          .as(HOW_TO_FIX + " (%s)", crd.getKey())
          .isEqualTo(crd.getValue());
    }
  }

  @Test
  void chartShipsTheSameCrds() throws IOException {
    Path chartCrds = ProjectFiles.chart().resolve("crds");
    assertThat(yamlFilesIn(chartCrds)).isEqualTo(yamlFilesIn(ProjectFiles.crds()));
    for (String name : yamlFilesIn(ProjectFiles.crds())) {
      assertThat(chartCrds.resolve(name))
          .as(HOW_TO_FIX + " (%s)", name)
          .hasSameTextualContentAs(ProjectFiles.crds().resolve(name));
    }
  }

  private static List<String> yamlFilesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".yaml"))
          .sorted()
          .toList();
    }
  }
}
