package io.xenmigration.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Fields an object has that its kind's schema does not (a CRD's structural schema, or a built-in
 * kind's type), found and pruned as the API server's decoding does: each is named as {@code
 * spec.foo} or {@code spec.containers[0].foo}, and the stored object never keeps it. What a write
 * answers for them follows its {@code fieldValidation}: Strict refuses, Warn warns, Ignore drops.
 */
final class UnknownFields {

  /** How a write wants unknown fields handled. */
  enum Validation {
    STRICT,
    WARN,
    IGNORE;

    /** The query's {@code fieldValidation}; absent is Warn, the server's default. */
    static Validation of(String value) {
      if (value == null || value.isEmpty()) {
        return WARN;
      }
      return switch (value) {
        case "Strict" -> STRICT;
        case "Warn" -> WARN;
        case "Ignore" -> IGNORE;
        default ->
            throw new ListOptions.Refused(
                400,
                "fieldValidation parameter unsupported: "
                    + value
                    + " (expected Strict, Warn or Ignore)");
      };
    }
  }

  private final ObjectNode components;

  /**
   * @param components the named schemas {@code $ref}s point into ({@code #/components/schemas/X})
   */
  UnknownFields(ObjectNode components) {
    this.components = components;
  }

  /** Removes the fields the schema does not know from {@code value}; returns their paths. */
  List<String> prune(JsonNode schema, JsonNode value) {
    List<String> found = new ArrayList<>();
    walk(schema, value, "", found);
    return found;
  }

  private void walk(JsonNode schema, JsonNode value, String path, List<String> found) {
    schema = resolve(schema);
    if (schema == null || schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      return;
    }
    if (value instanceof ArrayNode array) {
      JsonNode items = schema.get("items");
      if (items != null) {
        for (int i = 0; i < array.size(); i++) {
          walk(items, array.get(i), path + "[" + i + "]", found);
        }
      }
      return;
    }
    if (!(value instanceof ObjectNode object)) {
      return;
    }
    if (schema.path("x-kubernetes-embedded-resource").asBoolean(false)) {
      return; // an object of its own kind, checked by no schema here
    }
    JsonNode properties = schema.get("properties");
    JsonNode additional = schema.get("additionalProperties");
    if (properties == null
        && additional == null
        && !"object".equals(schema.path("type").asText())) {
      return; // no structure to hold it to (int-or-string and the like)
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
      JsonNode property = properties == null ? null : properties.get(field.getKey());
      if (property != null) {
        walk(property, field.getValue(), at, found);
      } else if (additional != null && additional.isObject()) {
        walk(additional, field.getValue(), at, found);
      } else if (additional != null && additional.asBoolean(false)) {
        // any value allowed
      } else {
        found.add(at);
        it.remove();
      }
    }
  }

  /** A schema with its {@code $ref} (or one-element {@code allOf} of a ref) followed. */
  private JsonNode resolve(JsonNode schema) {
    for (int depth = 0; schema != null && depth < 32; depth++) {
      JsonNode ref = schema.get("$ref");
      if (ref == null && schema.path("allOf").size() == 1) {
        ref = schema.path("allOf").get(0).get("$ref");
      }
      if (ref == null) {
        return schema;
      }
      schema = components.get(ref.asText().replaceFirst("^#/components/schemas/", ""));
    }
    return schema;
  }

  /** The message a Strict write is refused with, naming the fields as the server does. */
  static String strictMessage(String kind, String version, List<String> fields) {
    StringBuilder message =
        new StringBuilder(
            kind
                + " in version \""
                + version
                + "\" cannot be handled as a "
                + kind
                + ": strict decoding error: ");
    for (int i = 0; i < fields.size(); i++) {
      message
          .append(i == 0 ? "" : ", ")
          .append("unknown field \"")
          .append(fields.get(i))
          .append('"');
    }
    return message.toString();
  }
}
