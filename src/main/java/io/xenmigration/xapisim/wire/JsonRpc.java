package io.xenmigration.xapisim.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON-RPC as xapi speaks it on {@code /jsonrpc} (ocaml-rpc's {@code jsonrpc.ml}): version 1.0 when
 * a request has no {@code jsonrpc} member, 2.0 when it says {@code "2.0"}; the id echoed; results
 * bare (no {@code Status}/{@code Value} struct); a failure as the list {@code [code, params...]} in
 * 1.0 and as {@code {"code":1,"message":code,"data":[params...]}} in 2.0; int64 as JSON numbers,
 * datetimes as xapi's {@code 20260101T00:00:00Z} strings.
 */
public final class JsonRpc {

  /** The protocol versions xapi answers in the version it was asked in. */
  public enum Version {
    V1,
    V2
  }

  /** A request as received: its version, its id (a number or a string) and the call. */
  public record Request(Version version, Object id, RpcCall call) {}

  /** Thrown for a body xapi would not take as a JSON-RPC request; it answers HTTP 500. */
  public static final class MalformedRequestException extends Exception {
    MalformedRequestException(String message) {
      super(message);
    }
  }

  /** xapi's error code for every XenAPI failure in a 2.0 error object. */
  static final int ERROR_CODE = 1;

  /** The same depth bound as XML-RPC's: parsing builds nested values on the stack. */
  private static final JsonFactory PARSERS =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxNestingDepth(XmlRpc.MAX_DEPTH).build())
          .build();

  private JsonRpc() {}

  /** Parses one request, with ocaml-rpc's rules for each member. */
  public static Request parseRequest(byte[] body) throws MalformedRequestException {
    Object document;
    try (JsonParser parser = PARSERS.createParser(body)) {
      if (parser.nextToken() == null) {
        throw new MalformedRequestException("Blank input data");
      }
      document = readValue(parser);
      if (parser.nextToken() != null) {
        throw new MalformedRequestException("Junk after end of JSON value");
      }
    } catch (StreamConstraintsException e) {
      throw new MalformedRequestException(e.getMessage()); // too deep, too long a number, ...
    } catch (IOException | NumberFormatException e) {
      throw new MalformedRequestException(e.getMessage());
    }
    if (!(document instanceof Map<?, ?> request)) {
      throw new MalformedRequestException("Invalid request body");
    }
    if (!(request.get("method") instanceof String method)) {
      throw new MalformedRequestException(
          request.containsKey("method")
              ? "Invalid field 'method' in request body"
              : "Required field method is missing");
    }
    Version version;
    if (!request.containsKey("jsonrpc")) {
      version = Version.V1;
    } else if ("2.0".equals(request.get("jsonrpc"))) {
      version = Version.V2;
    } else {
      throw new MalformedRequestException("Invalid field 'jsonrpc' in request body");
    }
    List<Object> params = params(version, request);
    Object id = request.get("id");
    if (!(id instanceof Long || id instanceof String)) {
      // No id (a notification) is refused too: xapi answers every call.
      throw new MalformedRequestException("Invalid field 'id' in request body");
    }
    return new Request(version, id, new RpcCall(method, params));
  }

  @SuppressWarnings("unchecked")
  private static List<Object> params(Version version, Map<?, ?> request)
      throws MalformedRequestException {
    Object params = request.get("params");
    if (params instanceof List<?> list) {
      return (List<Object>) list;
    }
    if (version == Version.V1) {
      throw new MalformedRequestException(
          request.containsKey("params")
              ? "Invalid field 'params' in request body"
              : "Required field params is missing");
    }
    if (params == null) {
      return List.of();
    }
    if (params instanceof Map<?, ?>) {
      return List.of(params); // a 2.0 object is one parameter
    }
    throw new MalformedRequestException("Invalid field 'params' in request body");
  }

  /** Reads the value at the parser's current token. */
  private static Object readValue(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT:
        {
          Map<String, Object> map = new LinkedHashMap<>();
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            map.put(name, readValue(parser));
          }
          return map;
        }
      case START_ARRAY:
        {
          List<Object> list = new ArrayList<>();
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            list.add(readValue(parser));
          }
          return list;
        }
      case VALUE_STRING:
        return parser.getText();
      case VALUE_NUMBER_INT:
        // int64 in xapi: a number out of its range is no request it could read.
        return Long.parseLong(parser.getText());
      case VALUE_NUMBER_FLOAT:
        return parser.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new IOException("unexpected " + token);
    }
  }

  /** The answer to a call that succeeded. */
  public static String success(Request request, Object value) {
    StringBuilder out = new StringBuilder(256);
    out.append('{');
    if (request.version() == Version.V2) {
      out.append("\"jsonrpc\":\"2.0\",\"result\":");
      writeValue(out, value);
    } else {
      out.append("\"result\":");
      writeValue(out, value);
      out.append(",\"error\":null");
    }
    out.append(",\"id\":");
    writeValue(out, request.id());
    return out.append('}').toString();
  }

  /** The answer to a call that failed with {@code [code, params...]}. */
  public static String failure(Request request, List<String> description) {
    return failure(request.version(), request.id(), description);
  }

  private static String failure(Version version, Object id, List<String> description) {
    StringBuilder out = new StringBuilder(128);
    out.append('{');
    if (version == Version.V2) {
      out.append("\"jsonrpc\":\"2.0\",\"error\":{\"code\":").append(ERROR_CODE);
      out.append(",\"message\":");
      writeValue(out, description.isEmpty() ? "" : description.get(0));
      out.append(",\"data\":");
      writeValue(
          out, description.isEmpty() ? List.of() : description.subList(1, description.size()));
      out.append('}');
    } else {
      out.append("\"result\":null,\"error\":");
      writeValue(out, description);
    }
    out.append(",\"id\":");
    writeValue(out, id);
    return out.append('}').toString();
  }

  private static void writeValue(StringBuilder out, Object value) {
    if (value == null) {
      out.append("\"\""); // xapi has no null: an absent ref or string is the empty string
    } else if (value instanceof String text) {
      string(out, text);
    } else if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof XmlRpc.I4 i4) {
      out.append(i4.value());
    } else if (value instanceof Double || value instanceof Float) {
      out.append(((Number) value).doubleValue());
    } else if (value instanceof Instant instant) {
      string(out, XmlRpc.dateTime(instant));
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(out, String.valueOf(entry.getKey()));
        out.append(':');
        writeValue(out, entry.getValue());
      }
      out.append('}');
    } else if (value instanceof Collection<?> items) {
      out.append('[');
      boolean first = true;
      for (Object item : items) {
        if (!first) {
          out.append(',');
        }
        first = false;
        writeValue(out, item);
      }
      out.append(']');
    } else if (value instanceof Enum<?> constant) {
      string(out, constant.toString());
    } else {
      throw new IllegalArgumentException("no JSON form for " + value.getClass());
    }
  }

  /** A JSON string, escaped as Yojson escapes: quotes, backslashes and control characters. */
  private static void string(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
