package io.xenmigration.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.xenmigration.sandbox.ApiResources.Resource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A field selector such as {@code metadata.name=m1,involvedObject.uid!=x} in the grammar of
 * Kubernetes' {@code fields.ParseSelector} ({@code =}, {@code ==}, {@code !=}, backslash escapes),
 * limited to the fields each kind's registry supports: {@code metadata.name} and {@code
 * metadata.namespace} everywhere, a few more on some built-in kinds, a CRD's {@code
 * selectableFields} on custom resources. Anything else is refused as a real API server refuses it.
 */
record FieldSelector(List<Term> terms) {

  /** A selector the kind does not support, or that does not parse. */
  static final class Invalid extends IllegalArgumentException {
    Invalid(String message) {
      super(message);
    }
  }

  /** One term: the field's JSON pointer in the object, the value, and whether it must equal. */
  record Term(String pointer, String value, boolean equal) {}

  /** The selectable fields of the built-in kinds beyond name and namespace, with their places. */
  private static final Map<String, Map<String, String>> BUILT_IN =
      Map.of(
          "pods",
          fields(
              "spec.nodeName", "/spec/nodeName",
              "spec.restartPolicy", "/spec/restartPolicy",
              "spec.schedulerName", "/spec/schedulerName",
              "spec.serviceAccountName", "/spec/serviceAccountName",
              "spec.hostNetwork", "/spec/hostNetwork",
              "status.phase", "/status/phase",
              "status.podIP", "/status/podIP",
              "status.nominatedNodeName", "/status/nominatedNodeName"),
          "events",
          fields(
              "involvedObject.kind", "/involvedObject/kind",
              "involvedObject.namespace", "/involvedObject/namespace",
              "involvedObject.name", "/involvedObject/name",
              "involvedObject.uid", "/involvedObject/uid",
              "involvedObject.apiVersion", "/involvedObject/apiVersion",
              "involvedObject.resourceVersion", "/involvedObject/resourceVersion",
              "involvedObject.fieldPath", "/involvedObject/fieldPath",
              "reason", "/reason",
              "reportingComponent", "/reportingComponent",
              "source", "/source/component",
              "type", "/type"),
          "secrets",
          fields("type", "/type"),
          "namespaces",
          fields("status.phase", "/status/phase"),
          "replicasets",
          fields("status.replicas", "/status/replicas"),
          "jobs",
          fields("status.successful", "/status/succeeded"),
          "nodes",
          fields("spec.unschedulable", "/spec/unschedulable"));

  /** What a field reads as when absent: the zero value of its Go type, as the server compares. */
  private static final Map<String, String> ZERO =
      Map.of(
          "/status/succeeded", "0",
          "/status/replicas", "0",
          "/spec/hostNetwork", "false",
          "/spec/unschedulable", "false");

  private static Map<String, String> fields(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map;
  }

  /** The selector for a kind; null or blank selects everything. */
  static FieldSelector parse(String selector, Resource resource) {
    List<Term> terms = new ArrayList<>();
    if (selector == null || selector.isBlank()) {
      return new FieldSelector(terms);
    }
    Map<String, String> supported = supported(resource);
    for (String term : splitUnescaped(selector)) {
      if (term.isBlank()) {
        continue; // the server's parser skips empty terms ("a=b,")
      }
      String[] parts = operator(term);
      String key = parts[0].trim();
      String pointer = supported.get(key);
      if (pointer == null) {
        throw new Invalid("field label not supported: " + key);
      }
      terms.add(new Term(pointer, unescape(parts[2]), !parts[1].equals("!=")));
    }
    return new FieldSelector(List.copyOf(terms));
  }

  /** The field labels a kind can be selected by, and where each is in its objects. */
  static Map<String, String> supported(Resource resource) {
    Map<String, String> supported = new LinkedHashMap<>();
    supported.put("metadata.name", "/metadata/name");
    if (resource.namespaced()) {
      supported.put("metadata.namespace", "/metadata/namespace");
    }
    if (resource.crd() == null) {
      supported.putAll(BUILT_IN.getOrDefault(resource.plural(), Map.of()));
      return supported;
    }
    for (JsonNode version : resource.crd().at("/spec/versions")) {
      if (version.path("name").asText().equals(resource.version())) {
        for (JsonNode field : version.path("selectableFields")) {
          String path = field.path("jsonPath").asText().replaceFirst("^\\.", "");
          supported.put(path, "/" + path.replace('.', '/'));
        }
      }
    }
    return supported;
  }

  boolean matches(JsonNode object) {
    for (Term term : terms) {
      JsonNode node = object.at(term.pointer());
      String actual =
          node.isMissingNode() || node.isNull()
              ? ZERO.getOrDefault(term.pointer(), "")
              : node.asText();
      if (actual.equals(term.value()) != term.equal()) {
        return false;
      }
    }
    return true;
  }

  /** The name a selector pins, if it pins exactly one ({@code metadata.name=x}). */
  String name() {
    return terms.stream()
        .filter(t -> t.equal() && t.pointer().equals("/metadata/name"))
        .map(Term::value)
        .findFirst()
        .orElse(null);
  }

  private static List<String> splitUnescaped(String selector) {
    List<String> terms = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < selector.length(); i++) {
      char c = selector.charAt(i);
      if (c == '\\' && i + 1 < selector.length()) {
        current.append(c).append(selector.charAt(++i));
      } else if (c == ',') {
        terms.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    terms.add(current.toString());
    return terms;
  }

  /** Key, operator and raw value of a term; the first unescaped operator splits it. */
  private static String[] operator(String term) {
    for (int i = 0; i < term.length(); i++) {
      char c = term.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '!' && term.startsWith("!=", i)) {
        return new String[] {term.substring(0, i), "!=", term.substring(i + 2)};
      } else if (c == '=') {
        boolean dbl = term.startsWith("==", i);
        return new String[] {
          term.substring(0, i), dbl ? "==" : "=", term.substring(i + (dbl ? 2 : 1))
        };
      }
    }
    throw new Invalid("invalid selector: '" + term + "'; can't understand '" + term + "'");
  }

  private static String unescape(String value) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        out.append(value.charAt(++i));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
