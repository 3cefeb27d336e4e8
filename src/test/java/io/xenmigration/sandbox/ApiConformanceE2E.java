package io.xenmigration.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xenmigration.testing.ThirdPartyClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sandbox's Kubernetes API as a user's commands and scripts meet it, with the real {@code
 * kubectl}, Helm and the official Python client: what each does here is what it does on a real
 * cluster. Each test works in a namespace of its own.
 */
class ApiConformanceE2E {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static SandboxProcess sandbox;

  @BeforeAll
  static void start() throws Exception {
    sandbox =
        SandboxProcess.start(Path.of("target", "e2e", "conformance"), "--hosts", "2", "--vms", "4");
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

  private static SandboxProcess.Result fails(SandboxProcess.Result result) {
    assertThat(result.exit()).as(result.toString()).isNotZero();
    return result;
  }

  private static String kubectl(String... args) {
    return ok(sandbox.kubectl(args)).out();
  }

  private static JsonNode json(String... args) throws Exception {
    return JSON.readTree(kubectl(args));
  }

  private static void namespace(String name) {
    ok(sandbox.kubectl("create", "namespace", name));
  }

  private static List<String> names(String... args) {
    // A real cluster adds kube-root-ca.crt to every namespace; the sandbox has no such controller.
    return kubectl(args)
        .lines()
        .filter(l -> !l.isBlank() && !l.endsWith("/kube-root-ca.crt"))
        .sorted()
        .toList();
  }

  @Test
  void dryRunNeverPersistsAnyVerb() throws Exception {
    namespace("dry");
    String secret =
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s1, namespace: dry}\n"
            + "stringData: {k: v}\n";
    JsonNode created =
        JSON.readTree(
            ok(sandbox.kubectlWithInput(
                    secret, "apply", "--dry-run=server", "-f", "-", "-o", "json"))
                .out());
    assertThat(created.at("/data/k").asText()).isEqualTo(b64("v"));
    assertThat(created.at("/metadata/uid").asText()).isNotEmpty();
    fails(sandbox.kubectl("get", "secret", "s1", "-n", "dry"));

    ok(sandbox.kubectlWithInput(secret, "apply", "-f", "-"));
    String uid = kubectl("get", "secret", "s1", "-n", "dry", "-o", "jsonpath={.metadata.uid}");
    assertThat(kubectl("delete", "secret", "s1", "-n", "dry", "--dry-run=server"))
        .contains("deleted (server dry run)");
    kubectl(
        "patch", "secret", "s1", "-n", "dry", "--dry-run=server", "-p", "{\"data\":{\"k\":null}}");
    ok(
        sandbox.kubectlWithInput(
            secret.replace("{k: v}", "{k: other}"), "replace", "--dry-run=server", "-f", "-"));
    JsonNode after = json("get", "secret", "s1", "-n", "dry", "-o", "json");
    assertThat(after.at("/metadata/uid").asText()).isEqualTo(uid);
    assertThat(after.at("/data/k").asText()).isEqualTo(b64("v"));

    String lm =
        "apiVersion: xenmigration.io/v1alpha1\nkind: LiveMigration\n"
            + "metadata: {name: stays, namespace: sandbox}\nspec: {pool: pool-a, vm: vm-01,"
            + " cancel: true}\n";
    ok(sandbox.kubectlWithInput(lm, "apply", "--dry-run=server", "-f", "-"));
    fails(sandbox.kubectl("get", "lm", "stays", "-n", "sandbox"));
    ok(sandbox.kubectlWithInput(lm, "apply", "-f", "-"));
    assertThat(kubectl("delete", "lm", "stays", "-n", "sandbox", "--dry-run=server"))
        .contains("deleted (server dry run)");
    ok(sandbox.kubectl("get", "lm", "stays", "-n", "sandbox"));
    assertThat(kubectl("delete", "secrets", "--all", "-n", "dry", "--dry-run=server"))
        .contains("s1");
    ok(sandbox.kubectl("get", "secret", "s1", "-n", "dry"));
    ok(sandbox.kubectl("delete", "lm", "stays", "-n", "sandbox", "--wait=false"));
  }

