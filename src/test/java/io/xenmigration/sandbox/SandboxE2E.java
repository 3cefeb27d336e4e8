package io.xenmigration.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.xenmigration.testing.ThirdPartyClients;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The product as a user drives it: the packaged sandbox, the real {@code kubectl}, the example
 * manifests of {@code deploy/examples}.
 */
class SandboxE2E {

  private static SandboxProcess sandbox;

  @BeforeAll
  static void start() throws Exception {
    sandbox = SandboxProcess.start(Path.of("target", "e2e", "sandbox"), "--time-scale", "4");
  }

  @AfterAll
  static void stop() throws Exception {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  private static SandboxProcess.Result ok(SandboxProcess.Result result) {
    assertThat(result.exit()).as(result.toString()).isZero();
    return result;
  }

  private static void apply(String example) {
    ok(sandbox.kubectl("apply", "-f", "deploy/examples/" + example));
  }

  private static void awaitSucceeded(String name) {
    ok(
        sandbox.kubectl(
            "wait", "--for=condition=Succeeded", "lm/" + name, "-n", "sandbox", "--timeout=120s"));
  }

  private static String field(String name, String jsonPath) {
    return ok(sandbox.kubectl("get", "lm", name, "-n", "sandbox", "-o", "jsonpath=" + jsonPath))
        .out();
  }

  /** The host a VM runs on, as the simulator's admin endpoint shows it. */
  private static String hostOf(String pool, String vm) throws Exception {
    java.net.http.HttpResponse<String> pools =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(sandbox.adminUrl + "/pools"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    for (com.fasterxml.jackson.databind.JsonNode entry :
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(pools.body())) {
      if (entry.get("name").asText().equals(pool)) {
        for (com.fasterxml.jackson.databind.JsonNode host : entry.get("hosts")) {
          if (host.get("vms").toString().contains("\"" + vm + "\"")) {
            return host.get("name").asText();
          }
        }
      }
    }
    return null;
  }

  private static String secret(String key) {
    String encoded =
        ok(sandbox.kubectl(
                "get",
                "secret",
                "sandbox-pool-credentials",
                "-n",
                "sandbox",
                "-o",
                "jsonpath={.data." + key + "}"))
            .out();
    return new String(java.util.Base64.getDecoder().decode(encoded.trim()));
  }

  @Test
  void thirdPartyClientsDriveTheSandboxPoolsOverTls() throws Exception {
    String user = secret("username");
    String password = secret("password");
    for (String pool : List.of("pool-a", "pool-b")) {
      String url =
          ok(sandbox.kubectl("get", "xenpool", pool, "-n", "sandbox", "-o", "jsonpath={.spec.url}"))
              .out()
              .trim();
      assertThat(url).startsWith("https://");
      var cached = ThirdPartyClients.xenOrchestra(url, user, password, "auto", "-", "-");
      assertThat(cached.get("pool").asText()).isEqualTo(pool);
      assertThat(cached.get("cached").get("host").asInt()).isGreaterThanOrEqualTo(2);
      var pythonCached = ThirdPartyClients.python(url, user, password, "-", "-");
      assertThat(pythonCached.get("cached").get("host").asInt())
          .isEqualTo(cached.get("cached").get("host").asInt());
      if (!pool.equals("pool-a")) {
        continue;
      }
      for (String transport : List.of("auto", "xml-rpc")) {
        var moved = ThirdPartyClients.xenOrchestra(url, user, password, transport, "vm-10", "-");
        assertThat(moved.get("to").asText()).isNotEqualTo(moved.get("from").asText());
        assertThat(hostOf(pool, "vm-10")).as(transport).isEqualTo(moved.get("to").asText());
      }
      var python = ThirdPartyClients.python(url, user, password, "vm-11", "-");
      assertThat(python.get("status").asText()).isEqualTo("success");
      assertThat(hostOf(pool, "vm-11")).isEqualTo(python.get("to").asText());
    }
  }

  @Test
  void eachGoodExampleSucceedsAndShowsInTheTable() {
    List<String> names =
        List.of("move-vm-01", "move-vm-03", "move-vm-02-to-pool-b", "move-vm-04-to-a-host-2");
    apply("pool-migrate.yaml");
    apply("storage-migrate.yaml");
    apply("cross-pool.yaml");
    apply("explicit-destination.yaml");
    names.forEach(SandboxE2E::awaitSucceeded);
    assertThat(field("move-vm-01", "{.status.mode}")).isEqualTo("PoolMigrate");
    assertThat(field("move-vm-03", "{.status.mode}")).isEqualTo("StorageMigrate");
    assertThat(field("move-vm-02-to-pool-b", "{.status.mode}")).isEqualTo("CrossPoolMigrate");
    assertThat(field("move-vm-04-to-a-host-2", "{.status.destinationHost}")).isEqualTo("a-host-2");

    String table = ok(sandbox.kubectl("get", "lm", "-n", "sandbox")).out();
    List<String> lines = table.lines().toList();
    assertThat(lines.get(0).split("\\s+"))
        .containsExactly("NAME", "PHASE", "VM", "SOURCE", "DESTINATION", "PROGRESS", "AGE");
    assertThat(lines)
        .anySatisfy(
            line ->
                assertThat(line.split("\\s+"))
                    .startsWith(
                        "move-vm-04-to-a-host-2",
                        "Completed",
                        "vm-04",
                        "a-host-4",
                        "a-host-2",
                        "100"));
    // The category and the short name reach the same objects.
    assertThat(ok(sandbox.kubectl("get", "xen", "-n", "sandbox")).out())
        .contains("xenpool.xenmigration.io/pool-a")
        .contains("livemigration.xenmigration.io/move-vm-01");

    // Events are written just after the status that they accompany.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              String described =
                  ok(sandbox.kubectl("describe", "lm", "move-vm-01", "-n", "sandbox")).out();
              assertThat(described).contains("Events:");
              assertThat(described.lines().filter(l -> l.contains("xen-migration-operator")))
                  .anyMatch(l -> l.contains("Queued"))
                  .anyMatch(l -> l.contains("Started"))
                  .anyMatch(l -> l.contains("Completed"));
            });
  }

