package io.xenmigration.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.xenmigration.testing.ProjectFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The chart lints clean and renders a least-privilege, locked-down operator for any values. */
class HelmChartTest {

  private static final ObjectMapper YAML = new YAMLMapper();
  private static final String NAMESPACE = "xmo-system";

  /**
   * The chart rendered as {@code helm template xmo ... -n xmo-system} would, one node a document.
   */
  private static List<JsonNode> render(UnaryOperator<TemplateCommand> values) {
    TemplateCommand command =
        new Helm(ProjectFiles.chart())
            .template()
            .withName("xmo")
            .withNamespace(NAMESPACE)
            .withKubeVersion("1.32.0");
    String rendered = values.apply(command).call();
    List<JsonNode> documents = new ArrayList<>();
    try {
      for (String document : rendered.split("(?m)^---\\s*$")) {
        JsonNode node = YAML.readTree(document);
        if (node != null && node.has("kind")) {
          documents.add(node);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return documents;
  }

  private static List<JsonNode> ofKind(List<JsonNode> documents, String kind) {
    return documents.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
  }

  private static JsonNode only(List<JsonNode> documents, String kind) {
    List<JsonNode> matching = ofKind(documents, kind);
    assertThat(matching).as("exactly one %s", kind).hasSize(1);
    return matching.get(0);
  }

  private static JsonNode container(List<JsonNode> documents) {
    JsonNode containers = only(documents, "Deployment").at("/spec/template/spec/containers");
    assertThat(containers.size()).isEqualTo(1);
    return containers.get(0);
  }

  private static Map<String, String> env(List<JsonNode> documents) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    for (JsonNode variable : container(documents).path("env")) {
      env.put(variable.path("name").asText(), variable.path("value").asText(null));
    }
    return env;
  }

  /** Every label of a selector is one the operator's pod carries, with the same value. */
  private static void assertSelectsTheOperatorPod(List<JsonNode> documents, JsonNode selector) {
    JsonNode podLabels = only(documents, "Deployment").at("/spec/template/metadata/labels");
    assertThat(selector.size()).isPositive();
    selector
        .fields()
        .forEachRemaining(
            e -> assertThat(podLabels.path(e.getKey()).asText()).isEqualTo(e.getValue().asText()));
  }

  private static List<String> strings(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  @Test
  void lintsCleanInStrictMode() {
    LintResult result = new Helm(ProjectFiles.chart()).lint().strict().call();
    assertThat(result.isFailed()).as("%s", result.getMessages()).isFalse();
    assertThat(result.getMessages())
        .noneMatch(message -> message.contains("[WARNING]") || message.contains("[ERROR]"));
  }

  @Test
  void defaultInstallServesAllNamespacesWithAClusterRole() {
    List<JsonNode> documents = render(t -> t);
    assertThat(documents)
        .extracting(d -> d.path("kind").asText())
        .containsExactlyInAnyOrder(
            "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Deployment", "Service");
    JsonNode binding = only(documents, "ClusterRoleBinding");
    assertThat(binding.at("/subjects/0/kind").asText()).isEqualTo("ServiceAccount");
    assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(NAMESPACE);
    assertThat(binding.at("/subjects/0/name").asText())
        .isEqualTo(only(documents, "ServiceAccount").at("/metadata/name").asText());
    for (String namespaced : List.of("ServiceAccount", "Deployment", "Service")) {
      assertThat(only(documents, namespaced).at("/metadata/namespace").asText())
          .isEqualTo(NAMESPACE);
    }
    Map<String, String> env = env(documents);
    assertThat(env).doesNotContainKeys("QUARKUS_OPERATOR_SDK_NAMESPACES");
    assertThat(env).containsEntry("XENMIGRATION_LEADER_ELECTION_ENABLED", "false");
    assertThat(only(documents, "Deployment").at("/spec/replicas").asInt()).isEqualTo(1);
  }

  @Test
  void clusterRoleGrantsOnlyWhatTheOperatorUses() {
    JsonNode rules = only(render(t -> t), "ClusterRole").path("rules");
    Map<String, List<String>> verbsByResource = new java.util.TreeMap<>();
    for (JsonNode rule : rules) {
      for (String resource : strings(rule.path("resources"))) {
        verbsByResource
            .computeIfAbsent(resource, r -> new ArrayList<>())
            .addAll(strings(rule.path("verbs")));
      }
    }
    assertThat(verbsByResource)
        .containsOnlyKeys(
            "xenpools",
            "livemigrations",
            "xenpools/status",
            "livemigrations/status",
            "xenpools/finalizers",
            "livemigrations/finalizers",
            "hostmaintenances",
            "hostmaintenances/status",
            "hostmaintenances/finalizers",
            "secrets",
            "events",
            "customresourcedefinitions");
    assertThat(verbsByResource.get("secrets")).containsExactly("get", "list", "watch");
    assertThat(verbsByResource.get("customresourcedefinitions")).containsExactly("get", "list");
    // A maintenance creates the LiveMigrations that drain its host; nothing is ever deleted.
    assertThat(verbsByResource.get("livemigrations")).contains("create").doesNotContain("delete");
    assertThat(verbsByResource.get("hostmaintenances")).doesNotContain("delete", "create");
    assertThat(verbsByResource.get("xenpools")).doesNotContain("delete", "create");
    assertThat(verbsByResource.get("events")).containsExactly("create", "patch");
  }

  @Test
  void noRbacRuleUsesAWildcard() {
    List<UnaryOperator<TemplateCommand>> variants =
        List.of(
            t -> t,
            t -> t.set("watchNamespaces[0]", "team-a").set("watchNamespaces[1]", "team-b"),
            t -> t.set("replicas", 3));
    for (UnaryOperator<TemplateCommand> variant : variants) {
      List<JsonNode> documents = render(variant);
      List<JsonNode> roles = new ArrayList<>(ofKind(documents, "ClusterRole"));
      roles.addAll(ofKind(documents, "Role"));
      assertThat(roles).isNotEmpty();
      for (JsonNode role : roles) {
        for (JsonNode rule : role.path("rules")) {
          for (String field : List.of("apiGroups", "resources", "verbs")) {
            assertThat(strings(rule.path(field)))
                .as("%s %s", role.at("/metadata/name").asText(), field)
                .isNotEmpty()
                .doesNotContain("*");
          }
        }
      }
    }
  }

  @Test
  void podRunsLockedDown() {
    List<JsonNode> documents = render(t -> t);
    JsonNode pod = only(documents, "Deployment").at("/spec/template/spec");
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
    JsonNode security = container(documents).path("securityContext");
    assertThat(security.path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(security.path("allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(strings(security.at("/capabilities/drop"))).containsExactly("ALL");
    assertThat(security.has("privileged")).isFalse();
    // A read-only root filesystem still needs a writable /tmp for the JVM.
    assertThat(container(documents).at("/volumeMounts/0/mountPath").asText()).isEqualTo("/tmp");
    assertThat(pod.at("/volumes/0/emptyDir").isObject()).isTrue();
  }

  @Test
  void probesUseTheQuarkusHealthEndpoints() {
    JsonNode container = container(render(t -> t));
    assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(8080);
    assertThat(container.at("/ports/0/name").asText()).isEqualTo("http");
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
    assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/q/health/started");
    assertThat(container.at("/livenessProbe/httpGet/port").asText()).isEqualTo("http");
    assertThat(container.at("/resources/requests/memory").asText()).isEqualTo("256Mi");
    assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("512Mi");
    assertThat(container.at("/resources/limits/cpu").asText()).isEqualTo("1");
  }

  @Test
  void imageTagDefaultsToTheAppVersion() throws IOException {
    String appVersion =
        YAML.readTree(ProjectFiles.chart().resolve("Chart.yaml").toFile())
            .path("appVersion")
            .asText();
    assertThat(container(render(t -> t)).path("image").asText())
        .isEqualTo("xen-migration-operator:" + appVersion);
    assertThat(
            container(
                    render(
                        t ->
                            t.set("image.repository", "registry.local/xmo")
                                .set("image.tag", "dev")))
                .path("image")
                .asText())
        .isEqualTo("registry.local/xmo:dev");
  }

  @Test
  void metricsServiceSelectsTheOperatorPod() {
    List<JsonNode> documents = render(t -> t);
    JsonNode service = only(documents, "Service");
    assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
    assertSelectsTheOperatorPod(documents, service.at("/spec/selector"));
  }

  @Test
  void watchNamespacesGetARoleEachAndNoClusterAccess() {
    List<JsonNode> documents =
        render(t -> t.set("watchNamespaces[0]", "team-a").set("watchNamespaces[1]", "team-b"));
    assertThat(ofKind(documents, "ClusterRole")).isEmpty();
    assertThat(ofKind(documents, "ClusterRoleBinding")).isEmpty();
    assertThat(ofKind(documents, "Role"))
        .extracting(r -> r.at("/metadata/namespace").asText())
        .containsExactlyInAnyOrder("team-a", "team-b");
    for (JsonNode binding : ofKind(documents, "RoleBinding")) {
      assertThat(binding.at("/roleRef/kind").asText()).isEqualTo("Role");
      assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(NAMESPACE);
    }
    assertThat(ofKind(documents, "RoleBinding"))
        .extracting(r -> r.at("/metadata/namespace").asText())
        .containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(env(documents))
        .containsEntry("QUARKUS_OPERATOR_SDK_NAMESPACES", "team-a,team-b")
        .containsEntry("QUARKUS_OPERATOR_SDK_CRD_VALIDATE", "false");
  }

  @Test
  void insecurePoolsAreRefusedUnlessTheOwnerOptsIn() {
    assertThat(env(render(t -> t))).containsEntry("XENMIGRATION_POOLS_ALLOW_INSECURE", "false");
    assertThat(env(render(t -> t.set("pools.allowInsecure", true))))
        .containsEntry("XENMIGRATION_POOLS_ALLOW_INSECURE", "true");
  }

  @Test
  void theNetworkPolicyLetsOnlyTheListedPeersScrapeMetrics() {
    assertThat(ofKind(render(t -> t), "NetworkPolicy")).isEmpty();
    List<JsonNode> closed = render(t -> t.set("networkPolicy.enabled", true));
    JsonNode none = only(closed, "NetworkPolicy");
    assertThat(none.at("/spec/ingress").isArray()).isTrue();
    assertThat(none.at("/spec/ingress").size()).isZero();

    List<JsonNode> documents =
        render(
            t ->
                t.set("networkPolicy.enabled", true)
                    .set(
                        "networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.team",
                        "monitoring"));
    JsonNode policy = only(documents, "NetworkPolicy");
    assertThat(policy.at("/metadata/namespace").asText()).isEqualTo(NAMESPACE);
    assertThat(strings(policy.at("/spec/policyTypes"))).containsExactly("Ingress");
    assertThat(policy.at("/spec/ingress/0/from/0/namespaceSelector/matchLabels/team").asText())
        .isEqualTo("monitoring");
    assertThat(policy.at("/spec/ingress/0/ports/0/port").asText()).isEqualTo("http");
    assertSelectsTheOperatorPod(documents, policy.at("/spec/podSelector/matchLabels"));
  }

  @Test
  void severalReplicasElectALeaderThroughALease() {
    List<JsonNode> documents = render(t -> t.set("replicas", 2));
    assertThat(env(documents)).containsEntry("XENMIGRATION_LEADER_ELECTION_ENABLED", "true");
    JsonNode leaseRole =
        ofKind(documents, "Role").stream()
            .filter(r -> r.at("/metadata/name").asText().endsWith("-leader-election"))
            .findFirst()
            .orElseThrow();
    assertThat(leaseRole.at("/metadata/namespace").asText()).isEqualTo(NAMESPACE);
    assertThat(strings(leaseRole.at("/rules/0/resources"))).containsExactly("leases");
    assertThat(strings(leaseRole.at("/rules/0/verbs"))).containsExactly("get", "create", "update");
    assertThat(only(documents, "Deployment").at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(ofKind(render(t -> t), "Role")).isEmpty();
  }

  @Test
  void invalidValuesAreRefusedByTheSchema() {
    assertThatThrownBy(() -> render(t -> t.set("replicas", 0))).hasMessageContaining("replicas");
    assertThatThrownBy(() -> render(t -> t.set("logLevel", "LOUD")))
        .hasMessageContaining("logLevel");
    assertThatThrownBy(() -> render(t -> t.set("watchNamespaces[0]", "Team_A")))
        .hasMessageContaining("watchNamespaces");
    assertThatThrownBy(() -> render(t -> t.set("replica", 2))).hasMessageContaining("replica");
  }

  @Test
  void existingServiceAccountIsUsedWhenAsked() {
    List<JsonNode> documents =
        render(t -> t.set("serviceAccount.create", false).set("serviceAccount.name", "ops-sa"));
    assertThat(ofKind(documents, "ServiceAccount")).isEmpty();
    assertThat(only(documents, "Deployment").at("/spec/template/spec/serviceAccountName").asText())
        .isEqualTo("ops-sa");
    assertThat(only(documents, "ClusterRoleBinding").at("/subjects/0/name").asText())
        .isEqualTo("ops-sa");
  }
}
