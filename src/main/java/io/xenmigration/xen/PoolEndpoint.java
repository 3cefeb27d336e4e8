package io.xenmigration.xen;

import java.net.URL;
import java.time.Duration;
import java.util.Objects;

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
 * @param replyTimeout how long to wait for an answer to one call
 */
public record PoolEndpoint(
    URL url,
    String username,
    String password,
    String caCertificatePem,
    boolean insecureSkipTlsVerify,
    Duration connectTimeout,
    Duration replyTimeout) {

  /** Default connect timeout: a reachable master answers a TCP handshake at once. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Default reply timeout. Long calls (migrations) run as tasks, so every call the driver makes
   * answers quickly; 30 s covers a loaded master without blocking a reconcile thread for long.
   */
  public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(30);

  public PoolEndpoint {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(replyTimeout, "replyTimeout");
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
    return new PoolEndpoint(
        other,
        username,
        password,
        caCertificatePem,
        insecureSkipTlsVerify,
        connectTimeout,
        replyTimeout);
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
