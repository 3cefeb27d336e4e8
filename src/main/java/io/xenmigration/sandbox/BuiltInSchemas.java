package io.xenmigration.sandbox;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * OpenAPI schemas of the built-in kinds, read from the Fabric8 model classes (which follow the
 * Kubernetes Go types field by field): their structure only, named as the API server names them
 * ({@code io.k8s.api.apps.v1.Deployment}), for {@code kubectl explain} and for finding unknown
 * fields. No descriptions: the classes carry none.
 */
final class BuiltInSchemas {

  private static final String MODEL = "io.fabric8.kubernetes.api.model";

  /** The Fabric8 class of each built-in kind, by {@code group/version/Kind}. */
  private static final Map<String, Class<?>> KINDS = kinds();

  /** Types of the apimachinery's meta/v1 package that Fabric8 keeps in its core package. */
  private static final Set<String> META =
      Set.of(
          "ObjectMeta",
          "ListMeta",
          "LabelSelector",
          "LabelSelectorRequirement",
          "OwnerReference",
          "ManagedFieldsEntry",
          "Condition",
          "Status",
          "StatusDetails",
          "StatusCause",
          "FieldsV1");

  private BuiltInSchemas() {}

  private static Map<String, Class<?>> kinds() {
    Map<String, Class<?>> kinds = new LinkedHashMap<>();
    kinds.put("v1/Namespace", io.fabric8.kubernetes.api.model.Namespace.class);
    kinds.put("v1/Secret", io.fabric8.kubernetes.api.model.Secret.class);
    kinds.put("v1/ConfigMap", io.fabric8.kubernetes.api.model.ConfigMap.class);
    kinds.put("v1/Event", io.fabric8.kubernetes.api.model.Event.class);
    kinds.put("v1/ServiceAccount", io.fabric8.kubernetes.api.model.ServiceAccount.class);
    kinds.put("v1/Service", io.fabric8.kubernetes.api.model.Service.class);
    kinds.put("v1/Pod", io.fabric8.kubernetes.api.model.Pod.class);
    kinds.put("apps/v1/Deployment", io.fabric8.kubernetes.api.model.apps.Deployment.class);
    kinds.put("apps/v1/ReplicaSet", io.fabric8.kubernetes.api.model.apps.ReplicaSet.class);
    kinds.put("apps/v1/StatefulSet", io.fabric8.kubernetes.api.model.apps.StatefulSet.class);
    kinds.put("apps/v1/DaemonSet", io.fabric8.kubernetes.api.model.apps.DaemonSet.class);
    kinds.put("batch/v1/Job", io.fabric8.kubernetes.api.model.batch.v1.Job.class);
    kinds.put("batch/v1/CronJob", io.fabric8.kubernetes.api.model.batch.v1.CronJob.class);
    kinds.put("rbac.authorization.k8s.io/v1/Role", io.fabric8.kubernetes.api.model.rbac.Role.class);
    kinds.put(
        "rbac.authorization.k8s.io/v1/RoleBinding",
        io.fabric8.kubernetes.api.model.rbac.RoleBinding.class);
    kinds.put(
        "rbac.authorization.k8s.io/v1/ClusterRole",
        io.fabric8.kubernetes.api.model.rbac.ClusterRole.class);
    kinds.put(
        "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
        io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding.class);
    kinds.put(
        "coordination.k8s.io/v1/Lease",
        io.fabric8.kubernetes.api.model.coordination.v1.Lease.class);
    kinds.put(
        "policy/v1/PodDisruptionBudget",
        io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class);
    kinds.put(
        "networking.k8s.io/v1/NetworkPolicy",
        io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class);
    kinds.put(
        "apiextensions.k8s.io/v1/CustomResourceDefinition",
        io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class);
    return kinds;
  }

  /** The schema name of a kind's top-level type, or null when the kind is not a built-in. */
  static String name(String groupVersion, String kind) {
    Class<?> type = KINDS.get(groupVersion + "/" + kind);
    return type == null ? null : name(type);
  }

  /** The name of ObjectMeta's schema, which custom resources refer to. */
  static String objectMeta() {
    return name(io.fabric8.kubernetes.api.model.ObjectMeta.class);
  }

