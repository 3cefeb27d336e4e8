package io.xenmigration.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xenmigration.sandbox.ApiResources.Resource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The query of a list or watch, parsed and checked as a real API server does it: booleans as Go's
 * query conversion reads them (absent, {@code 0} or {@code false} in any case are false, anything
 * else true), selectors, {@code limit} and {@code continue}, {@code timeoutSeconds}, {@code
 * resourceVersionMatch}, and {@code sendInitialEvents} with the rules of the watch-list feature.
 */
record ListOptions(
    boolean watch,
    LabelSelector labels,
    FieldSelector fields,
    String resourceVersion,
    String resourceVersionMatch,
    long limit,
    String continueAfter,
    String continueVersion,
    long timeoutSeconds,
    boolean allowWatchBookmarks,
    boolean sendInitialEvents,
    boolean sendInitialEventsGiven) {

  /** A query the server refuses: 400 for what does not parse, 422 for what the rules forbid. */
  static final class Refused extends IllegalArgumentException {
    final int code;

    Refused(int code, String message) {
      super(message);
      this.code = code;
    }
  }

  /** A query boolean as the API server converts it ({@code Convert_Slice_string_To_bool}). */
  static boolean bool(Map<String, String> query, String name) {
    String value = query.get(name);
    return value != null && !value.equals("0") && !value.equalsIgnoreCase("false");
  }

  static ListOptions parse(Map<String, String> query, Resource resource) {
    boolean watch = bool(query, "watch");
    LabelSelector labels;
    FieldSelector fields;
    try {
      labels = LabelSelector.parse(query.get("labelSelector"));
      fields = FieldSelector.parse(query.get("fieldSelector"), resource);
    } catch (IllegalArgumentException e) {
      throw new Refused(400, e.getMessage());
    }
    String rv = query.getOrDefault("resourceVersion", "");
    String match = query.getOrDefault("resourceVersionMatch", "");
    boolean bookmarks = bool(query, "allowWatchBookmarks");
    boolean initial = bool(query, "sendInitialEvents");
    List<String> problems = new ArrayList<>();
    if (!match.isEmpty() && !match.equals("NotOlderThan") && !match.equals("Exact")) {
      problems.add(
          "resourceVersionMatch: Unsupported value: \""
              + match
              + "\": supported values: \"Exact\", \"NotOlderThan\"");
    } else if (watch) {
      if (query.containsKey("sendInitialEvents")) {
        if (!match.equals("NotOlderThan")) {
          problems.add(
              "resourceVersionMatch: Forbidden: sendInitialEvents requires setting"
                  + " resourceVersionMatch to NotOlderThan");
        }
        if (!bookmarks) {
          problems.add(
              "allowWatchBookmarks: Forbidden: sendInitialEvents requires setting"
                  + " allowWatchBookmarks to true");
        }
      } else if (!match.isEmpty()) {
        problems.add(
            "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless"
                + " sendInitialEvents is provided");
      }
    } else {
      if (query.containsKey("sendInitialEvents")) {
        problems.add("sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list");
      }
      if (!match.isEmpty() && rv.isEmpty()) {
        problems.add(
            "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless"
                + " resourceVersion is provided");
      }
      if (match.equals("Exact") && rv.equals("0")) {
        problems.add(
            "resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for"
                + " resourceVersion \"0\"");
      }
    }
    String token = query.getOrDefault("continue", "");
    if (!token.isEmpty() && !rv.isEmpty() && !rv.equals("0")) {
      problems.add(
          "resourceVersion: Forbidden: specifying resource version is not allowed when using"
              + " continue");
    }
    if (!problems.isEmpty()) {
      throw new Refused(
          422, "ListOptions.meta.k8s.io \"\" is invalid: " + String.join(", ", problems));
    }
    return new ListOptions(
        watch,
        labels,
        fields,
        rv,
        match,
        number(query, "limit", 0),
        token.isEmpty() ? null : continueToken(token).path("start").asText(),
        token.isEmpty() ? null : continueToken(token).path("rv").asText(),
        number(query, "timeoutSeconds", 0),
        bookmarks,
        initial,
        query.containsKey("sendInitialEvents"));
  }

  private static long number(Map<String, String> query, String name, long otherwise) {
    String value = query.get(name);
    if (value == null || value.isEmpty()) {
      return otherwise;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new Refused(
          400,
          "invalid value for "
              + name
              + ": strconv.ParseInt: parsing \""
              + value
              + "\": invalid syntax");
    }
  }

  boolean matches(JsonNode object) {
    return labels.matches(object) && fields.matches(object);
  }

  /** A continue token this server made: the key a list goes on after, and its version. */
  private static JsonNode continueToken(String token) {
    try {
      JsonNode decoded = ApiDocuments.JSON.readTree(Base64.getUrlDecoder().decode(token));
      if (!"meta.k8s.io/v1".equals(decoded.path("v").asText()) || !decoded.has("start")) {
        throw new IllegalArgumentException("not a continue token");
      }
      return decoded;
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new Refused(400, "continue key is not valid: " + e.getMessage());
    }
  }

  /** The token for the page after the object with this key, at this resourceVersion. */
  static String continueToken(String key, String resourceVersion) {
    ObjectNode token = ApiDocuments.JSON.createObjectNode().put("v", "meta.k8s.io/v1");
    token.put("rv", Long.parseLong(resourceVersion.isEmpty() ? "0" : resourceVersion));
    token.put("start", key + "\u0000");
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(token.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** An object's key in list order: namespace, then name, as etcd keys sort. */
  static String key(JsonNode object) {
    return object.at("/metadata/namespace").asText() + "/" + object.at("/metadata/name").asText();
  }
}
