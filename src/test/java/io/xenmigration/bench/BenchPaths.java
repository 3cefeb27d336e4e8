package io.xenmigration.bench;

import java.nio.file.Path;

/**
 * Where the suite finds the operator and its CRDs, and where the operators' logs go.
 *
 * @param jar the packaged operator ({@code target/quarkus-app/quarkus-run.jar})
 * @param crds the CRD manifests ({@code deploy/crds})
 * @param logDir the operators' output
 */
record BenchPaths(Path jar, Path crds, Path logDir) {}
