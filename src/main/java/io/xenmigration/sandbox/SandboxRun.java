package io.xenmigration.sandbox;

import io.quarkus.runtime.Quarkus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Runs the sandbox: starts it, starts the operator against it, says "Sandbox ready" with what to
 * type next once both pools are Ready, and stops everything on Ctrl-C or SIGTERM.
 */
public final class SandboxRun {

  /** Set while the sandbox runs. */
  private static volatile Sandbox current;

  static void run(SandboxOptions options) {
    Sandbox sandbox;
    try {
      Files.deleteIfExists(options.dir().resolve("ready"));
      sandbox = Sandbox.start(options);
    } catch (IOException | RuntimeException e) {
      System.err.println("sandbox: could not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    current = sandbox;
    Thread stopper = new Thread(() -> stop(sandbox), "sandbox-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    // The operator's own client goes straight to the embedded API; kubectl uses the front end.
    System.setProperty("kubernetes.master", sandbox.operatorApiUrl());
    System.setProperty("kubernetes.auth.tryKubeConfig", "false");
    System.setProperty("kubernetes.auth.tryServiceAccount", "false");
    System.setProperty("kubernetes.namespace", Sandbox.NAMESPACE);
    System.setProperty("quarkus.http.host", "127.0.0.1");
    // The embedded API logs every request; only its warnings matter to a person watching.
    System.setProperty("quarkus.log.category.\"io.fabric8.mockwebserver\".level", "WARN");
    // The embedded API's web server may finish closing after its event loop on exit; Netty then
    // reports the late notification it could not deliver, which is harmless at that point.
    System.setProperty(
        "quarkus.log.category.\"io.netty.util.concurrent.DefaultPromise.rejectedExecution\".level",
        "OFF");
    System.setProperty("quarkus.http.port", Integer.toString(options.operatorPort()));
    Thread announcer = new Thread(() -> announceWhenReady(sandbox), "sandbox-ready");
    announcer.setDaemon(true);
    announcer.start();
    Quarkus.run(args());
  }

  /** No arguments reach the operator itself: they were the sandbox's. */
  private static String[] args() {
    return new String[0];
  }

  private static synchronized void stop(Sandbox sandbox) {
    if (current == null) {
      return;
    }
    current = null;
    try {
      Files.deleteIfExists(sandbox.options().dir().resolve("ready"));
    } catch (IOException ignored) {
      // nothing to clean up then
    }
    sandbox.close();
  }

  /**
   * Once the operator has made both pools Ready, says what to type next, prints "Sandbox ready" and
   * creates the ready marker; if that does not happen, says so and stops.
   */
  private static void announceWhenReady(Sandbox sandbox) {
    try {
      sandbox.awaitPoolsReady(Duration.ofSeconds(120));
      Path kubeconfig = sandbox.writeKubeconfig();
      Path dir = sandbox.options().dir().toAbsolutePath();
      Files.writeString(
          dir.resolve("ports"),
          "api=%s%nadmin=%s%n".formatted(sandbox.apiUrl(), sandbox.adminUrl()));
      System.out.println(instructions(sandbox, kubeconfig));
      System.out.println("Sandbox ready");
      System.out.flush();
      Files.writeString(dir.resolve("ready"), Instant.now() + "\n");
    } catch (IOException | RuntimeException e) {
      System.err.println("sandbox: not ready: " + e.getMessage());
      Quarkus.asyncExit(1);
    }
  }

  static String instructions(Sandbox sandbox, Path kubeconfig) {
    return """

        The sandbox runs: an embedded Kubernetes API at %s, simulated pools pool-a (%d hosts, \
        %d VMs) and pool-b (2 hosts), and the operator.

        In another terminal:

          export KUBECONFIG=%s
          kubectl get xenpools
          kubectl apply -f deploy/examples/pool-migrate.yaml
          kubectl get lm -n sandbox -w

        Then: kubectl describe lm move-vm-01 -n sandbox; kubectl delete lm NAME -n sandbox to roll
        one back. Empty a host for maintenance, and put it back:

          kubectl apply -f deploy/examples/host-maintenance.yaml
          kubectl wait --for=condition=InMaintenance hm/maintain-a-host-1 -n sandbox
          kubectl delete hm maintain-a-host-1 -n sandbox

        Inject faults into the simulated pools (docs/sandbox.md), for example:

          curl -X POST %s/faults/migrations -d '{"vm":"vm-03","atProgress":0.5,"code":"VM_MIGRATE_FAILED"}'

        Ctrl-C stops everything.
        """
        .formatted(
            sandbox.apiUrl(),
            sandbox.options().hosts(),
            sandbox.options().vms(),
            kubeconfig,
            sandbox.adminUrl().replaceAll("/$", ""));
  }
}
