package io.xenmigration.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a person sees: the sandbox prints what to type next, those lines work as printed, and Ctrl-C
 * (SIGINT) stops everything it started.
 */
class SandboxLifecycleE2E {

  @Test
  void thePrintedInstructionsWorkAndStoppingLeavesNothingBehind() throws Exception {
    Path dir = Path.of("target", "e2e", "lifecycle");
    try (SandboxProcess sandbox = SandboxProcess.start(dir)) {
      check(dir, sandbox);
    }
  }

  private static void check(Path dir, SandboxProcess sandbox) throws Exception {
    String log = sandbox.log();
    assertThat(log).contains("Sandbox ready");

    // Every command the sandbox printed, as a person would paste it into a shell.
    List<String> typed = new ArrayList<>();
    for (String line : log.lines().toList()) {
      String command = line.strip();
      if (line.startsWith("  ")
          && (command.startsWith("export ")
              || command.startsWith("kubectl ")
              || command.startsWith("curl "))) {
        // A watch runs until Ctrl-C; here it is stopped after ten seconds (timeout's exit 124).
        typed.add(
            command.contains(" -w") ? "timeout 10 " + command + " || test $? -eq 124" : command);
      }
    }
    assertThat(typed)
        .anyMatch(c -> c.startsWith("export KUBECONFIG="))
        .anyMatch(c -> c.contains("kubectl apply -f deploy/examples/"))
        .anyMatch(c -> c.startsWith("curl "));
    Path home = Files.createDirectories(dir.resolve("home"));
    ProcessBuilder bash =
        new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", String.join("\n", typed))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("typed.log").toFile());
    bash.environment().put("HOME", home.toString());
    Process shell = bash.start();
    assertThat(shell.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(dir.resolve("typed.log"));
    assertThat(shell.exitValue()).as(String.join("\n", typed) + "\n---\n" + output).isZero();
    assertThat(output).contains("pool-a").contains("move-vm-01").contains("Completed");

    URI api =
        URI.create(
            Files.readString(dir.resolve("ports"))
                .lines()
                .filter(l -> l.startsWith("api="))
                .findFirst()
                .orElseThrow()
                .substring(4));
    List<ProcessHandle> started = sandbox.process.descendants().toList();
    int exit = sandbox.stop("INT"); // what Ctrl-C sends
    assertThat(exit).as(sandbox.log()).isIn(0, 130, 143);
    assertThat(started).noneMatch(ProcessHandle::isAlive);
    assertThat(dir.resolve("ready")).doesNotExist();
    assertThat(sandbox.log()).doesNotContain("Exception");
    try (Socket socket = new Socket(api.getHost(), api.getPort())) {
      throw new AssertionError("the embedded API still accepts connections on " + api);
    } catch (ConnectException expected) {
      // nothing listens any more
    } catch (IOException other) {
      throw new AssertionError(other);
    }
  }
}
