package io.xenmigration.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xenmigration.sandbox.ApiResources.Resource;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The documents a Kubernetes API server writes itself rather than stores: version, discovery, the
 * OpenAPI index kubectl reads to know the server validates fields, Status errors, and Tables with
 * each kind's printer columns.
 */
final class ApiDocuments {

  static final ObjectMapper JSON = new ObjectMapper();

  private ApiDocuments() {}

  static ObjectNode version() {
    return JSON.createObjectNode()
        .put("major", "1")
        .put("minor", "32")
        .put("gitVersion", "v1.32.0-xen-sandbox")
        .put("platform", "linux/amd64");
  }

  static ObjectNode coreVersions() {
    ObjectNode doc = JSON.createObjectNode().put("kind", "APIVersions");
    doc.putArray("versions").add("v1");
    return doc;
  }

  static ObjectNode groups(List<Resource> resources) {
    Map<String, String> versions = new LinkedHashMap<>();
    resources.stream()
        .filter(r -> !r.group().isEmpty())
        .forEach(r -> versions.putIfAbsent(r.group(), r.version()));
    ObjectNode doc = JSON.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = doc.putArray("groups");
    versions.forEach(
        (group, version) -> {
          ObjectNode g = groups.addObject().put("name", group);
          ObjectNode v =
              JSON.createObjectNode()
                  .put("groupVersion", group + "/" + version)
                  .put("version", version);
          g.putArray("versions").add(v);
          g.set("preferredVersion", v.deepCopy());
        });
    return doc;
  }

  static ObjectNode resourceList(List<Resource> resources, String groupVersion) {
    ObjectNode doc =
        JSON.createObjectNode()
            .put("kind", "APIResourceList")
            .put("apiVersion", "v1")
            .put("groupVersion", groupVersion);
    ArrayNode list = doc.putArray("resources");
    for (Resource r : resources) {
      if (!r.groupVersion().equals(groupVersion)) {
        continue;
      }
      ObjectNode entry =
          list.addObject()
              .put("name", r.plural())
              .put("singularName", r.singular())
              .put("namespaced", r.namespaced())
              .put("kind", r.kind());
      ArrayNode verbs = entry.putArray("verbs");
      ApiResources.VERBS.forEach(verbs::add);
      ArrayNode shortNames = entry.putArray("shortNames");
      r.shortNames().forEach(shortNames::add);
      ArrayNode categories = entry.putArray("categories");
      r.categories().forEach(categories::add);
      if (r.hasStatus()) {
        list.addObject()
            .put("name", r.plural() + "/status")
            .put("singularName", "")
            .put("namespaced", r.namespaced())
            .put("kind", r.kind())
            .putArray("verbs")
            .add("get")
            .add("patch")
            .add("update");
      }
    }
    return doc;
  }

  /** The OpenAPI v3 index: one document per group version. */
  static ObjectNode openApiIndex(List<Resource> resources) {
    ObjectNode doc = JSON.createObjectNode();
    ObjectNode paths = doc.putObject("paths");
    for (Resource r : resources) {
      String key = (r.group().isEmpty() ? "api/" : "apis/") + r.groupVersion();
      paths.putObject(key).put("serverRelativeURL", "/openapi/v3/" + key);
    }
    return doc;
  }