  /**
   * Adds to {@code schemas} the schema of a kind's type and of every type it reaches; the kind's
   * own schema carries {@code x-kubernetes-group-version-kind} as the API server writes it.
   */
  static void addKind(ObjectNode schemas, String group, String version, String kind) {
    Class<?> type = KINDS.get((group.isEmpty() ? "" : group + "/") + version + "/" + kind);
    if (type == null) {
      return;
    }
    add(schemas, type);
    ObjectNode gvk =
        ((ObjectNode) schemas.get(name(type)))
            .putArray("x-kubernetes-group-version-kind")
            .addObject();
    gvk.put("group", group).put("kind", kind).put("version", version);
  }

  /** Adds the schema of ObjectMeta (and what it reaches). */
  static void addObjectMeta(ObjectNode schemas) {
    add(schemas, io.fabric8.kubernetes.api.model.ObjectMeta.class);
  }

  /** Adds the schema of a class and of every class it reaches, once each. */
  private static void add(ObjectNode schemas, Class<?> type) {
    String name = name(type);
    if (schemas.has(name)) {
      return;
    }
    ObjectNode schema = schemas.putObject(name).put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    BeanDescription bean =
        ApiDocuments.JSON
            .getDeserializationConfig()
            .introspect(ApiDocuments.JSON.constructType(type));
    for (BeanPropertyDefinition property : bean.findProperties()) {
      if (property.getMutator() == null && property.getField() == null) {
        continue;
      }
      JavaType propertyType = property.getPrimaryType();
      properties.set(property.getName(), schemaOf(schemas, propertyType));
    }
    if (properties.isEmpty()) {
      // A type of free-form JSON (FieldsV1 and the like): any field is its own.
      schema.remove("properties");
      schema.put("x-kubernetes-preserve-unknown-fields", true);
    }
  }

  private static JsonNode schemaOf(ObjectNode schemas, JavaType type) {
    ObjectNode schema = ApiDocuments.JSON.createObjectNode();
    Class<?> raw = type.getRawClass();
    if (raw == String.class) {
      return schema.put("type", "string");
    }
    if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class) {
      return schema.put("type", "integer").put("format", raw == Long.class ? "int64" : "int32");
    }
    if (raw == Boolean.class || raw == boolean.class) {
      return schema.put("type", "boolean");
    }
    if (raw == Double.class || raw == double.class || raw == Float.class) {
      return schema.put("type", "number").put("format", "double");
    }
    if (raw == IntOrString.class) {
      return schema.put("x-kubernetes-int-or-string", true);
    }
    if (raw == Quantity.class) {
      return schema.put("type", "string").put("format", "quantity");
    }
    if (type.isCollectionLikeType() || type.isArrayType()) {
      schema.put("type", "array");
      schema.set("items", schemaOf(schemas, type.getContentType()));
      return schema;
    }
    if (type.isMapLikeType()) {
      schema.put("type", "object");
      schema.set("additionalProperties", schemaOf(schemas, type.getContentType()));
      return schema;
    }
    if (raw == Object.class || !raw.getName().startsWith(MODEL)) {
      // Raw extensions, JSON values and anything else the model keeps untyped.
      return schema.put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
    }
    add(schemas, raw);
    ObjectNode ref = ApiDocuments.JSON.createObjectNode();
    ref.putArray("allOf").addObject().put("$ref", "#/components/schemas/" + name(raw));
    return ref;
  }

  /** {@code io.k8s.api.apps.v1.Deployment}, {@code io.k8s.apimachinery.pkg.apis.meta.v1...}. */
  private static String name(Class<?> type) {
    String simple = type.getSimpleName();
    String pkg = type.getPackageName();
    if (pkg.equals(MODEL) && META.contains(simple)) {
      return "io.k8s.apimachinery.pkg.apis.meta.v1." + simple;
    }
    if (pkg.startsWith(MODEL + ".apiextensions")) {
      return "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1." + simple;
    }
    String rest = pkg.equals(MODEL) ? "core" : pkg.substring(MODEL.length() + 1);
    if (!rest.matches(".*\\.v\\d.*") && !rest.endsWith(".v1")) {
      rest = rest + ".v1";
    }
    return "io.k8s.api." + rest + "." + simple;
  }
}
