package io.xenmigration.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.OpenApi30;
import com.networknt.schema.keyword.NonValidationKeyword;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks a custom resource against its CRD the way a Kubernetes API server does on create and
 * update: schema defaults first, then the {@code openAPIV3Schema}, then the CEL rules in {@code
 * x-kubernetes-validations}, transition rules only on update.
 */
public final class CustomResourceValidator {

  private static final ObjectMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern USES_OLD_SELF = Pattern.compile("\\boldSelf\\b");

  /** Keywords Kubernetes adds to OpenAPI 3.0; their meaning is checked elsewhere or not at all. */
  private static final List<String> KUBERNETES_KEYWORDS =
      List.of(
          "x-kubernetes-validations",
          "x-kubernetes-preserve-unknown-fields",
          "x-kubernetes-int-or-string",
          "x-kubernetes-embedded-resource",
          "x-kubernetes-list-type",
          "x-kubernetes-list-map-keys",
          "x-kubernetes-map-type");

  private static final CelCompiler CEL_COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .addVar("self", SimpleType.DYN)
          .addVar("oldSelf", SimpleType.DYN)
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .build();
  private static final CelRuntime CEL_RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private final JsonNode openApiSchema;
  private final Schema jsonSchema;
  private final Map<String, CelRuntime.Program> programs = new ConcurrentHashMap<>();

  /** One thing wrong with a manifest: the field, as Kubernetes names it, and what is wrong. */
  public record Problem(String field, String message) {
    @Override
    public String toString() {
      return field + ": " + message;
    }
  }

  private CustomResourceValidator(JsonNode openApiSchema) {
    this.openApiSchema = openApiSchema;
    Dialect.Builder dialect = Dialect.builder(OpenApi30.getInstance());
    KUBERNETES_KEYWORDS.forEach(keyword -> dialect.keyword(new NonValidationKeyword(keyword)));
    this.jsonSchema =
        SchemaRegistry.withDefaultDialect(dialect.build())
            .getSchema(openApiSchema.toString(), InputFormat.JSON);
  }

