package io.xenmigration.testing;

import java.nio.file.Path;

/** Where the committed deployment files are, whether the tests run from Maven or an IDE. */
public final class ProjectFiles {

  private ProjectFiles() {}

  /** {@code deploy/crds}: the committed CRDs. */
  public static Path crds() {
    return Path.of(System.getProperty("crds.directory", "deploy/crds"));
  }

  /** {@code deploy/helm/xen-migration-operator}: the chart. */
  public static Path chart() {
    return Path.of(System.getProperty("chart.directory", "deploy/helm/xen-migration-operator"));
  }

  /** The committed CRD of one plural resource name, such as {@code livemigrations}. */
  public static Path crd(String plural) {
    return crds().resolve(plural + ".xenmigration.io.yaml");
  }
}
