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

  /** Secrets are at least this long; shorter strings would redact ordinary words. */
  private static final int MIN_SECRET_LENGTH = 6;

  private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

  private SafeText() {}

  /** Notes a secret to be removed from any text made safe from now on. */
  public static void secret(String value) {
    if (value != null && value.length() >= MIN_SECRET_LENGTH) {
      SECRETS.add(value);
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
