package io.xenmigration.xen;

import java.util.List;

/**
 * A failed XenAPI call in our terms: the XenAPI error code and parameters (or one of ours for a
 * transport failure), and whether trying the same thing again later can help.
 */
public final class XenApiException extends Exception {

  /** Whether a retry of the same call may succeed. */
  public enum Kind {
    /** Worth retrying after a pause: a busy host, an expired session, a network hiccup. */
    TRANSIENT,
    /** Retrying the same call cannot help: the request itself is refused. */
    TERMINAL
  }

  /** Our code for a connection that could not be made: nothing reached the pool. */
  public static final String CONNECTION_REFUSED = "CONNECTION_REFUSED";

  /** Our code for a connection that broke off: the call may or may not have reached the pool. */
  public static final String CONNECTION_FAILED = "CONNECTION_FAILED";

  /** Our code for a call that got no answer in time. */
  public static final String TIMEOUT = "TIMEOUT";

  /** Our code for a TLS certificate the operator does not trust. */
  public static final String TLS_VERIFICATION_FAILED = "TLS_VERIFICATION_FAILED";

  /** Our code for an answer that is not XenAPI's (HTTP errors, garbage). */
  public static final String BAD_SERVER_RESPONSE = "BAD_SERVER_RESPONSE";

  private final String code;
  private final List<String> params;
  private final Kind kind;
  private final boolean answered;

  /** An error of the operator's own making, not an answer from xapi. */
  public XenApiException(
      String code, List<String> params, Kind kind, String detail, Throwable cause) {
    this(code, params, kind, detail, cause, false);
  }

  /**
   * An error; {@code answered} says xapi itself answered with it (so the call reached the pool and
   * was refused), as opposed to a call that got no answer.
   */
  public XenApiException(
      String code,
      List<String> params,
      Kind kind,
      String detail,
      Throwable cause,
      boolean answered) {
    super(describe(code, params, detail), cause);
    this.code = code;
    this.params = List.copyOf(params);
    this.kind = kind;
    this.answered = answered;
  }

  /** Whether xapi answered with this error, so the call reached the pool and was refused. */
  public boolean answeredByXapi() {
    return answered;
  }

  private static String describe(String code, List<String> params, String detail) {
    StringBuilder text = new StringBuilder(code);
    if (!params.isEmpty()) {
      text.append(' ').append(params);
    }
    if (detail != null && !detail.isBlank()) {
      text.append(": ").append(detail);
    }
    return text.toString();
  }

  /** The XenAPI error code, such as {@code VM_BAD_POWER_STATE}, or one of ours. */
  public String code() {
    return code;
  }

  /** The error's parameters, as XenAPI sent them. */
  public List<String> params() {
    return params;
  }

  public Kind kind() {
    return kind;
  }

  public boolean isTransient() {
    return kind == Kind.TRANSIENT;
  }
}