  @Test
  void setBasedLabelSelectorsSelectAndDeleteOnlyWhatTheyName() {
    namespace("labels");
    ok(sandbox.kubectl("create", "configmap", "infra", "-n", "labels"));
    ok(sandbox.kubectl("create", "configmap", "apps", "-n", "labels"));
    ok(sandbox.kubectl("create", "configmap", "plain", "-n", "labels"));
    ok(sandbox.kubectl("label", "configmap", "infra", "team=infra", "-n", "labels"));
    ok(sandbox.kubectl("label", "configmap", "apps", "team=apps", "tier=2", "-n", "labels"));
    String[] base = {"get", "configmaps", "-n", "labels", "-o", "name", "-l"};
    assertThat(names(with(base, "team in (infra)"))).containsExactly("configmap/infra");
    assertThat(names(with(base, "team notin (infra)")))
        .as("notin also selects objects without the label")
        .containsExactly("configmap/apps", "configmap/plain");
    assertThat(names(with(base, "!team"))).containsExactly("configmap/plain");
    assertThat(names(with(base, "team"))).containsExactly("configmap/apps", "configmap/infra");
    assertThat(names(with(base, "team!=apps")))
        .containsExactly("configmap/infra", "configmap/plain");
    assertThat(names(with(base, "team==apps,tier>1"))).containsExactly("configmap/apps");
    assertThat(fails(sandbox.kubectl(with(base, "team in infra"))).err()).contains("(");

    ok(sandbox.kubectl("delete", "configmaps", "-n", "labels", "-l", "team in (infra)"));
    assertThat(names("get", "configmaps", "-n", "labels", "-o", "name"))
        .containsExactly("configmap/apps", "configmap/plain");
  }

  private static String[] with(String[] base, String last) {
    String[] all = java.util.Arrays.copyOf(base, base.length + 1);
    all[base.length] = last;
    return all;
  }

  @Test
  void fieldSelectorsAreThoseEachKindSupports() throws Exception {
    assertThat(
            fails(
                    sandbox.kubectl(
                        "get", "lm", "-n", "sandbox", "--field-selector", "spec.vm=vm-01"))
                .err())
        .contains("field label not supported: spec.vm");
    assertThat(
            kubectl(
                "get",
                "xenpools",
                "-n",
                "sandbox",
                "--field-selector",
                "metadata.name=pool-a",
                "-o",
                "name"))
        .isEqualTo("xenpool.xenmigration.io/pool-a\n");
    JsonNode events =
        json(
            "get",
            "events",
            "-n",
            "sandbox",
            "--field-selector",
            "involvedObject.kind=XenPool,involvedObject.name=pool-a",
            "-o",
            "json");
    assertThat(events.path("items")).isNotEmpty();
    events
        .path("items")
        .forEach(e -> assertThat(e.at("/involvedObject/name").asText()).isEqualTo("pool-a"));
    assertThat(
            kubectl(
                "get", "secrets", "-n", "sandbox", "--field-selector", "type=Opaque", "-o", "name"))
        .contains("secret/sandbox-pool-credentials");
    assertThat(
            fails(
                    sandbox.kubectl(
                        "get", "secrets", "-n", "sandbox", "--field-selector", "data.x=y"))
                .err())
        .contains("field label not supported: data.x");
    // A field no controller filled reads as its zero value, as a real server compares it.
    namespace("jobs");
    ok(sandbox.kubectl("create", "job", "j", "-n", "jobs", "--image=busybox"));
    assertThat(
            kubectl(
                "get",
                "jobs",
                "-n",
                "jobs",
                "--field-selector",
                "status.successful=0",
                "-o",
                "name"))
        .isEqualTo("job.batch/j\n");
  }

