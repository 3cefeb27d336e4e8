package io.xenmigration.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What a real API server does to every object it stores, whoever wrote it: a random UID on create,
 * a Secret's {@code stringData} folded into {@code data} and its type defaulted, a namespace's
 * phase and name label, and no empty metadata maps or lists (Go's {@code omitempty}); and, as
 * objects are read, no {@code generation} on kinds that have none.
 */
final class ServerDefaults {

  /** Built-in kinds whose registry never sets {@code metadata.generation} (as of 1.32). */
  private static final Set<String> WITHOUT_GENERATION =
      Set.of(
          "v1/Namespace",
          "v1/Secret",
          "v1/ConfigMap",
          "v1/Event",
          "v1/ServiceAccount",
          "v1/Service",
          "v1/Pod",
          "v1/Endpoints",
          "v1/Node",
          "v1/PersistentVolumeClaim",
          "coordination.k8s.io/v1/Lease",
          "rbac.authorization.k8s.io/v1/Role",
          "rbac.authorization.k8s.io/v1/RoleBinding",
          "rbac.authorization.k8s.io/v1/ClusterRole",
          "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
          "events.k8s.io/v1/Event");

  private static final List<String> OMIT_EMPTY =
      List.of("labels", "annotations", "finalizers", "ownerReferences", "managedFields");

  private ServerDefaults() {}

  /** The object as a real API server would store it; {@code created} on its first write. */
  static ObjectNode apply(ObjectNode object, boolean created) {
    ObjectNode metadata = object.with("metadata");
    if (created) {
      // The store numbers UIDs from zero; clients (and people) take a UID as unique everywhere.
      metadata.put("uid", UUID.randomUUID().toString());
    }
    if (metadata.path("generateName").asText("x").isEmpty()) {
      metadata.remove("generateName");
    }
    for (String field : OMIT_EMPTY) {
      JsonNode value = metadata.get(field);
      if (value != null && (value.isNull() || (value.isContainerNode() && value.isEmpty()))) {
        metadata.remove(field);
      }
    }
    String type = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
    switch (type) {
      case "v1/Secret" -> {
        foldStringData(object);
        if (object.path("type").asText("").isEmpty()) {
          object.put("type", "Opaque");
        }
      }
      case "v1/Namespace" -> {
        metadata.with("labels").put("kubernetes.io/metadata.name", metadata.path("name").asText());
        if (!object.at("/spec/finalizers").isArray()) {
          object.with("spec").putArray("finalizers").add("kubernetes");
        }
        if (object.at("/status/phase").asText("").isEmpty()) {
          object.with("status").put("phase", "Active");
        }
      }
      default -> {}
    }
    return object;
  }

  /**
   * The object as a client reads it: the store keeps a {@code generation} on every object (it needs
   * one to write), which a real API server sets only on kinds that have one.
   */
  static void asRead(ObjectNode object) {
    String type = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
    if (WITHOUT_GENERATION.contains(type) && object.get("metadata") instanceof ObjectNode meta) {
      meta.remove("generation");
    }
  }

  /**
   * A Secret's {@code stringData} is write-only: each key lands in {@code data}, base64-encoded,
   * over what {@code data} gave it, and {@code stringData} itself is never stored or read back.
   * Values that are not strings are left for admission to refuse.
   */
  static void foldStringData(ObjectNode secret) {
    if (!(secret.get("stringData") instanceof ObjectNode plain)) {
      if (secret.has("stringData") && secret.get("stringData").isNull()) {
        secret.remove("stringData");
      }
      return;
    }
    for (JsonNode value : plain) {
      if (!value.isTextual() && !value.isNull()) {
        return;
      }
    }
    secret.remove("stringData");
    ObjectNode data =
        secret.get("data") instanceof ObjectNode given ? given : secret.putObject("data");
    plain
        .fields()
        .forEachRemaining(
            e ->
                data.put(
                    e.getKey(),
                    Base64.getEncoder()
                        .encodeToString(e.getValue().asText("").getBytes(StandardCharsets.UTF_8))));
  }
}