  /**
   * A group version's OpenAPI document: each kind's schema in {@code components.schemas} (what
   * {@code kubectl explain} reads), and the PATCH operations that take {@code fieldValidation}, so
   * that kubectl leaves validation to this server, as a real one does.
   */
  static ObjectNode openApi(List<Resource> resources, String groupVersion) {
    ObjectNode doc = JSON.createObjectNode().put("openapi", "3.0.0");
    doc.putObject("info").put("title", "Kubernetes").put("version", "v1.32.0");
    ObjectNode paths = doc.putObject("paths");
    ObjectNode schemas = doc.putObject("components").putObject("schemas");
    for (Resource r : resources) {
      if (!r.groupVersion().equals(groupVersion)) {
        continue;
      }
      ApiSchemas.Schema schema = ApiSchemas.of(r);
      if (schema != null) {
        schema.components().fields().forEachRemaining(e -> schemas.set(e.getKey(), e.getValue()));
      }
      String path =
          (r.group().isEmpty() ? "/api/" : "/apis/")
              + groupVersion
              + (r.namespaced() ? "/namespaces/{namespace}/" : "/")
              + r.plural()
              + "/{name}";
      ObjectNode patch = paths.putObject(path).putObject("patch");
      patch
          .putObject("x-kubernetes-group-version-kind")
          .put("group", r.group())
          .put("version", r.version())
          .put("kind", r.kind());
      patch
          .putArray("parameters")
          .addObject()
          .put("name", "fieldValidation")
          .put("in", "query")
          .putObject("schema")
          .put("type", "string");
      patch.putObject("responses");
    }
    return doc;
  }

  /** A Status error as the API server writes it. */
  static ObjectNode status(int code, String reason, String message, ObjectNode details) {
    ObjectNode status = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
    if (details != null) {
      status.set("details", details);
    }
    return status;
  }

  static ObjectNode notFound(Resource r, String name) {
    return status(
        404,
        "NotFound",
        r.qualifiedName() + " \"" + name + "\" not found",
        details(r.group(), r.plural(), name));
  }

  /** 409: the object changed since the version the client named. */
  static ObjectNode modified(Resource r, String name) {
    return status(
        409,
        "Conflict",
        "Operation cannot be fulfilled on "
            + r.qualifiedName()
            + " \""
            + name
            + "\": the object has been modified; please apply your changes to the latest version"
            + " and try again",
        details(r.group(), r.plural(), name));
  }

  static ObjectNode alreadyExists(Resource r, String name) {
    return status(
        409,
        "AlreadyExists",
        r.qualifiedName() + " \"" + name + "\" already exists",
        details(r.group(), r.plural(), name));
  }

  /** 422 with one cause per problem: kubectl prints {@code The Kind "name" is invalid: ...}. */
  static ObjectNode invalid(
      Resource r, String name, List<CustomResourceValidator.Problem> problems) {
    ObjectNode details = details(r.group(), r.kind(), name);
    ArrayNode causes = details.putArray("causes");
    StringBuilder message =
        new StringBuilder(r.kind() + "." + r.group() + " \"" + name + "\" is invalid: ");
    for (int i = 0; i < problems.size(); i++) {
      CustomResourceValidator.Problem p = problems.get(i);
      causes
          .addObject()
          .put("reason", "FieldValueInvalid")
          .put("message", p.message())
          .put("field", p.field());
      message.append(i == 0 ? "" : ", ").append(p.field()).append(": ").append(p.message());
    }
    return status(422, "Invalid", message.toString(), details);
  }

  private static ObjectNode details(String group, String kind, String name) {
    return JSON.createObjectNode().put("name", name).put("group", group).put("kind", kind);
  }

