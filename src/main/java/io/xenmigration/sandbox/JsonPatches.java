package io.xenmigration.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Applies the patch kinds kubectl, helm and the operator send: JSON merge patch (RFC 7386), JSON
 * patch (RFC 6902), strategic merge patch with the built-in kinds' merge keys ({@link
 * StrategicMerge}), and apply patches, taken as merge patches.
 */
final class JsonPatches {

  private JsonPatches() {}

  static final String JSON_PATCH = "application/json-patch+json";
  static final String MERGE_PATCH = "application/merge-patch+json";
  static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
  static final String APPLY_PATCH = "application/apply-patch";

  /** Whether a real API server takes this patch type for this kind (null: not a patch type). */
  static boolean accepts(String contentType, String group, String kind, boolean custom) {
    if (contentType == null) {
      return false;
    }
    if (contentType.startsWith(STRATEGIC_MERGE_PATCH)) {
      // Custom resources have no Go types to read merge keys from: a real server refuses it.
      return !custom && StrategicMerge.knows(group, kind);
    }
    return contentType.startsWith(JSON_PATCH)
        || contentType.startsWith(MERGE_PATCH)
        || contentType.startsWith(APPLY_PATCH);
  }

  /** The patched copy of {@code target}; its apiVersion and kind choose the merge keys. */
  static JsonNode apply(JsonNode target, JsonNode patch, String contentType) {
    if (contentType != null && contentType.startsWith(JSON_PATCH)) {
      return jsonPatch(target.deepCopy(), patch);
    }
    if (contentType != null && contentType.startsWith(STRATEGIC_MERGE_PATCH)) {
      String apiVersion = target.path("apiVersion").asText();
      String group =
          apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
      return StrategicMerge.apply(target, patch, group, target.path("kind").asText());
    }
    return mergePatch(target.deepCopy(), patch);
  }

  static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result =
        target != null && target.isObject()
            ? (ObjectNode) target
            : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getValue().isNull()) {
        result.remove(field.getKey());
      } else {
        result.set(field.getKey(), mergePatch(result.get(field.getKey()), field.getValue()));
      }
    }
    return result;
  }

  private static JsonNode jsonPatch(JsonNode document, JsonNode operations) {
    JsonNode result = document;
    for (JsonNode op : operations) {
      String path = op.path("path").asText();
      switch (op.path("op").asText()) {
        case "add" -> result = put(result, path, op.get("value").deepCopy(), true);
        case "replace" -> result = put(result, path, op.get("value").deepCopy(), false);
        case "remove" -> remove(result, path);
        case "test" -> {
          if (!result.at(path).equals(op.get("value"))) {
            throw new PatchConflict("test failed at " + path);
          }
        }
        case "copy" ->
            result = put(result, path, result.at(op.path("from").asText()).deepCopy(), true);
        case "move" -> {
          JsonNode value = result.at(op.path("from").asText()).deepCopy();
          remove(result, op.path("from").asText());
          result = put(result, path, value, true);
        }
        default -> throw new IllegalArgumentException("unknown JSON patch op " + op.path("op"));
      }
    }
    return result;
  }

  /** A JSON patch {@code test} that failed: the object changed since the client read it. */
  static final class PatchConflict extends RuntimeException {
    PatchConflict(String message) {
      super(message);
    }
  }

  private static List<String> tokens(String pointer) {
    List<String> tokens = new ArrayList<>();
    for (String raw : pointer.substring(1).split("/", -1)) {
      tokens.add(raw.replace("~1", "/").replace("~0", "~"));
    }
    return tokens;
  }

  private static JsonNode put(JsonNode root, String pointer, JsonNode value, boolean insert) {
    if (pointer.isEmpty()) {
      return value;
    }
    List<String> tokens = tokens(pointer);
    JsonNode parent = root;
    for (String token : tokens.subList(0, tokens.size() - 1)) {
      parent = parent.isArray() ? parent.get(Integer.parseInt(token)) : parent.get(token);
      if (parent == null) {
        throw new IllegalArgumentException("no such path " + pointer);
      }
    }
    String last = tokens.get(tokens.size() - 1);
    if (parent instanceof ArrayNode array) {
      if (last.equals("-")) {
        array.add(value);
      } else if (insert) {
        array.insert(Integer.parseInt(last), value);
      } else {
        array.set(Integer.parseInt(last), value);
      }
    } else if (parent instanceof ObjectNode object) {
      object.set(last, value);
    }
    return root;
  }

  private static void remove(JsonNode root, String pointer) {
    List<String> tokens = tokens(pointer);
    JsonNode parent = root.at(pointer.substring(0, pointer.lastIndexOf('/')));
    String last = tokens.get(tokens.size() - 1);
    if (parent instanceof ArrayNode array) {
      array.remove(Integer.parseInt(last));
    } else if (parent instanceof ObjectNode object) {
      object.remove(last);
    }
  }
}
