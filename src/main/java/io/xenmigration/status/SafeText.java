package io.xenmigration.status;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Text from outside (a pool's error, an object's name) made fit for a log line, a status or an
 * Event: control characters escaped, so one value is one line and cannot forge another; length
 * bounded; and every secret the process holds (session references, passwords) replaced, since a
 * pool may echo them in an error.
 */
public final class SafeText {

  /** The longest value kept whole; XenAPI's own messages are far shorter. */
  static final int MAX_LENGTH = 2048;

  /** What a secret reads as once removed. */
  public static final String REDACTED = "<redacted>";

  private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

  private SafeText() {}

  /** What a session reference looks like; a pool's answer of another shape is not noted. */
  private static final java.util.regex.Pattern SESSION =
      java.util.regex.Pattern.compile("OpaqueRef:[0-9a-fA-F-]{36}");

  /**
   * Notes a session reference, to be removed from any text made safe from now on. Only the shape
   * xapi gives one is noted: a pool choosing its own "session" could otherwise blank other text.
   */
  public static void session(String ref) {
    if (ref != null && SESSION.matcher(ref).matches()) {
      SECRETS.add(ref);
    }
  }

  /** Forgets a secret that no longer exists (a session logged out). */
  public static void forget(String value) {
    if (value != null) {
      SECRETS.remove(value);
    }
  }

  /** The text with secrets removed, control characters escaped and its length bounded. */
  public static String safe(String text) {
    if (text == null) {
      return null;
    }
    String redacted = redact(text);
    StringBuilder out = new StringBuilder(Math.min(redacted.length(), MAX_LENGTH) + 16);
    for (int i = 0; i < redacted.length(); i++) {
      if (out.length() >= MAX_LENGTH) {
        out.append("…");
        break;
      }
      char c = redacted.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** What a reason reads as when the pool's code is not one a reason may be. */
  public static final String UNREADABLE_REASON = "XenAPIError";

  /** A reason as Kubernetes accepts it in a condition: a letter, then letters, digits, '_'. */
  private static final java.util.regex.Pattern REASON =
      java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

  /**
   * A reason fit for a status and a condition. A reason is often the pool's error code; one that
   * Kubernetes would refuse in a condition would make every status write of the migration fail.
   */
  public static String reason(String reason) {
    return reason == null || REASON.matcher(reason).matches() ? reason : UNREADABLE_REASON;
  }

  /** The text with every known secret replaced. */
  public static String redact(String text) {
    if (text == null || SECRETS.isEmpty()) {
      return text;
    }
    String result = text;
    for (String secret : SECRETS) {
      if (result.contains(secret)) {
        result = result.replace(secret, REDACTED);
      }
    }
    return result;
  }
}