  /**
   * Whether a host of the sandbox's pool-a is enabled, asked over XenAPI by a client of its own
   * (Python's XML-RPC) with the pool's URL and CA as the cluster has them.
   */
  private static boolean enabledOverXenApi(String host) throws Exception {
    String url =
        ok(sandbox.kubectl(
                "get", "xenpool", "pool-a", "-n", "sandbox", "-o", "jsonpath={.spec.url}"))
            .out()
            .trim();
    String ca =
        ok(sandbox.kubectl(
                "get",
                "secret",
                "sandbox-pool-ca",
                "-n",
                "sandbox",
                "-o",
                "jsonpath={.data.ca\\.crt}"))
            .out()
            .trim();
    Path caFile = Path.of("target", "e2e", "sandbox-pool-ca.crt");
    java.nio.file.Files.createDirectories(caFile.getParent());
    java.nio.file.Files.write(caFile, java.util.Base64.getDecoder().decode(ca));
    String script =
        String.join(
            "\n",
            "import ssl, sys, xmlrpc.client",
            "context = ssl.create_default_context(cafile=sys.argv[2])",
            "context.check_hostname = False",
            "api = xmlrpc.client.ServerProxy(sys.argv[1], context=context)",
            "session = api.session.login_with_password('root', 'password', '2.14', 'e2e')['Value']",
            "host = api.host.get_by_name_label(session, sys.argv[3])['Value'][0]",
            "print(api.host.get_enabled(session, host)['Value'])",
            "api.session.logout(session)");
    Process python =
        new ProcessBuilder("python3", "-c", script, url, caFile.toString(), host)
            .redirectErrorStream(true)
            .start();
    String out = new String(python.getInputStream().readAllBytes()).trim();
    assertThat(python.waitFor()).as(out).isZero();
    return Boolean.parseBoolean(out.toLowerCase(java.util.Locale.ROOT));
  }