  /** A validator for the single served version of the CRD in the given YAML file. */
  public static CustomResourceValidator forCrd(Path crdFile) {
    try {
      return forCrd(YAML.readTree(crdFile.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A validator for the first version of a CRD. */
  public static CustomResourceValidator forCrd(JsonNode crd) {
    JsonNode schema = crd.at("/spec/versions/0/schema/openAPIV3Schema");
    if (schema.isMissingNode()) {
      throw new IllegalArgumentException(
          crd.at("/metadata/name").asText() + " has no openAPIV3Schema");
    }
    return new CustomResourceValidator(schema);
  }

  /** The problems the API server would report when the manifest is created; empty if none. */
  public List<String> validateCreate(String manifestYaml) {
    return strings(validate(null, withDefaults(manifestYaml)));
  }

  /**
   * The problems the API server would report when {@code oldYaml} is replaced by {@code newYaml}.
   */
  public List<String> validateUpdate(String oldYaml, String newYaml) {
    return strings(validate(withDefaults(oldYaml), withDefaults(newYaml)));
  }

  /**
   * Applies the schema's defaults to a manifest in place and returns what is wrong with it; {@code
   * old} is the stored object on update (defaults applied), null on create.
   */
  public List<Problem> admit(ObjectNode manifest, JsonNode old) {
    applyDefaults(openApiSchema, manifest);
    return validate(old, manifest);
  }

  private static List<String> strings(List<Problem> problems) {
    return problems.stream().map(Problem::toString).toList();
  }

  /** The manifest as stored after the schema's defaults are applied. */
  public JsonNode withDefaults(String manifestYaml) {
    try {
      JsonNode manifest = YAML.readTree(manifestYaml);
      applyDefaults(openApiSchema, manifest);
      return manifest;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<Problem> validate(JsonNode oldManifest, JsonNode manifest) {
    List<Problem> problems = new ArrayList<>();
    for (Error error : jsonSchema.validate(manifest.toString(), InputFormat.JSON)) {
      problems.add(new Problem(fieldOf(error), kubernetesMessage(error)));
    }
    if (problems.isEmpty()) {
      checkRules(openApiSchema, manifest, oldManifest, "", problems);
    }
    return problems;
  }

  /**
   * The message a Kubernetes API server gives for the same mistake, in kube-openapi's words ({@code
   * <field> in body should be ...}, numbers as Go's {@code %v} prints them).
   */
  private static String kubernetesMessage(Error error) {
    JsonNode instance = jackson2(error.getInstanceNode());
    String value = instance == null ? "null" : instance.toString();
    String limit = error.getSchemaNode() == null ? "" : number(jackson2(error.getSchemaNode()));
    String field = fieldOf(error);
    return switch (String.valueOf(error.getKeyword())) {
      case "required" -> "Required value";
      case "minimum" ->
          "Invalid value: "
              + value
              + ": "
              + field
              + " in body should be greater than or equal to "
              + limit;
      case "maximum" ->
          "Invalid value: "
              + value
              + ": "
              + field
              + " in body should be less than or equal to "
              + limit;
      case "enum" ->
          "Unsupported value: "
              + value
              + ": supported values: "
              + limit.replaceAll("^\\[|\\]$", "").replace(",", ", ");
      case "pattern" ->
          "Invalid value: "
              + value
              + ": "
              + field
              + " in body should match '"
              + limit.replace("\"", "")
              + "'";
      case "type" -> {
        String actual = typeName(instance);
        yield "Invalid value: \""
            + actual
            + "\": "
            + field
            + " in body must be of type "
            + limit.replace("\"", "")
            + ": \""
            + actual
            + "\"";
      }
      default -> error.getMessage().replaceFirst("^\\$[^:]*: ", "");
    };
  }

  /** The validator's node (its own Jackson) as this class's. */
  private static JsonNode jackson2(Object node) {
    if (node == null) {
      return null;
    }
    try {
      return ApiDocuments.JSON.readTree(node.toString());
    } catch (IOException e) {
      return ApiDocuments.JSON.getNodeFactory().textNode(node.toString());
    }
  }

  /** A schema number as Go prints a float64 with {@code %v}: {@code 1}, not {@code 1.0}. */
  private static String number(JsonNode node) {
    if (node.isNumber() && node.asDouble() == Math.rint(node.asDouble())) {
      return Long.toString(node.asLong());
    }
    return node.toString();
  }

  /** The OpenAPI type of a value, as the server names what it was given. */
  private static String typeName(JsonNode value) {
    if (value == null || value.isNull()) {
      return "null";
    }
    if (value.isTextual()) {
      return "string";
    }
    if (value.isIntegralNumber()) {
      return "integer";
    }
    if (value.isNumber()) {
      return "number";
    }
    if (value.isBoolean()) {
      return "boolean";
    }
    return value.isArray() ? "array" : "object";
  }

  /** Kubernetes names fields as {@code spec.attempts[0].host}; the validator uses JSON pointers. */
  private static String fieldOf(Error error) {
    StringBuilder field = new StringBuilder();
    for (String segment : error.getInstanceLocation().toString().split("/")) {
      if (segment.isEmpty() || segment.equals("$")) {
        continue;
      }
      if (segment.chars().allMatch(Character::isDigit)) {
        field.append('[').append(segment).append(']');
      } else {
        field.append(field.isEmpty() ? "" : ".").append(segment);
      }
    }
    if ("required".equals(error.getKeyword()) && error.getProperty() != null) {
      field.append(field.isEmpty() ? "" : ".").append(error.getProperty());
    }
    return field.toString();
  }

  private static void applyDefaults(JsonNode schema, JsonNode value) {
    if (value instanceof ObjectNode object) {
      JsonNode properties = schema.path("properties");
      for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> property = it.next();
        JsonNode propertySchema = property.getValue();
        if (!object.has(property.getKey()) && propertySchema.has("default")) {
          object.set(property.getKey(), propertySchema.get("default").deepCopy());
        }
        if (object.has(property.getKey())) {
          applyDefaults(propertySchema, object.get(property.getKey()));
        }
      }
      JsonNode additional = schema.path("additionalProperties");
      if (additional.isObject()) {
        object.forEach(entry -> applyDefaults(additional, entry));
      }
    } else if (value instanceof ArrayNode array && schema.has("items")) {
      array.forEach(item -> applyDefaults(schema.get("items"), item));
    }
  }

  private void checkRules(
      JsonNode schema, JsonNode value, JsonNode oldValue, String path, List<Problem> problems) {
    if (value == null || value.isNull()) {
      return;
    }
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      String expression = rule.path("rule").asText();
      boolean transition = USES_OLD_SELF.matcher(expression).find();
      if (transition && (oldValue == null || oldValue.isNull())) {
        continue;
      }
      Map<String, Object> variables = new LinkedHashMap<>();
      variables.put("self", toCel(value));
      if (transition) {
        variables.put("oldSelf", toCel(oldValue));
      }
      String field = path + rule.path("fieldPath").asText("");
      field = field.startsWith(".") ? field.substring(1) : field;
      try {
        if (!Boolean.TRUE.equals(program(expression).eval(variables))) {
          problems.add(
              new Problem(field, rule.path("message").asText("failed rule: " + expression)));
        }
      } catch (CelEvaluationException e) {
        problems.add(new Problem(field, "rule '" + expression + "' could not be evaluated: " + e));
      }
    }
    JsonNode properties = schema.path("properties");
    for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> property = it.next();
      String name = property.getKey();
      checkRules(
          property.getValue(),
          value.get(name),
          oldValue == null ? null : oldValue.get(name),
          path + "." + name,
          problems);
    }
    if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        // Kubernetes correlates old list items only for map-type lists, which we do not use.
        checkRules(schema.get("items"), value.get(i), null, path + "[" + i + "]", problems);
      }
    }
    JsonNode additional = schema.path("additionalProperties");
    if (value.isObject() && additional.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        JsonNode old = oldValue == null ? null : oldValue.get(entry.getKey());
        checkRules(additional, entry.getValue(), old, path + "." + entry.getKey(), problems);
      }
    }
  }

  private CelRuntime.Program program(String expression) throws CelEvaluationException {
    CelRuntime.Program program = programs.get(expression);
    if (program == null) {
      try {
        program = CEL_RUNTIME.createProgram(CEL_COMPILER.compile(expression).getAst());
      } catch (CelValidationException e) {
        throw new IllegalStateException("CRD rule does not compile: " + expression, e);
      }
      programs.put(expression, program);
    }
    return program;
  }

  /** CEL sees JSON as maps, lists, int64, double, string and bool, as Kubernetes gives it. */
  private static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(e -> map.put(e.getKey(), toCel(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(toCel(item)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return JSON.convertValue(node, String.class);
  }
}
