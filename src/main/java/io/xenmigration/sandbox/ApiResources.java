package io.xenmigration.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kinds the embedded API serves: the built-in ones the chart, the operator and kubectl use, and
 * one per CRD stored in it. Discovery, tables and admission all read this list.
 */
final class ApiResources {

  /**
   * One resource.
   *
   * @param crd the CRD for custom resources, or null for built-in kinds
   */
  record Resource(
      String group,
      String version,
      String plural,
      String singular,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories,
      JsonNode crd) {

    String groupVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }

    /** {@code livemigrations.xenmigration.io}, as Kubernetes names a resource in messages. */
    String qualifiedName() {
      return group.isEmpty() ? plural : plural + "." + group;
    }

    boolean hasStatus() {
      return crd == null
          ? !List.of(
                  "namespaces",
                  "secrets",
                  "configmaps",
                  "events",
                  "serviceaccounts",
                  "roles",
                  "rolebindings",
                  "clusterroles",
                  "clusterrolebindings",
                  "leases",
                  "networkpolicies")
              .contains(plural)
          : crd.at("/spec/versions/0/subresources/status").isObject();
    }
  }

  static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  private static final List<Resource> BUILT_IN =
      List.of(
          core("namespaces", "Namespace", false, "ns"),
          core("secrets", "Secret", true),
          core("configmaps", "ConfigMap", true, "cm"),
          core("events", "Event", true, "ev"),
          core("serviceaccounts", "ServiceAccount", true, "sa"),
          inAll(core("services", "Service", true, "svc")),
          inAll(core("pods", "Pod", true, "po")),
          inAll(builtIn("apps", "deployments", "Deployment", true, "deploy")),
          inAll(builtIn("apps", "replicasets", "ReplicaSet", true, "rs")),
          inAll(builtIn("apps", "statefulsets", "StatefulSet", true, "sts")),
          inAll(builtIn("apps", "daemonsets", "DaemonSet", true, "ds")),
          inAll(builtIn("batch", "jobs", "Job", true)),
          inAll(builtIn("batch", "cronjobs", "CronJob", true, "cj")),
          builtIn("networking.k8s.io", "networkpolicies", "NetworkPolicy", true, "netpol"),
          builtIn("rbac.authorization.k8s.io", "roles", "Role", true),
          builtIn("rbac.authorization.k8s.io", "rolebindings", "RoleBinding", true),
          builtIn("rbac.authorization.k8s.io", "clusterroles", "ClusterRole", false),
          builtIn("rbac.authorization.k8s.io", "clusterrolebindings", "ClusterRoleBinding", false),
          builtIn("coordination.k8s.io", "leases", "Lease", true),
          builtIn("policy", "poddisruptionbudgets", "PodDisruptionBudget", true, "pdb"),
          builtIn(
              "apiextensions.k8s.io",
              "customresourcedefinitions",
              "CustomResourceDefinition",
              false,
              "crd",
              "crds"));

  private ApiResources() {}

  /** In the {@code all} category, as {@code kubectl get all} finds kinds. */
  private static Resource inAll(Resource r) {
    return new Resource(
        r.group(),
        r.version(),
        r.plural(),
        r.singular(),
        r.kind(),
        r.namespaced(),
        r.shortNames(),
        List.of("all"),
        null);
  }

  private static Resource core(String plural, String kind, boolean namespaced, String... short_) {
    return builtIn("", plural, kind, namespaced, short_);
  }

  private static Resource builtIn(
      String group, String plural, String kind, boolean namespaced, String... shortNames) {
    return new Resource(
        group,
        "v1",
        plural,
        kind.toLowerCase(),
        kind,
        namespaced,
        List.of(shortNames),
        List.of(),
        null);
  }

  /** The built-in kinds and one resource per served version of each CRD given. */
  static List<Resource> all(List<JsonNode> crds) {
    List<Resource> all = new ArrayList<>(BUILT_IN);
    for (JsonNode crd : crds) {
      JsonNode names = crd.at("/spec/names");
      for (JsonNode version : crd.at("/spec/versions")) {
        if (!version.path("served").asBoolean(true)) {
          continue;
        }
        List<String> shortNames = new ArrayList<>();
        names.path("shortNames").forEach(n -> shortNames.add(n.asText()));
        List<String> categories = new ArrayList<>();
        names.path("categories").forEach(n -> categories.add(n.asText()));
        all.add(
            new Resource(
                crd.at("/spec/group").asText(),
                version.path("name").asText(),
                names.path("plural").asText(),
                names.path("singular").asText(names.path("kind").asText().toLowerCase()),
                names.path("kind").asText(),
                "Namespaced".equals(crd.at("/spec/scope").asText()),
                shortNames,
                categories,
                crd));
      }
    }
    return all;
  }

  static Optional<Resource> find(List<Resource> all, String groupVersion, String plural) {
    return all.stream()
        .filter(r -> r.groupVersion().equals(groupVersion) && r.plural().equals(plural))
        .findFirst();
  }
}
