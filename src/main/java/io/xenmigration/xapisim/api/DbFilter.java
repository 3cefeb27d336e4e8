package io.xenmigration.xapisim.api;

import io.xenmigration.xapisim.wire.XmlRpc;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * xapi's database filter language for {@code get_all_records_where} ({@code db_filter_parse.mly}):
 * {@code field "name__label" = "web-01" and not (field "power_state" = "Halted")}; {@code and} and
 * {@code or} bind equally and from the left, {@code not} more loosely (it negates all that
 * follows); {@code true}, {@code false} and parentheses. Values compare as the database stores
 * them: strings as they are, booleans as {@code true}/{@code false}, numbers in decimal, sets and
 * maps in xapi's S-expression form. A field is named by its database column, where {@code __} joins
 * a namespace to a name.
 */
final class DbFilter implements Predicate<Map<String, Object>> {

  private final String text;
  private int at;
  private int depth;
  private final Predicate<Map<String, Object>> expression;

  private DbFilter(String text) {
    this.text = text;
    this.expression = parseAll();
  }

  /** Parses an expression, or fails with INVALID_VALUE as xapi does for a bad one. */
  static DbFilter parse(String text) {
    return new DbFilter(text);
  }

  @Override
  public boolean test(Map<String, Object> record) {
    return expression.test(record);
  }

  private Predicate<Map<String, Object>> parseAll() {
    Predicate<Map<String, Object>> result = expression();
    skipSpace();
    if (at != text.length()) {
      throw invalid();
    }
    return result;
  }

  /**
   * {@code and} and {@code or}, equal and from the left: collected into a list and folded in a
   * loop, so a long chain costs no stack.
   */
  private Predicate<Map<String, Object>> expression() {
    enter();
    List<Predicate<Map<String, Object>>> terms = new ArrayList<>();
    List<Boolean> ands = new ArrayList<>();
    terms.add(term());
    while (true) {
      if (keyword("and")) {
        ands.add(true);
      } else if (keyword("or")) {
        ands.add(false);
      } else {
        break;
      }
      terms.add(term());
    }
    depth--;
    if (terms.size() == 1) {
      return terms.get(0);
    }
    return record -> {
      boolean value = terms.get(0).test(record);
      for (int i = 1; i < terms.size(); i++) {
        value =
            ands.get(i - 1)
                ? value && terms.get(i).test(record)
                : value || terms.get(i).test(record);
      }
      return value;
    };
  }

  /**
   * One operand of {@code and}/{@code or}. {@code not} binds more loosely than both in xapi's
   * grammar ({@code %right LNOT} before {@code %left LAND LOR}): {@code not A and B} is {@code not
   * (A and B)}, so it takes the whole expression that follows.
   */
  private Predicate<Map<String, Object>> term() {
    if (keyword("not")) {
      Predicate<Map<String, Object>> inner = expression();
      return r -> !inner.test(r);
    }
    if (keyword("true")) {
      return r -> true;
    }
    if (keyword("false")) {
      return r -> false;
    }
    skipSpace();
    if (at < text.length() && text.charAt(at) == '(') {
      at++;
      Predicate<Map<String, Object>> inner = expression();
      skipSpace();
      if (at >= text.length() || text.charAt(at) != ')') {
        throw invalid();
      }
      at++;
      return inner;
    }
    Value left = value();
    skipSpace();
    if (at >= text.length() || text.charAt(at) != '=') {
      throw invalid();
    }
    at++;
    Value right = value();
    return r -> left.of(r).equals(right.of(r));
  }

  /** Parentheses and {@code not} nest the parser: bounded as values are on the wire. */
  private void enter() {
    if (++depth > XmlRpc.MAX_DEPTH) {
      throw invalid();
    }
  }

  /** A literal or a field's value in a record. */
  private interface Value {
    String of(Map<String, Object> record);
  }

  private Value value() {
    boolean field = keyword("field");
    String quoted = quoted();
    if (!field) {
      return r -> quoted;
    }
    String name = quoted.replace("__", "_"); // the column's API field name
    return r -> {
      if (!r.containsKey(name)) {
        throw new XapiError("INTERNAL_ERROR", "missing field", quoted, "");
      }
      return stored(r.get(name));
    };
  }

  private String quoted() {
    skipSpace();
    if (at >= text.length() || text.charAt(at) != '"') {
      throw invalid();
    }
    int end = text.indexOf('"', at + 1); // xapi's literals have no escapes
    if (end < 0) {
      throw invalid();
    }
    String literal = text.substring(at + 1, end);
    at = end + 1;
    return literal;
  }

  private boolean keyword(String word) {
    skipSpace();
    int end = at + word.length();
    if (text.startsWith(word, at)
        && (end == text.length() || !Character.isLetterOrDigit(text.charAt(end)))) {
      at = end;
      return true;
    }
    return false;
  }

  private void skipSpace() {
    while (at < text.length() && " \t\n".indexOf(text.charAt(at)) >= 0) {
      at++;
    }
  }

  private XapiError invalid() {
    return new XapiError("INVALID_VALUE", text, "Db_filter.Expression_error");
  }

  /** A value as xapi's database stores it as a string. */
  private static String stored(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof Collection<?> items) {
      StringBuilder out = new StringBuilder("(");
      for (Object item : items) {
        out.append(out.length() > 1 ? " " : "").append('\'').append(stored(item)).append('\'');
      }
      return out.append(')').toString();
    }
    if (value instanceof Map<?, ?> map) {
      StringBuilder out = new StringBuilder("(");
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        out.append(out.length() > 1 ? " " : "")
            .append("('")
            .append(stored(entry.getKey()))
            .append("' '")
            .append(stored(entry.getValue()))
            .append("')");
      }
      return out.append(')').toString();
    }
    if (value instanceof Instant instant) {
      return XmlRpc.dateTime(instant);
    }
    if (value instanceof XmlRpc.I4 i4) {
      return Integer.toString(i4.value());
    }
    return String.valueOf(value);
  }
}
