package io.xenmigration.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the XenAPI clients of {@code src/test/clients}, as the build installs them into {@code
 * target/clients}: Xen Orchestra's connector under Node and a XenAPI.py-style Python session. Each
 * prints one JSON line with what it saw.
 */
public final class ThirdPartyClients {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ThirdPartyClients() {}

  private static Path directory() {
    return Path.of(System.getProperty("clients.directory", "target/clients"));
  }

  /**
   * Xen Orchestra's connector: connects with a transport ({@code auto}, {@code json-rpc}, {@code
   * xml-rpc}), caches every object, live-migrates a VM to a host ({@code -}: any other enabled
   * one), watches the task and waits for the VM's {@code resident_on} to change in its cache.
   */
  public static JsonNode xenOrchestra(
      String url, String user, String password, String transport, String vm, String host)
      throws Exception {
    assertThat(directory().resolve("node_modules/xen-api"))
        .as("the build installs Xen Orchestra's connector (npm ci in target/clients)")
        .isDirectory();
    return run("node", "xo-client.mjs", url, user, password, transport, vm, host);
  }

  /** A XenAPI.py-style session over Python's xmlrpc.client doing the same move. */
  public static JsonNode python(String url, String user, String password, String vm, String host)
      throws Exception {
    return run("python3", "xenapi-client.py", url, user, password, vm, host);
  }

  /**
   * The official Kubernetes Python client (Debian's {@code python3-kubernetes}) against a
   * kubeconfig's API server: lists, watches, writes, pages and deletes in a namespace.
   */
  public static JsonNode kubernetesPython(Path kubeconfig, String namespace) throws Exception {
    // Debian's package installs for Debian's interpreter, whatever else is first on the PATH.
    String python =
        Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    return run(python, "kube-client.py", kubeconfig.toAbsolutePath().toString(), namespace);
  }

  private static JsonNode run(String... command) throws IOException, InterruptedException {
    Path dir = directory();
    Path out = Files.createTempFile("client", ".out");
    Path err = Files.createTempFile("client", ".err");
    Process process =
        new ProcessBuilder(List.of(command))
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    boolean ended = process.waitFor(120, TimeUnit.SECONDS);
    if (!ended) {
      process.destroyForcibly();
    }
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    Files.deleteIfExists(out);
    Files.deleteIfExists(err);
    String report = String.join(" ", command) + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    assertThat(ended).as("ended within two minutes: " + report).isTrue();
    assertThat(process.exitValue()).as(report).isZero();
    List<String> lines = new ArrayList<>(stdout.lines().filter(l -> !l.isBlank()).toList());
    assertThat(lines).as(report).isNotEmpty();
    return JSON.readTree(lines.get(lines.size() - 1));
  }
}
