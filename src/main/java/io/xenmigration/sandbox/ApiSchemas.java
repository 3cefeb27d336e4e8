package io.xenmigration.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xenmigration.sandbox.ApiResources.Resource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The schema of each served kind, as the API server publishes it in OpenAPI v3 and holds objects to
 * it: a CRD version's {@code openAPIV3Schema} with {@code apiVersion}, {@code kind} and {@code
 * metadata} added, or a built-in kind's type ({@link BuiltInSchemas}), each with the named schemas
 * it refers to.
 */
final class ApiSchemas {

  /** A kind's own schema, its name, and the named schemas its {@code $ref}s point into. */
  record Schema(String name, JsonNode root, ObjectNode components) {}

  private static final Map<String, Schema> CACHE = new ConcurrentHashMap<>();

  private ApiSchemas() {}

  /** The schema of a kind, or null when there is none (a built-in kind without a model). */
  static Schema of(Resource r) {
    String key =
        r.crd() == null
            ? r.groupVersion() + "/" + r.kind()
            : r.crd().at("/metadata/uid").asText()
                + "@"
                + r.crd().at("/metadata/resourceVersion").asText()
                + "/"
                + r.version();
    Schema cached = CACHE.get(key);
    if (cached == null) {
      cached = build(r);
      if (cached != null) {
        CACHE.put(key, cached);
      }
    }
    return cached;
  }

  private static Schema build(Resource r) {
    ObjectNode components = ApiDocuments.JSON.createObjectNode();
    if (r.crd() == null) {
      String name = BuiltInSchemas.name(r.groupVersion(), r.kind());
      if (name == null) {
        return null;
      }
      BuiltInSchemas.addKind(components, r.group(), r.version(), r.kind());
      return new Schema(name, components.get(name), components);
    }
    JsonNode version = null;
    for (JsonNode v : r.crd().at("/spec/versions")) {
      if (v.path("name").asText().equals(r.version())) {
        version = v;
      }
    }
    if (version == null || !version.at("/schema/openAPIV3Schema").isObject()) {
      return null;
    }
    BuiltInSchemas.addObjectMeta(components);
    ObjectNode root = (ObjectNode) version.at("/schema/openAPIV3Schema").deepCopy();
    ObjectNode properties = root.with("properties");
    properties.putObject("apiVersion").put("type", "string");
    properties.putObject("kind").put("type", "string");
    properties
        .putObject("metadata")
        .putArray("allOf")
        .addObject()
        .put("$ref", "#/components/schemas/" + BuiltInSchemas.objectMeta());
    root.putArray("x-kubernetes-group-version-kind")
        .addObject()
        .put("group", r.group())
        .put("kind", r.kind())
        .put("version", r.version());
    String name = crdSchemaName(r);
    components.set(name, root);
    return new Schema(name, root, components);
  }

  /** {@code io.xenmigration.v1alpha1.LiveMigration}: the group reversed, as the server names it. */
  private static String crdSchemaName(Resource r) {
    String[] parts = r.group().split("\\.");
    StringBuilder name = new StringBuilder();
    for (int i = parts.length - 1; i >= 0; i--) {
      name.append(parts[i]).append('.');
    }
    return name.append(r.version()).append('.').append(r.kind()).toString();
  }
}
