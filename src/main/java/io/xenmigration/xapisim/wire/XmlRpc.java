package io.xenmigration.xapisim.wire;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * XML-RPC as xapi speaks it: requests parsed with StAX, responses written with xapi's encodings
 * (int64 as decimal strings, no {@code <nil/>}, no {@code <fault>}).
 *
 * <p>Decoded values are {@link String} (typed or untyped), {@link Boolean}, {@link Integer}, {@link
 * Double}, {@link Instant}, {@code byte[]}, {@code Map<String, Object>} and {@code List<Object>}.
 */
public final class XmlRpc {

  /** xapi's datetime form, always UTC ({@code ocaml/libs/clock/date.ml}). */
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm:ss");

  private static final XMLInputFactory INPUT = newInputFactory();

  private XmlRpc() {}

  /** An XML-RPC {@code <i4>}: xapi uses it only where a field is a plain OCaml int. */
  public record I4(int value) {}

  /** Thrown for a body that is not a well-formed XML-RPC method call. */
  public static class MalformedCallException extends Exception {
    MalformedCallException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Thrown for a call whose values nest deeper than {@link #MAX_DEPTH}: well-formed XML, so it is
   * answered with a XenAPI failure, not an HTTP error.
   */
  public static final class TooDeepException extends MalformedCallException {
    TooDeepException(String message) {
      super(message, null);
    }
  }

  /**
   * How deep the values of a call may nest: XenAPI's deepest argument (a map of maps) is a few
   * levels; parsing is recursive, so an unbounded depth would overflow the stack.
   */
  public static final int MAX_DEPTH = 64;

  /** Unchecked inside the parser, so that it passes the recursion's XMLStreamException clauses. */
  private static final class Depth extends RuntimeException {
    Depth() {
      super(null, null, false, false);
    }
  }

  private static XMLInputFactory newInputFactory() {
    XMLInputFactory factory = XMLInputFactory.newFactory();
    // A request body never needs a DTD or an external entity; refusing them closes XXE.
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_COALESCING, true);
    return factory;
  }

  /** Parses one {@code <methodCall>}. */
  public static RpcCall parseCall(byte[] body) throws MalformedCallException {
    XMLStreamReader reader = null;
    try {
      reader = INPUT.createXMLStreamReader(new ByteArrayInputStream(body));
      nextStart(reader, "methodCall");
      nextStart(reader, "methodName");
      String method = reader.getElementText().trim();
      List<Object> params = new ArrayList<>();
      while (next(reader) == XMLStreamConstants.START_ELEMENT) {
        switch (reader.getLocalName()) {
          case "params" -> {}
          case "param" -> {
            nextStart(reader, "value");
            params.add(readValue(reader, 1));
            expectEnd(reader, "param");
          }
          default -> throw new XMLStreamException("unexpected <" + reader.getLocalName() + ">");
        }
      }
      return new RpcCall(method, params);
    } catch (Depth e) {
      throw new TooDeepException("the call's values nest deeper than " + MAX_DEPTH);
    } catch (XMLStreamException | RuntimeException e) {
      throw new MalformedCallException("malformed XML-RPC request: " + e.getMessage(), e);
    } finally {
      if (reader != null) {
        try {
          reader.close();
        } catch (XMLStreamException ignored) {
          // Nothing is held open for a byte array.
        }
      }
    }
  }

  /** Moves to the next start or end tag, skipping whitespace and comments. */
  private static int next(XMLStreamReader reader) throws XMLStreamException {
    while (reader.hasNext()) {
      int event = reader.next();
      if (event == XMLStreamConstants.START_ELEMENT || event == XMLStreamConstants.END_ELEMENT) {
        return event;
      }
      if (event == XMLStreamConstants.CHARACTERS && !reader.isWhiteSpace()) {
        throw new XMLStreamException("unexpected text '" + reader.getText().trim() + "'");
      }
    }
    return XMLStreamConstants.END_DOCUMENT;
  }

  private static void nextStart(XMLStreamReader reader, String name) throws XMLStreamException {
    if (next(reader) != XMLStreamConstants.START_ELEMENT || !reader.getLocalName().equals(name)) {
      throw new XMLStreamException("expected <" + name + ">");
    }
  }

  private static void expectEnd(XMLStreamReader reader, String name) throws XMLStreamException {
    if (next(reader) != XMLStreamConstants.END_ELEMENT || !reader.getLocalName().equals(name)) {
      throw new XMLStreamException("expected </" + name + ">");
    }
  }

  /** Reads the content of a {@code <value>} whose start tag was just read, and its end tag. */
  private static Object readValue(XMLStreamReader reader, int depth) throws XMLStreamException {
    if (depth > MAX_DEPTH) {
      throw new Depth();
    }
    StringBuilder text = new StringBuilder();
    while (reader.hasNext()) {
      int event = reader.next();
      switch (event) {
        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA ->
            text.append(reader.getText());
        case XMLStreamConstants.END_ELEMENT -> {
          return text.toString(); // an untyped value is a string
        }
        case XMLStreamConstants.START_ELEMENT -> {
          Object value = readTyped(reader, depth);
          expectEnd(reader, "value");
          return value;
        }
        default -> {}
      }
    }
    throw new XMLStreamException("unterminated <value>");
  }

