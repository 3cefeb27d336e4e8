package io.xenmigration.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A field selector such as {@code metadata.name=m1,involvedObject.uid!=x}: equality terms on dotted
 * paths, which kubectl wait and describe rely on and the store does not filter by.
 */
record FieldSelector(List<Term> terms) {

  record Term(String path, String value, boolean equal) {}

  static FieldSelector parse(String selector) {
    List<Term> terms = new ArrayList<>();
    if (selector != null && !selector.isBlank()) {
      for (String term : selector.split(",")) {
        boolean equal = !term.contains("!=");
        String[] parts = term.split(equal ? "==?" : "!=", 2);
        if (parts.length == 2) {
          terms.add(new Term(parts[0].trim(), parts[1].trim(), equal));
        }
      }
    }
    return new FieldSelector(terms);
  }

  boolean matches(JsonNode object) {
    for (Term term : terms) {
      JsonNode node = object;
      for (String part : term.path().split("\\.")) {
        node = node.path(part);
      }
      String actual = node.isMissingNode() || node.isNull() ? "" : node.asText();
      if (actual.equals(term.value()) != term.equal()) {
        return false;
      }
    }
    return true;
  }
}
