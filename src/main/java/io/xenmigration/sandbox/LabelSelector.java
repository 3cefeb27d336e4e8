package io.xenmigration.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A label selector in the grammar of Kubernetes' {@code labels.Parse}: {@code key}, {@code !key},
 * {@code key=v}, {@code key==v}, {@code key!=v}, {@code key in (a,b)}, {@code key notin (a,b)},
 * {@code key>n}, {@code key<n}, joined by commas. A selector the server cannot parse is refused,
 * never taken as "everything" (a delete by a misread selector would delete every object).
 */
record LabelSelector(List<Requirement> requirements) {

  /** A selector that does not parse; its message is the one a real API server gives. */
  static final class Invalid extends IllegalArgumentException {
    Invalid(String message) {
      super(message);
    }
  }

  enum Operator {
    EXISTS,
    NOT_EXISTS,
    EQUALS,
    NOT_EQUALS,
    IN,
    NOT_IN,
    GREATER,
    LESS
  }

  record Requirement(String key, Operator operator, Set<String> values) {

    boolean matches(JsonNode labels) {
      JsonNode value = labels.get(key);
      boolean has = value != null && !value.isNull();
      String actual = has ? value.asText() : null;
      return switch (operator) {
        case EXISTS -> has;
        case NOT_EXISTS -> !has;
        case EQUALS, IN -> has && values.contains(actual);
        case NOT_EQUALS, NOT_IN -> !has || !values.contains(actual);
        case GREATER, LESS -> has && compares(actual);
      };
    }

    private boolean compares(String actual) {
      try {
        long have = Long.parseLong(actual);
        long bound = Long.parseLong(values.iterator().next());
        return operator == Operator.GREATER ? have > bound : have < bound;
      } catch (NumberFormatException e) {
        return false;
      }
    }
  }

  /** Label keys: an optional DNS subdomain prefix and a name of at most 63 characters. */
  private static final Pattern KEY =
      Pattern.compile(
          "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
              + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

  private static final Pattern VALUE =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

  /** Everything: the empty selector. */
  static LabelSelector everything() {
    return new LabelSelector(List.of());
  }

  static LabelSelector parse(String selector) {
    if (selector == null || selector.isBlank()) {
      return everything();
    }
    List<Requirement> requirements = new ArrayList<>();
    for (String term : split(selector)) {
      requirements.add(requirement(term.trim(), selector));
    }
    return new LabelSelector(List.copyOf(requirements));
  }

  boolean matches(JsonNode object) {
    JsonNode labels = object.at("/metadata/labels");
    for (Requirement requirement : requirements) {
      if (!requirement.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /** The terms, split at the commas outside parentheses. */
  private static List<String> split(String selector) {
    List<String> terms = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < selector.length(); i++) {
      char c = selector.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        terms.add(selector.substring(start, i));
        start = i + 1;
      }
    }
    terms.add(selector.substring(start));
    return terms;
  }

  private static Requirement requirement(String term, String selector) {
    if (term.isEmpty()) {
      throw new Invalid("found '', expected: !, identifier, or 'end of string'");
    }
    if (term.startsWith("!")) {
      return new Requirement(key(term.substring(1).trim()), Operator.NOT_EXISTS, Set.of());
    }
    java.util.regex.Matcher set =
        Pattern.compile("^(\\S+)\\s+(in|notin)\\s*\\((.*)\\)$").matcher(term);
    if (set.matches()) {
      Set<String> values = new LinkedHashSet<>();
      for (String v : set.group(3).split(",", -1)) {
        values.add(value(v.trim()));
      }
      return new Requirement(
          key(set.group(1)), set.group(2).equals("in") ? Operator.IN : Operator.NOT_IN, values);
    }
    if (term.matches("^\\S+\\s+(in|notin)\\b.*")) {
      throw new Invalid("unable to parse requirement: found '" + term + "', expected: '('");
    }
    for (String op : List.of("!=", "==", "=", ">", "<")) {
      int at = term.indexOf(op);
      if (at > 0) {
        String key = key(term.substring(0, at).trim());
        String value = value(term.substring(at + op.length()).trim());
        Operator operator =
            switch (op) {
              case "!=" -> Operator.NOT_EQUALS;
              case ">" -> Operator.GREATER;
              case "<" -> Operator.LESS;
              default -> Operator.EQUALS;
            };
        if ((operator == Operator.GREATER || operator == Operator.LESS)
            && !value.matches("-?\\d+")) {
          throw new Invalid(
              "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an"
                  + " integer");
        }
        return new Requirement(key, operator, Set.of(value));
      }
    }
    if (term.contains(" ")) {
      throw new Invalid("unable to parse requirement: found '" + term + "' in " + selector);
    }
    return new Requirement(key(term), Operator.EXISTS, Set.of());
  }

  private static String key(String key) {
    if (!KEY.matcher(key).matches() || key.length() > 317) {
      throw new Invalid(
          "unable to parse requirement: values[0][key]: Invalid value: \""
              + key
              + "\": name part must consist of alphanumeric characters, '-', '_' or '.', and must"
              + " start and end with an alphanumeric character");
    }
    return key;
  }

  private static String value(String value) {
    if (!VALUE.matcher(value).matches() || value.length() > 63) {
      throw new Invalid(
          "unable to parse requirement: values[0][value]: Invalid value: \""
              + value
              + "\": a valid label must be an empty string or consist of alphanumeric characters,"
              + " '-', '_' or '.', and must start and end with an alphanumeric character");
    }
    return value;
  }
}