  @Test
  void theMaintenanceExampleEmptiesTheHostAndDeletingItPutsItBack() throws Exception {
    apply("host-maintenance-dry-run.yaml");
    ok(
        sandbox.kubectl(
            "wait",
            "--for=jsonpath={.status.phase}=Planned",
            "hm/what-if-a-host-2",
            "-n",
            "sandbox",
            "--timeout=60s"));
    assertThat(enabledOverXenApi("a-host-2")).isTrue();

    apply("host-maintenance.yaml");
    ok(
        sandbox.kubectl(
            "wait",
            "--for=condition=InMaintenance",
            "hm/maintain-a-host-1",
            "-n",
            "sandbox",
            "--timeout=180s"));
    assertThat(enabledOverXenApi("a-host-1")).isFalse();
    // Other tests move VMs about: the plan says which VMs this maintenance moved.
    List<String> onHost1 =
        List.of(
            ok(sandbox.kubectl(
                    "get",
                    "hm",
                    "maintain-a-host-1",
                    "-n",
                    "sandbox",
                    "-o",
                    "jsonpath={.status.plan[*].vm}"))
                .out()
                .trim()
                .split("\\s+"));
    assertThat(onHost1).isNotEmpty();
    String count = Integer.toString(onHost1.size());
    List<String> lines = ok(sandbox.kubectl("get", "hm", "-n", "sandbox")).out().lines().toList();
    assertThat(lines.get(0).split("\\s+"))
        .containsExactly("NAME", "PHASE", "HOST", "MOVED", "TOTAL", "BLOCKED", "AGE");
    assertThat(lines)
        .anySatisfy(
            line ->
                assertThat(line.split("\\s+"))
                    .startsWith(
                        "maintain-a-host-1", "InMaintenance", "a-host-1", count, count, "0"))
        .anySatisfy(
            line ->
                assertThat(line.split("\\s+"))
                    .startsWith("what-if-a-host-2", "Planned", "a-host-2"));
    for (String vm : onHost1) {
      assertThat(sandbox.hostOf("pool-a", vm)).as(vm).isNotEqualTo("a-host-1");
    }

    ok(sandbox.kubectl("delete", "hm", "maintain-a-host-1", "-n", "sandbox", "--timeout=180s"));
    assertThat(enabledOverXenApi("a-host-1")).isTrue();
    for (String vm : onHost1) {
      assertThat(sandbox.hostOf("pool-a", vm)).as(vm).isEqualTo("a-host-1");
    }
    ok(sandbox.kubectl("delete", "hm", "what-if-a-host-2", "-n", "sandbox"));
  }

