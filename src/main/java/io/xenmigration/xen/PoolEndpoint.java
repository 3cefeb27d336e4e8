package io.xenmigration.xen;

import java.net.URL;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How to reach and log in to one pool, as a XenPool and its Secrets describe it.
 *
 * @param url the pool master's XenAPI endpoint (a member's address is followed to the master)
 * @param username a pool administrator
 * @param password the administrator's password; never logged or shown
 * @param caCertificatePem the PEM certificate authority that signed the pool's certificate, or null
 *     to use the JVM's trusted authorities
 * @param insecureSkipTlsVerify accept any certificate and host name (test pools only)
 * @param connectTimeout how long to wait for a TCP connection
 * @param replyTimeout how long to wait for the next bytes of an answer
 * @param callDeadline how long one call may take in all, however the answer trickles in
 * @param maxAnswerBytes the largest answer read; a larger one fails the call
 * @param boundUrls the URLs (in {@link UrlSpelling}) the credentials may be sent to besides {@code
 *     url}: where a HOST_IS_SLAVE may lead before the pool's hosts are known
 */
public record PoolEndpoint(
    URL url,
    String username,
    String password,
    String caCertificatePem,
    boolean insecureSkipTlsVerify,
    Duration connectTimeout,
    Duration replyTimeout,
    Duration callDeadline,
    long maxAnswerBytes,
    Set<String> boundUrls) {

  /** Default connect timeout: a reachable master answers a TCP handshake at once. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Default reply timeout. Long calls (migrations) run as tasks, so every call the driver makes
   * answers quickly; 30 s covers a loaded master without blocking a reconcile thread for long.
   */
  public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(30);

  /** Default call deadline: a few reply timeouts; no XenAPI call the driver makes takes longer. */
  public static final Duration DEFAULT_CALL_DEADLINE = Duration.ofMinutes(2);

  /** The largest answer read by default: a pool's full inventory is a few MiB. */
  public static final long DEFAULT_MAX_ANSWER_BYTES = 64L << 20;

  /** An endpoint with the default call deadline and answer limit. */
  public PoolEndpoint(
      URL url,
      String username,
      String password,
      String caCertificatePem,
      boolean insecureSkipTlsVerify,
      Duration connectTimeout,
      Duration replyTimeout) {
    this(
        url,
        username,
        password,
        caCertificatePem,
        insecureSkipTlsVerify,
        connectTimeout,
        replyTimeout,
        DEFAULT_CALL_DEADLINE,
        DEFAULT_MAX_ANSWER_BYTES,
        Set.of());
  }

  public PoolEndpoint {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(replyTimeout, "replyTimeout");
    Objects.requireNonNull(callDeadline, "callDeadline");
    if (maxAnswerBytes <= 0) {
      throw new IllegalArgumentException("maxAnswerBytes must be positive");
    }
    boundUrls = Set.copyOf(boundUrls);
  }

  /** An endpoint with the default timeouts. */
  public static PoolEndpoint of(
      URL url, String username, String password, String caCertificatePem, boolean insecure) {
    return new PoolEndpoint(
        url,
        username,
        password,
        caCertificatePem,
        insecure,
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_REPLY_TIMEOUT);
  }

  /** The same endpoint at another URL, such as the master's after HOST_IS_SLAVE. */
  public PoolEndpoint at(URL other) {
    return copy(other, callDeadline, maxAnswerBytes, boundUrls);
  }

  /** The same endpoint with another call deadline and answer limit. */
  public PoolEndpoint withLimits(Duration deadline, long maxAnswer) {
    return copy(url, deadline, maxAnswer, boundUrls);
  }

  /** The same endpoint, its credentials also bound to these URLs (in {@link UrlSpelling}). */
  public PoolEndpoint withBoundUrls(Set<String> urls) {
    return copy(url, callDeadline, maxAnswerBytes, urls);
  }

  private PoolEndpoint copy(URL to, Duration deadline, long maxAnswer, Set<String> urls) {
    return new PoolEndpoint(
        to,
        username,
        password,
        caCertificatePem,
        insecureSkipTlsVerify,
        connectTimeout,
        replyTimeout,
        deadline,
        maxAnswer,
        urls);
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return "PoolEndpoint["
        + url
        + " as "
        + username
        + (insecureSkipTlsVerify ? ", insecure" : "")
        + "]";
  }
}