  /**
   * A Table of objects with the kind's printer columns; a CRD's {@code date} columns are written as
   * ages, because kubectl prints cells as given.
   */
  static ObjectNode table(
      Resource r,
      List<JsonNode> objects,
      String resourceVersion,
      boolean columns,
      boolean fullObjects,
      Instant now) {
    ObjectNode table =
        JSON.createObjectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    table.putObject("metadata").put("resourceVersion", resourceVersion);
    List<Column> cols = columns(r);
    ArrayNode definitions = table.putArray("columnDefinitions");
    if (columns) {
      for (Column c : cols) {
        definitions
            .addObject()
            .put("name", c.name())
            .put("type", c.type())
            .put("format", c.name().equals("Name") ? "name" : "")
            .put("description", c.description())
            .put("priority", c.priority());
      }
    }
    ArrayNode rows = table.putArray("rows");
    for (JsonNode object : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Column c : cols) {
        JsonNode value = c.cell().apply(object, now);
        if (value == null || value.isMissingNode() || value.isNull()) {
          cells.add("");
        } else if (value.isValueNode()) {
          cells.add(value);
        } else {
          cells.add(value.toString());
        }
      }
      if (fullObjects) {
        row.set("object", object);
      } else {
        ObjectNode partial =
            row.putObject("object")
                .put("kind", "PartialObjectMetadata")
                .put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", object.path("metadata").deepCopy());
      }
    }
    return table;
  }

  /** A column of a Table: its definition and how a row's cell is made from the object. */
  record Column(
      String name,
      String type,
      String description,
      int priority,
      java.util.function.BiFunction<JsonNode, Instant, JsonNode> cell) {}

  /** The columns of a CRD's printer columns, or a built-in kind's as the API server prints it. */
  private static List<Column> columns(Resource r) {
    if (r.crd() == null) {
      return BuiltInTables.columns(r.plural());
    }
    List<Column> cols = new java.util.ArrayList<>();
    cols.add(BuiltInTables.name());
    JsonNode printer = null;
    for (JsonNode v : r.crd().at("/spec/versions")) {
      if (v.path("name").asText().equals(r.version())) {
        printer = v.path("additionalPrinterColumns");
      }
    }
    boolean age = false;
    for (JsonNode c : printer == null ? JSON.createArrayNode() : printer) {
      String path = c.path("jsonPath").asText();
      String type = c.path("type").asText("string");
      age |= path.equals(".metadata.creationTimestamp");
      cols.add(
          new Column(
              c.path("name").asText(),
              type,
              c.path("description").asText(""),
              c.path("priority").asInt(0),
              (object, now) -> {
                JsonNode value = at(object, path);
                // kubectl prints cells as given: the server writes date columns as ages.
                return type.equals("date") && value != null && value.isTextual()
                    ? JSON.getNodeFactory().textNode(age(value.asText(), now))
                    : value;
              }));
    }
    if (!age) {
      cols.add(BuiltInTables.age());
    }
    return cols;
  }

  private static final java.util.regex.Pattern STEP =
      java.util.regex.Pattern.compile(
          "\\.([A-Za-z0-9_-]+)(?:\\[\\?\\(@\\.([A-Za-z0-9_-]+)==[\"']([^\"']*)[\"']\\)\\]|\\[(\\d+)\\])?");

  /**
   * The JSONPath of a printer column: fields ({@code .status.phase}), indexes ({@code [0]}) and
   * filters on a list ({@code .status.conditions[?(@.type=="Ready")].status}).
   */
  static JsonNode at(JsonNode object, String jsonPath) {
    if (jsonPath.isEmpty()) {
      return null;
    }
    JsonNode node = object;
    java.util.regex.Matcher step = STEP.matcher(jsonPath);
    int end = 0;
    while (step.find() && step.start() == end) {
      end = step.end();
      node = node.path(step.group(1));
      if (step.group(2) != null) {
        JsonNode match = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        for (JsonNode item : node) {
          if (item.path(step.group(2)).asText().equals(step.group(3))) {
            match = item;
            break;
          }
        }
        node = match;
      } else if (step.group(4) != null) {
        node = node.path(Integer.parseInt(step.group(4)));
      }
    }
    return end == jsonPath.length() ? node : null;
  }

  /** Kubernetes' human durations: 45s, 5m30s, 61m, 3h5m, 20h, 2d3h, 692d. */
  static String age(String timestamp, Instant now) {
    Duration d;
    try {
      d = Duration.between(Instant.parse(timestamp), now);
    } catch (RuntimeException e) {
      return "<unknown>";
    }
    long seconds = d.toSeconds();
    if (seconds < 0) {
      return "0s";
    }
    if (seconds < 120) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      return seconds % 60 == 0 ? minutes + "m" : minutes + "m" + seconds % 60 + "s";
    }
    if (minutes < 180) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 8) {
      return minutes % 60 == 0 ? hours + "h" : hours + "h" + minutes % 60 + "m";
    }
    if (hours < 48) {
      return hours + "h";
    }
    if (hours < 24 * 8) {
      return hours % 24 == 0 ? hours / 24 + "d" : hours / 24 + "d" + hours % 24 + "h";
    }
    return hours / 24 + "d";
  }
}