  @Test
  void watchingShowsThePhasesInOrder() throws Exception {
    Process watch =
        sandbox.kubectlProcess(
            List.of(
                "/usr/bin/kubectl",
                "--cache-dir=" + sandbox.dir.resolve("kube-cache"),
                "get",
                "lm",
                "-n",
                "sandbox",
                "-w"));
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(new InputStreamReader(watch.getInputStream()))) {
                out.lines().forEach(seen::add);
              } catch (Exception e) {
                seen.add("read failed: " + e);
              }
            });
    reader.start();
    try {
      ok(sandbox.kubectl("delete", "lm", "move-vm-05", "-n", "sandbox", "--ignore-not-found"));
      apply("slow-migration.yaml");
      awaitSucceeded("move-vm-05");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  seen.stream()
                      .anyMatch(l -> l.startsWith("move-vm-05") && l.contains("Completed")));
    } finally {
      watch.destroy();
      reader.join(10_000);
    }
    List<String> phases = new ArrayList<>();
    List<Integer> progress = new ArrayList<>();
    for (String line : List.copyOf(seen)) {
      String[] cells = line.split("\\s+");
      if (cells[0].equals("move-vm-05") && cells.length > 1) {
        String phase = cells[1];
        if (List.of("Queued", "Preparing", "Running", "Completed").contains(phase)
            && (phases.isEmpty() || !phases.get(phases.size() - 1).equals(phase))) {
          phases.add(phase);
        }
        if (phase.equals("Running") && cells.length >= 6 && cells[5].matches("\\d+")) {
          progress.add(Integer.parseInt(cells[5]));
        }
      }
    }
    // Preparing is seen only when it waits: a migration that may start at once is written from
    // the queue straight to its start; its status still tells when each phase began.
    assertThat(phases)
        .as(String.join("\n", seen))
        .containsSubsequence("Queued", "Running", "Completed")
        .isSubsetOf("Queued", "Preparing", "Running", "Completed")
        .doesNotHaveDuplicates();
    assertThat(field("move-vm-05", "{.status.phaseTimestamps}"))
        .contains("\"Queued\"", "\"Preparing\"", "\"Running\"", "\"Completed\"");
    assertThat(progress).isSorted();
  }

  @Test
  void aFailingExampleEndsFailedWithItsReason() {
    apply("fails-precheck.yaml");
    ok(
        sandbox.kubectl(
            "wait",
            "--for=jsonpath={.status.phase}=Failed",
            "lm/move-vm-06-without-its-disk",
            "-n",
            "sandbox",
            "--timeout=120s"));
    assertThat(field("move-vm-06-without-its-disk", "{.status.reason}")).isEqualTo("NoHostFits");
    assertThat(
            field(
                "move-vm-06-without-its-disk",
                "{.status.conditions[?(@.type==\"Succeeded\")].status}"))
        .isEqualTo("False");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        ok(sandbox.kubectl(
                                "describe", "lm", "move-vm-06-without-its-disk", "-n", "sandbox"))
                            .out())
                    .contains("Warning")
                    .contains("no host can take vm-06"));
    assertThat(sandbox.admin("GET", "/pools", null)).contains("vm-06");
  }

  @Test
  void deletingARunningMigrationRollsItBackFirst() {
    sandbox.admin(
        "POST", "/faults/migrations", "{\"vm\":\"vm-07\",\"atProgress\":0.3,\"hang\":true}");
    ok(
        sandbox.kubectlWithInput(
            """
            apiVersion: xenmigration.io/v1alpha1
            kind: LiveMigration
            metadata:
              name: move-vm-07
              namespace: sandbox
            spec:
              pool: pool-a
              vm: vm-07
            """,
            "apply",
            "-f",
            "-"));
    ok(
        sandbox.kubectl(
            "wait",
            "--for=jsonpath={.status.phase}=Running",
            "lm/move-vm-07",
            "-n",
            "sandbox",
            "--timeout=120s"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !field("move-vm-07", "{.status.taskRef}").isEmpty());
    ok(sandbox.kubectl("delete", "lm", "move-vm-07", "-n", "sandbox", "--timeout=120s"));
    SandboxProcess.Result gone = sandbox.kubectl("get", "lm", "move-vm-07", "-n", "sandbox");
    assertThat(gone.exit()).isNotZero();
    assertThat(gone.err()).contains("NotFound").contains("move-vm-07");
    // vm-07 runs on a-host-3 (VM n is on host ((n - 1) mod 4) + 1), and is still there.
    String pools = sandbox.admin("GET", "/pools", null);
    String host3 = pools.substring(pools.indexOf("\"a-host-3\""), pools.indexOf("\"a-host-4\""));
    assertThat(host3).contains("\"vm-07\"");
  }

  @Test
  void theCancelExampleStopsARunningMigrationAndTheVmStaysHome() {
    ok(sandbox.kubectl("delete", "lm", "move-vm-05", "-n", "sandbox", "--ignore-not-found"));
    String home = sandbox.hostOf("pool-a", "vm-05");
    sandbox.admin(
        "POST", "/faults/migrations", "{\"vm\":\"vm-05\",\"atProgress\":0.3,\"hang\":true}");
    apply("slow-migration.yaml");
    ok(
        sandbox.kubectl(
            "wait",
            "--for=jsonpath={.status.phase}=Running",
            "lm/move-vm-05",
            "-n",
            "sandbox",
            "--timeout=120s"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !field("move-vm-05", "{.status.taskRef}").isEmpty());
    apply("cancel.yaml");
    ok(
        sandbox.kubectl(
            "wait",
            "--for=jsonpath={.status.phase}=Cancelled",
            "lm/move-vm-05",
            "-n",
            "sandbox",
            "--timeout=120s"));
    assertThat(field("move-vm-05", "{.status.rollback.verified}")).isEqualTo("true");
    assertThat(sandbox.hostOf("pool-a", "vm-05")).isEqualTo(home);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        ok(sandbox.kubectl("describe", "lm", "move-vm-05", "-n", "sandbox")).out())
                    .contains("RollbackStep")
                    .contains("CancelTask"));
  }

  @Test
  void invalidManifestsAreRefusedWithClearMessages() {
    String header =
        """
        apiVersion: xenmigration.io/v1alpha1
        kind: LiveMigration
        metadata:
          name: %s
          namespace: sandbox
        spec:
          pool: pool-a
        """;
    SandboxProcess.Result noVm =
        sandbox.kubectlWithInput(header.formatted("no-vm"), "apply", "-f", "-");
    assertThat(noVm.exit()).isNotZero();
    assertThat(noVm.err())
        .contains("The LiveMigration \"no-vm\" is invalid")
        .contains("spec.vm: Required value");

    SandboxProcess.Result badEnum =
        sandbox.kubectlWithInput(
            header.formatted("bad-enum") + "  vm: vm-08\n  storageMigration: Sometimes\n",
            "apply",
            "-f",
            "-");
    assertThat(badEnum.exit()).isNotZero();
    assertThat(badEnum.err()).contains("spec.storageMigration: Unsupported value: \"Sometimes\"");

    SandboxProcess.Result tooMany =
        sandbox.kubectlWithInput(
            header.formatted("too-many") + "  vm: vm-08\n  maxAttempts: 11\n", "apply", "-f", "-");
    assertThat(tooMany.exit()).isNotZero();
    assertThat(tooMany.err()).contains("spec.maxAttempts: Invalid value: 11");

    String cancelled = header.formatted("changes") + "  vm: vm-08\n  cancel: true\n";
    ok(sandbox.kubectlWithInput(cancelled, "apply", "-f", "-"));
    SandboxProcess.Result otherVm =
        sandbox.kubectlWithInput(cancelled.replace("vm-08", "vm-09"), "apply", "-f", "-");
    assertThat(otherVm.exit()).isNotZero();
    assertThat(otherVm.err()).contains("spec.vm cannot be changed after creation");
    SandboxProcess.Result uncancel =
        sandbox.kubectlWithInput(
            cancelled.replace("cancel: true", "cancel: false"), "apply", "-f", "-");
    assertThat(uncancel.exit()).isNotZero();
    assertThat(uncancel.err()).contains("spec.cancel");
    assertThat(sandbox.kubectl("get", "lm", "no-vm", "-n", "sandbox").exit()).isNotZero();
  }

  @Test
  void theChartInstallsIntoTheSandboxAndUninstallsCleanly() {
    Path chart =
        Path.of(System.getProperty("chart.directory", "deploy/helm/xen-migration-operator"));
    com.marcnuri.helm.Release release =
        new com.marcnuri.helm.Helm(chart)
            .install()
            .withName("xmo")
            .withNamespace("xmo-system")
            .createNamespace()
            .withKubeConfig(sandbox.kubeconfig)
            .call();
    assertThat(release.getStatus()).isEqualTo("deployed");
    assertThat(
            ok(sandbox.kubectl("get", "deployments,serviceaccounts,services", "-n", "xmo-system"))
                .out())
        .contains("deployment.apps/xmo-xen-migration-operator")
        .contains("serviceaccount/xmo-xen-migration-operator");
    assertThat(ok(sandbox.kubectl("get", "clusterroles")).out())
        .contains("xmo-xen-migration-operator");
    assertThat(ok(sandbox.kubectl("get", "crds")).out())
        .contains("livemigrations.xenmigration.io")
        .contains("xenpools.xenmigration.io");

    com.marcnuri.helm.Helm.uninstall("xmo")
        .withNamespace("xmo-system")
        .withKubeConfig(sandbox.kubeconfig)
        .call();
    assertThat(ok(sandbox.kubectl("get", "deployments", "-n", "xmo-system", "-o", "name")).out())
        .isBlank();
    assertThat(ok(sandbox.kubectl("get", "clusterroles", "-o", "name")).out())
        .doesNotContain("xmo-xen-migration-operator");
  }
}