  private static Object readTyped(XMLStreamReader reader, int depth) throws XMLStreamException {
    String type = reader.getLocalName();
    switch (type) {
      case "string":
        return reader.getElementText();
      case "i4", "int":
        return Integer.valueOf(reader.getElementText().trim());
      case "boolean":
        {
          String flag = reader.getElementText().trim();
          if (!flag.equals("0") && !flag.equals("1")) {
            throw new XMLStreamException("boolean must be 0 or 1, not '" + flag + "'");
          }
          return flag.equals("1");
        }
      case "double":
        return Double.valueOf(reader.getElementText().trim());
      case "dateTime.iso8601":
        return parseDateTime(reader.getElementText().trim());
      case "base64":
        return Base64.getMimeDecoder().decode(reader.getElementText().trim());
      case "struct":
        return readStruct(reader, depth);
      case "array":
        return readArray(reader, depth);
      default:
        throw new XMLStreamException("unsupported value type <" + type + ">");
    }
  }

  private static Map<String, Object> readStruct(XMLStreamReader reader, int depth)
      throws XMLStreamException {
    Map<String, Object> struct = new LinkedHashMap<>();
    while (next(reader) == XMLStreamConstants.START_ELEMENT) {
      if (!reader.getLocalName().equals("member")) {
        throw new XMLStreamException("expected <member>");
      }
      nextStart(reader, "name");
      String name = reader.getElementText();
      nextStart(reader, "value");
      struct.put(name, readValue(reader, depth + 1));
      expectEnd(reader, "member");
    }
    return struct;
  }

  private static List<Object> readArray(XMLStreamReader reader, int depth)
      throws XMLStreamException {
    nextStart(reader, "data");
    List<Object> items = new ArrayList<>();
    while (next(reader) == XMLStreamConstants.START_ELEMENT) {
      if (!reader.getLocalName().equals("value")) {
        throw new XMLStreamException("expected <value>");
      }
      items.add(readValue(reader, depth + 1));
    }
    expectEnd(reader, "array");
    return items;
  }

  private static Instant parseDateTime(String text) throws XMLStreamException {
    String bare = text.endsWith("Z") ? text.substring(0, text.length() - 1) : text;
    try {
      return LocalDateTime.parse(bare, DATE_TIME).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new XMLStreamException("bad dateTime.iso8601 '" + text + "'");
    }
  }

  /** A datetime in xapi's form, {@code 20260101T00:00:00Z}. */
  public static String dateTime(Instant instant) {
    return DATE_TIME.format(instant.atOffset(ZoneOffset.UTC)) + "Z";
  }

  /** {@code {Status: Success, Value: value}}. */
  public static String success(Object value) {
    return response("Success", "Value", value);
  }

  /** {@code {Status: Failure, ErrorDescription: [code, params...]}}, every element a string. */
  public static String failure(List<String> errorDescription) {
    return response("Failure", "ErrorDescription", errorDescription);
  }

  /** A value on its own, without the {@code {Status, Value}} struct. */
  public static String bare(Object value) {
    StringBuilder out = new StringBuilder(256);
    out.append("<?xml version=\"1.0\"?><methodResponse><params><param>");
    writeValue(out, value);
    return out.append("</param></params></methodResponse>").toString();
  }

  private static String response(String status, String key, Object value) {
    StringBuilder out = new StringBuilder(256);
    out.append("<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>");
    member(out, "Status", status);
    member(out, key, value);
    out.append("</struct></value></param></params></methodResponse>");
    return out.toString();
  }

  /** One value as the text of a {@code <value>} element, as xapi writes {@code task.result}. */
  public static String valueText(Object value) {
    StringBuilder out = new StringBuilder();
    writeValue(out, value);
    return out.toString();
  }

  private static void member(StringBuilder out, String name, Object value) {
    out.append("<member><name>");
    escape(out, name);
    out.append("</name>");
    writeValue(out, value);
    out.append("</member>");
  }

  private static void writeValue(StringBuilder out, Object value) {
    out.append("<value>");
    if (value == null) {
      // xapi has no null; an absent ref or string travels as the empty string.
    } else if (value instanceof String text) {
      escape(out, text);
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short) {
      out.append(value); // int64 travels as a decimal string, never <i4>
    } else if (value instanceof I4 i4) {
      out.append("<i4>").append(i4.value()).append("</i4>");
    } else if (value instanceof Boolean flag) {
      out.append("<boolean>").append(flag ? '1' : '0').append("</boolean>");
    } else if (value instanceof Double || value instanceof Float) {
      out.append("<double>").append(((Number) value).doubleValue()).append("</double>");
    } else if (value instanceof Instant instant) {
      out.append("<dateTime.iso8601>").append(dateTime(instant)).append("</dateTime.iso8601>");
    } else if (value instanceof Map<?, ?> map) {
      out.append("<struct>");
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        member(out, String.valueOf(entry.getKey()), entry.getValue());
      }
      out.append("</struct>");
    } else if (value instanceof Collection<?> items) {
      out.append("<array><data>");
      for (Object item : items) {
        writeValue(out, item);
      }
      out.append("</data></array>");
    } else if (value instanceof Enum<?> constant) {
      escape(out, constant.toString());
    } else {
      throw new IllegalArgumentException("no XML-RPC form for " + value.getClass());
    }
    out.append("</value>");
  }

  private static void escape(StringBuilder out, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '\r' -> out.append("&#13;");
        default -> out.append(c);
      }
    }
  }
}