  @Test
  void strategicMergePatchMergesContainersByName() throws Exception {
    namespace("smp");
    ok(
        sandbox.kubectl(
            "create", "deployment", "web", "-n", "smp", "--image=nginx:1.27", "--port=80"));
    ok(
        sandbox.kubectl(
            "patch",
            "deployment",
            "web",
            "-n",
            "smp",
            "--type",
            "strategic",
            "-p",
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\","
                + "\"env\":[{\"name\":\"A\",\"value\":\"1\"}]}]}}}}"));
    ok(sandbox.kubectl("set", "image", "deployment/web", "nginx=nginx:1.28", "-n", "smp"));
    ok(sandbox.kubectl("set", "env", "deployment/web", "B=2", "-n", "smp"));
    JsonNode container =
        json("get", "deployment", "web", "-n", "smp", "-o", "json")
            .at("/spec/template/spec/containers/0");
    assertThat(container.path("image").asText()).isEqualTo("nginx:1.28");
    assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(80);
    assertThat(container.path("env").toString())
        .isEqualTo("[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"2\"}]");
    assertThat(json("get", "deployment", "web", "-n", "smp", "-o", "json").toString())
        .doesNotContain("$setElementOrder")
        .doesNotContain("$patch");

    String applied =
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: smp}\n"
            + "spec:\n  selector: {app: web}\n  ports: [{name: http, port: 80}]\n";
    ok(sandbox.kubectlWithInput(applied, "apply", "-f", "-"));
    SandboxProcess.Result diff = sandbox.kubectlWithInput(applied, "diff", "-f", "-");
    assertThat(diff.exit()).as(diff.toString()).isZero();
    assertThat(diff.out()).isEmpty();

