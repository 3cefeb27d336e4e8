package io.xenmigration.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged application started as a user starts it ({@code java -jar
 * target/quarkus-app/quarkus-run.jar sandbox}), on free ports, in a directory of its own; with the
 * real kubectl pointed at it.
 */
final class SandboxProcess implements AutoCloseable {

  /** The result of one kubectl run. */
  record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  final Path dir;
  final Process process;
  final Path kubeconfig;
  final String adminUrl;

  private SandboxProcess(Path dir, Process process) throws IOException {
    this.dir = dir;
    this.process = process;
    this.kubeconfig = dir.resolve("kubeconfig");
    String admin = null;
    for (String line : Files.readAllLines(dir.resolve("ports"))) {
      if (line.startsWith("admin=")) {
        admin = line.substring("admin=".length()).replaceAll("/$", "");
      }
    }
    this.adminUrl = admin;
  }

  /** Starts the sandbox in {@code dir} and waits until it says it is ready. */
  static SandboxProcess start(Path dir, String... extra) throws IOException {
    Files.createDirectories(dir);
    Files.deleteIfExists(dir.resolve("ready"));
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                System.getProperty("application.jar", "target/quarkus-app/quarkus-run.jar"),
                "sandbox",
                "--dir",
                dir.toString(),
                "--api-port",
                "0",
                "--admin-port",
                "0",
                "--operator-port",
                "0"));
    command.addAll(List.of(extra));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sandbox.log").toFile())
            .start();
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> Files.exists(dir.resolve("ready")) || !process.isAlive());
    assertThat(process.isAlive()).as(log(dir)).isTrue();
    return new SandboxProcess(dir, process);
  }

  static String log(Path dir) {
    try {
      return Files.readString(dir.resolve("sandbox.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  String log() {
    return log(dir);
  }

  /** Runs kubectl with this sandbox's kubeconfig and a cache of its own. */
  Result kubectl(String... args) {
    return kubectlWithInput(null, args);
  }

  /** Runs kubectl with {@code input} on its standard input (for {@code apply -f -}). */
  Result kubectlWithInput(String input, String... args) {
    List<String> command = new ArrayList<>();
    command.add("/usr/bin/kubectl");
    command.add("--cache-dir=" + dir.resolve("kube-cache"));
    command.addAll(List.of(args));
    try {
      Process kubectl = kubectlProcess(command);
      if (input != null) {
        kubectl.getOutputStream().write(input.getBytes());
      }
      kubectl.getOutputStream().close();
      var out = kubectl.getInputStream().readAllBytes();
      var err = kubectl.getErrorStream().readAllBytes();
      if (!kubectl.waitFor(180, TimeUnit.SECONDS)) {
        kubectl.destroyForcibly();
        throw new AssertionError("kubectl " + args[0] + " did not finish");
      }
      return new Result(kubectl.exitValue(), new String(out), new String(err));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A kubectl process to read from as it runs (such as {@code get -w}). */
  Process kubectlProcess(List<String> command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.put("KUBECONFIG", kubeconfig.toString());
    env.put("HOME", dir.resolve("home").toString());
    return builder.start();
  }

  /** A request to the simulator's admin endpoint, as the docs show with curl. */
  String admin(String method, String path, String json) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(adminUrl + path));
      request.method(
          method,
          json == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(json));
      HttpResponse<String> response =
          HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The host of a pool that runs a VM now, from the simulator's admin endpoint; null if none. */
  String hostOf(String pool, String vm) {
    try {
      for (var p :
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(admin("GET", "/pools", null))) {
        if (!p.path("name").asText().equals(pool)) {
          continue;
        }
        for (var host : p.path("hosts")) {
          for (var name : host.path("vms")) {
            if (name.asText().equals(vm)) {
              return host.path("name").asText();
            }
          }
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the sandbox with SIGTERM, as Kubernetes or a service manager does. */
  int stop() throws InterruptedException {
    return stop("TERM");
  }

  /** Stops the sandbox with a signal (INT is Ctrl-C); returns its exit code. */
  int stop(String signal) throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    try {
      new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "the sandbox did not stop within 60 s of SIG" + signal + ":\n" + log());
    }
    for (ProcessHandle child : children) {
      assertThat(child.isAlive()).as("process %d left behind", child.pid()).isFalse();
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }
}