    SandboxProcess.Result custom =
        fails(
            sandbox.kubectl(
                "patch",
                "xenpool",
                "pool-a",
                "-n",
                "sandbox",
                "--type",
                "strategic",
                "-p",
                "{\"spec\":{}}"));
    assertThat(custom.err()).contains("application/merge-patch+json");
  }

  @Test
  void helmUpgradeKeepsTheDeploymentWhole() throws Exception {
    Path chart =
        Path.of(System.getProperty("chart.directory", "deploy/helm/xen-migration-operator"));
    new com.marcnuri.helm.Helm(chart)
        .install()
        .withName("xmo")
        .withNamespace("upgrade")
        .createNamespace()
        .withKubeConfig(sandbox.kubeconfig)
        .call();
    JsonNode before =
        json("get", "deployment", "xmo-xen-migration-operator", "-n", "upgrade", "-o", "json")
            .at("/spec/template/spec/containers/0");
    com.marcnuri.helm.Release upgraded =
        new com.marcnuri.helm.Helm(chart)
            .upgrade()
            .withName("xmo")
            .withNamespace("upgrade")
            .set("image.tag", "9.9.9")
            .set("extraEnv[0].name", "EXTRA")
            .set("extraEnv[0].value", "1")
            .withKubeConfig(sandbox.kubeconfig)
            .call();
    assertThat(upgraded.getStatus()).isEqualTo("deployed");
    JsonNode deployment =
        json("get", "deployment", "xmo-xen-migration-operator", "-n", "upgrade", "-o", "json");
    JsonNode after = deployment.at("/spec/template/spec/containers/0");
    assertThat(after.path("image").asText()).endsWith(":9.9.9");
    for (String kept :
        List.of("ports", "livenessProbe", "readinessProbe", "resources", "securityContext")) {
      assertThat(after.get(kept)).as(kept).isEqualTo(before.get(kept));
    }
    assertThat(after.path("env").size()).isGreaterThan(before.path("env").size());
    assertThat(deployment.toString()).doesNotContain("$setElementOrder");
    com.marcnuri.helm.Helm.uninstall("xmo")
        .withNamespace("upgrade")
        .withKubeConfig(sandbox.kubeconfig)
        .call();
  }

  @Test
  void secretsStoreStringDataAsDataWithAType() throws Exception {
    namespace("secrets");
    ok(
        sandbox.kubectlWithInput(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: secrets}\n"
                + "stringData: {user: root}\n",
            "apply",
            "-f",
            "-"));
    JsonNode secret = json("get", "secret", "s", "-n", "secrets", "-o", "json");
    assertThat(secret.has("stringData")).isFalse();
    assertThat(secret.at("/data/user").asText()).isEqualTo(b64("root"));
    assertThat(secret.path("type").asText()).isEqualTo("Opaque");
    assertThat(secret.at("/metadata/generation").isMissingNode()).isTrue();
    assertThat(secret.at("/metadata/generateName").isMissingNode()).isTrue();
    ok(
        sandbox.kubectl(
            "patch",
            "secret",
            "s",
            "-n",
            "secrets",
            "-p",
            "{\"stringData\":{\"user\":\"admin\"}}"));
    assertThat(kubectl("get", "secret", "s", "-n", "secrets", "-o", "jsonpath={.data.user}"))
        .isEqualTo(b64("admin"));

    // The sandbox's own Secret, written by the sandbox's client straight into the store.
    JsonNode own = json("get", "secret", "sandbox-pool-credentials", "-n", "sandbox", "-o", "json");
    assertThat(own.has("stringData")).isFalse();
    assertThat(own.path("type").asText()).isNotEmpty();
    assertThat(own.at("/metadata/uid").asText())
        .doesNotStartWith("00000000-0000-0000-0000-")
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  }

  @Test
  void listsComeInPagesAndGetAllWorks() throws Exception {
    namespace("pages");
    for (String name : List.of("c1", "c2", "c3")) {
      ok(sandbox.kubectl("create", "configmap", name, "-n", "pages"));
    }
    int total = json("get", "--raw", "/api/v1/namespaces/pages/configmaps").path("items").size();
    assertThat(total).isBetween(3, 4); // a real cluster adds kube-root-ca.crt
    JsonNode first = json("get", "--raw", "/api/v1/namespaces/pages/configmaps?limit=2");
    assertThat(first.path("items")).hasSize(2);
    String token = first.at("/metadata/continue").asText();
    assertThat(token).isNotEmpty();
    assertThat(first.at("/metadata/remainingItemCount").asInt()).isEqualTo(total - 2);
    JsonNode second =
        json(
            "get",
            "--raw",
            "/api/v1/namespaces/pages/configmaps?limit=2&continue="
                + java.net.URLEncoder.encode(token, StandardCharsets.UTF_8));
    assertThat(second.path("items")).hasSize(total - 2);
    assertThat(second.at("/metadata/continue").asText("")).isEmpty();
    assertThat(names("get", "configmaps", "-n", "pages", "--chunk-size=1", "-o", "name"))
        .containsExactly("configmap/c1", "configmap/c2", "configmap/c3");
    // Tables page too (kubectl asks for 500 rows at a time): every row comes.
    assertThat(kubectl("get", "configmaps", "-n", "pages", "--chunk-size=1"))
        .contains("c1")
        .contains("c2")
        .contains("c3");
    assertThat(fails(sandbox.kubectl("get", "--raw", "/api/v1/configmaps?continue=bogus")).err())
        .contains("continue");

    ok(sandbox.kubectl("create", "deployment", "app", "-n", "pages", "--image=busybox"));
    assertThat(kubectl("get", "all", "-n", "pages")).contains("deployment.apps/app");
  }

  @Test
  void queryParametersAreReadAsARealServerReadsThem() {
    namespace("query");
    ok(sandbox.kubectl("create", "configmap", "w", "-n", "query"));
    // watch=True (what the Python client sends) is a watch, not a list.
    String watched =
        kubectl("get", "--raw", "/api/v1/namespaces/query/configmaps?watch=True&timeoutSeconds=1");
    assertThat(watched).contains("\"type\":\"ADDED\"").doesNotContain("ConfigMapList");
    assertThat(
            fails(
                    sandbox.kubectl(
                        "get",
                        "--raw",
                        "/api/v1/namespaces/query/configmaps?resourceVersionMatch=Exact"))
                .err())
        .contains("resourceVersionMatch is forbidden unless resourceVersion is provided");
    assertThat(
            fails(
                    sandbox.kubectl(
                        "get",
                        "--raw",
                        "/api/v1/namespaces/query/configmaps?sendInitialEvents=true"))
                .err())
        .contains("sendInitialEvents is forbidden for list");
    String initial =
        kubectl(
            "get",
            "--raw",
            "/api/v1/namespaces/query/configmaps?watch=1&sendInitialEvents=true"
                + "&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1");
    assertThat(initial).contains("\"type\":\"ADDED\"").contains("k8s.io/initial-events-end");
    assertThat(
            fails(sandbox.kubectl("get", "--raw", "/api/v1/namespaces/query/configmaps?limit=x"))
                .err())
        .contains("limit");
  }

  @Test
  void malformedRequestsAreRefusedNotCrashed() throws Exception {
    java.nio.file.Path bad = sandbox.dir.resolve("bad-metadata.json");
    java.nio.file.Files.writeString(
        bad, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":\"x\"}");
    assertThat(
            fails(
                    sandbox.kubectl(
                        "create",
                        "--raw",
                        "/api/v1/namespaces/sandbox/configmaps",
                        "-f",
                        bad.toString()))
                .err())
        .contains("metadata must be an object");
    assertThat(fails(sandbox.kubectl("delete", "--raw", "/api/v1/secrets")).err())
        .contains("does not allow this method");
    ok(sandbox.kubectl("get", "secret", "sandbox-pool-credentials", "-n", "sandbox"));
    // A cluster-scoped object with a namespace in its manifest (common in charts): stored without.
    ok(
        sandbox.kubectlWithInput(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
                + "metadata: {name: scoped, namespace: sandbox}\nrules: []\n",
            "apply",
            "-f",
            "-"));
    assertThat(kubectl("get", "clusterrole", "scoped", "-o", "jsonpath={.metadata.namespace}"))
        .isEmpty();
  }

  @Test
  void validationMessagesAreTheServersWords() {
    SandboxProcess.Result refused =
        fails(
            sandbox.kubectlWithInput(
                "apiVersion: xenmigration.io/v1alpha1\nkind: LiveMigration\n"
                    + "metadata: {name: zero, namespace: sandbox}\n"
                    + "spec: {pool: pool-a, vm: vm-02, maxAttempts: 0}\n",
                "apply",
                "-f",
                "-"));
    assertThat(refused.err())
        .contains(
            "spec.maxAttempts: Invalid value: 0: spec.maxAttempts in body should be greater than"
                + " or equal to 1");
  }

  @Test
  void serverSideApplyKeepsManagedFieldsAndRefusesConflicts() throws Exception {
    namespace("ssa");
    String cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ssa}\ndata: %s\n";
    ok(sandbox.kubectlWithInput(cm.formatted("{a: '1'}"), "apply", "--server-side", "-f", "-"));
    JsonNode first = json("get", "cm", "c", "-n", "ssa", "-o", "json", "--show-managed-fields");
    assertThat(first.at("/metadata/managedFields/0/manager").asText()).isEqualTo("kubectl");
    assertThat(first.at("/metadata/managedFields/0/operation").asText()).isEqualTo("Apply");
    assertThat(first.at("/metadata/managedFields/0/fieldsV1").toString())
        .isEqualTo("{\"f:data\":{\"f:a\":{}}}");
    assertThat(kubectl("get", "cm", "c", "-n", "ssa", "-o", "yaml"))
        .doesNotContain("managedFields");

    SandboxProcess.Result conflict =
        fails(
            sandbox.kubectlWithInput(
                cm.formatted("{a: '2'}"),
                "apply",
                "--server-side",
                "--field-manager=other",
                "-f",
                "-"));
    assertThat(conflict.err()).contains("conflict with \"kubectl\"").contains(".data.a");
    assertThat(kubectl("get", "cm", "c", "-n", "ssa", "-o", "jsonpath={.data.a}")).isEqualTo("1");
    ok(
        sandbox.kubectlWithInput(
            cm.formatted("{a: '2'}"),
            "apply",
            "--server-side",
            "--field-manager=other",
            "--force-conflicts",
            "-f",
            "-"));
    assertThat(kubectl("get", "cm", "c", "-n", "ssa", "-o", "jsonpath={.data.a}")).isEqualTo("2");
    // The first manager lost a; leaving it out now keeps it (other's), its new b is added.
    ok(sandbox.kubectlWithInput(cm.formatted("{b: '3'}"), "apply", "--server-side", "-f", "-"));
    assertThat(json("get", "cm", "c", "-n", "ssa", "-o", "json").path("data").toString())
        .isEqualTo("{\"a\":\"2\",\"b\":\"3\"}");
    // ...and when its owner leaves it out too, it goes.
    ok(
        sandbox.kubectlWithInput(
            cm.formatted("{c: '4'}"),
            "apply",
            "--server-side",
            "--field-manager=other",
            "-f",
            "-"));
    assertThat(json("get", "cm", "c", "-n", "ssa", "-o", "json").path("data").toString())
        .isEqualTo("{\"b\":\"3\",\"c\":\"4\"}");

    // Containers merge by name: two managers own different fields of one container.
    String deployment =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: ssa}\n"
            + "spec:\n  selector: {matchLabels: {app: d}}\n  template:\n"
            + "    metadata: {labels: {app: d}}\n    spec:\n      containers:\n%s";
    ok(
        sandbox.kubectlWithInput(
            deployment.formatted("      - {name: app, image: 'busybox:1'}\n"),
            "apply",
            "--server-side",
            "-f",
            "-"));
    ok(
        sandbox.kubectlWithInput(
            deployment.formatted("      - name: app\n        env: [{name: X, value: 'y'}]\n"),
            "apply",
            "--server-side",
            "--field-manager=sidecar",
            "-f",
            "-"));
    JsonNode container =
        json("get", "deployment", "d", "-n", "ssa", "-o", "json")
            .at("/spec/template/spec/containers/0");
    assertThat(container.path("image").asText()).isEqualTo("busybox:1");
    assertThat(container.at("/env/0/value").asText()).isEqualTo("y");

    // From client-side to server-side apply: kubectl hands the fields over, no conflict.
    String moved = deployment.replace("name: d,", "name: m,");
    ok(
        sandbox.kubectlWithInput(
            moved.formatted("      - {name: app, image: 'busybox:1'}\n"), "apply", "-f", "-"));
    ok(
        sandbox.kubectlWithInput(
            moved.formatted("      - {name: app, image: 'busybox:2'}\n"),
            "apply",
            "--server-side",
            "-f",
            "-"));
    assertThat(
            kubectl(
                "get",
                "deployment",
                "m",
                "-n",
                "ssa",
                "-o",
                "jsonpath={.spec.template.spec.containers[0].image}"))
        .isEqualTo("busybox:2");

    // Finalizers are a set: an applied one joins the operator's, and leaves without taking it.
    String lm =
        "apiVersion: xenmigration.io/v1alpha1\nkind: LiveMigration\nmetadata:\n"
            + "  name: applied\n  namespace: sandbox\n  finalizers: [%s]\n"
            + "spec: {pool: pool-a, vm: vm-04, cancel: true}\n";
    ok(sandbox.kubectlWithInput(lm.formatted(""), "apply", "--server-side", "-f", "-"));
    ok(
        sandbox.kubectl(
            "wait",
            "--for=jsonpath={.status.phase}=Cancelled",
            "lm/applied",
            "-n",
            "sandbox",
            "--timeout=60s"));
    JsonNode operators =
        json("get", "lm", "applied", "-n", "sandbox", "-o", "json").at("/metadata/finalizers");
    assertThat(operators).isNotEmpty();
    ok(
        sandbox.kubectlWithInput(
            lm.formatted("example.com/mine"), "apply", "--server-side", "-f", "-"));
    JsonNode both =
        json("get", "lm", "applied", "-n", "sandbox", "-o", "json").at("/metadata/finalizers");
    assertThat(both.toString()).contains("example.com/mine").contains(operators.get(0).asText());
    ok(sandbox.kubectlWithInput(lm.formatted(""), "apply", "--server-side", "-f", "-"));
    assertThat(
            json("get", "lm", "applied", "-n", "sandbox", "-o", "json").at("/metadata/finalizers"))
        .isEqualTo(operators);
    ok(sandbox.kubectl("delete", "lm", "applied", "-n", "sandbox", "--wait=false"));
  }

  @Test
  void unknownFieldsFollowFieldValidation() throws Exception {
    String lm =
        "apiVersion: xenmigration.io/v1alpha1\nkind: LiveMigration\n"
            + "metadata: {name: %s, namespace: sandbox}\n"
            + "spec: {pool: pool-a, vm: vm-03, cancel: true, bogus: 1}\n";
    SandboxProcess.Result strict =
        fails(sandbox.kubectlWithInput(lm.formatted("strict"), "apply", "-f", "-"));
    assertThat(strict.err()).contains("strict decoding error: unknown field \"spec.bogus\"");
    fails(sandbox.kubectl("get", "lm", "strict", "-n", "sandbox"));

    SandboxProcess.Result warned =
        ok(sandbox.kubectlWithInput(lm.formatted("warned"), "apply", "--validate=warn", "-f", "-"));
    assertThat(warned.err()).contains("unknown field \"spec.bogus\"");
    assertThat(json("get", "lm", "warned", "-n", "sandbox", "-o", "json").at("/spec").has("bogus"))
        .isFalse();
    ok(sandbox.kubectlWithInput(lm.formatted("ignored"), "apply", "--validate=false", "-f", "-"));
    assertThat(json("get", "lm", "ignored", "-n", "sandbox", "-o", "json").at("/spec").has("bogus"))
        .isFalse();
    ok(sandbox.kubectl("delete", "lm", "warned", "ignored", "-n", "sandbox", "--wait=false"));

    SandboxProcess.Result builtIn =
        fails(
            sandbox.kubectlWithInput(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: sandbox}\n"
                    + "data: {a: b}\nextra: 1\n",
                "apply",
                "-f",
                "-"));
    assertThat(builtIn.err()).contains("unknown field \"extra\"");
  }

  @Test
  void explainAndTablesShowWhatARealServerShows() {
    assertThat(kubectl("explain", "livemigration.spec"))
        .contains("KIND:       LiveMigration")
        .contains("destinationHost");
    assertThat(kubectl("explain", "deployment.spec.template.spec.containers"))
        .contains("image")
        .contains("env");
    assertThat(kubectl("get", "namespaces").lines().findFirst().orElse(""))
        .matches("NAME\\s+STATUS\\s+AGE");
    assertThat(kubectl("get", "secrets", "-n", "sandbox").lines().findFirst().orElse(""))
        .matches("NAME\\s+TYPE\\s+DATA\\s+AGE");
    String events =
        kubectl(
            "get", "events", "-n", "sandbox", "--field-selector", "involvedObject.kind=XenPool");
    assertThat(events.lines().findFirst().orElse(""))
        .matches("LAST SEEN\\s+TYPE\\s+REASON\\s+OBJECT\\s+MESSAGE");
    assertThat(events).contains("xenpool/pool-a");
    namespace("tables");
    ok(sandbox.kubectl("create", "deployment", "t", "-n", "tables", "--image=busybox"));
    assertThat(kubectl("get", "deployments", "-n", "tables").lines().findFirst().orElse(""))
        .matches("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE");
    ok(sandbox.kubectl("run", "p", "-n", "tables", "--image=busybox"));
    List<String> pods = kubectl("get", "pods", "-n", "tables").lines().toList();
    assertThat(pods.get(0)).matches("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE");
    assertThat(pods.get(1)).matches("p\\s+0/1\\s+Pending\\s+0\\s+\\d+s");
  }

  @Test
  void theOfficialPythonClientListsWatchesWritesAndPages() throws Exception {
    JsonNode report = ThirdPartyClients.kubernetesPython(sandbox.kubeconfig, "sandbox");
    assertThat(report.path("pools").toString()).isEqualTo("[\"pool-a\",\"pool-b\"]");
    assertThat(report.path("poolReady").toString()).isEqualTo("[\"True\"]");
    assertThat(report.path("unsupportedFieldSelector").asInt()).isEqualTo(400);
    assertThat(report.path("createdType").asText()).isEqualTo("Opaque");
    assertThat(report.path("createdStringData").isNull()).isTrue();
    assertThat(report.path("readData").asText()).isEqualTo("first");
    assertThat(report.path("patchedData").asText()).isEqualTo("second");
    assertThat(report.path("statusAfterDryRun")).isEqualTo(report.path("statusBeforeDryRun"));
    assertThat(report.path("watched").toString())
        .isEqualTo(
            "[[\"ADDED\",\"py-secret\"],[\"MODIFIED\",\"py-secret\"],[\"DELETED\",\"py-secret\"]]");
    assertThat(report.path("pages").toString())
        .isEqualTo("[[\"py-page-0\",\"py-page-1\"],[\"py-page-2\"]]");
    assertThat(report.path("poolEventKinds").toString()).isEqualTo("[\"XenPool\"]");
    assertThat(report.path("configMapsLeft").toString()).doesNotContain("py-page");
    fails(sandbox.kubectl("get", "secret", "py-secret", "-n", "sandbox"));
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
