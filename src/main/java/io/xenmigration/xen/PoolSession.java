package io.xenmigration.xen;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.Types;
import io.xenmigration.status.SafeText;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One logged-in session with a pool: logs in on first use, follows a member's HOST_IS_SLAVE to the
 * master, logs in again once when the session has expired, and logs out on close. Safe for
 * concurrent use.
 */
final class PoolSession implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(PoolSession.class.getName());

  /** The API version asked for at login: 2.14 is the highest the SDK 8.1.0 knows. */
  private static final String API_VERSION = "2.14";

  /** One SDK call on a logged-in connection. */
  @FunctionalInterface
  interface SdkCall<T> {
    T run(Connection connection) throws Exception;
  }

  private final PoolEndpoint configured;
  private final CallMeter meter;
  private final PoolWrites.Gate writes;

  /**
   * The addresses of the pool's hosts as its last inventory had them; empty before the first. A
   * HOST_IS_SLAVE answer is followed only to one of them, once the pool is known.
   */
  private final Supplier<Set<String>> hostAddresses;

  private PoolEndpoint current;
  private Connection connection;
  private boolean closed;

  PoolSession(
      PoolEndpoint endpoint,
      CallMeter meter,
      Supplier<Set<String>> hostAddresses,
      PoolWrites.Gate writes) {
    this.configured = endpoint;
    this.current = endpoint;
    this.meter = meter;
    this.writes = writes;
    this.hostAddresses = hostAddresses;
  }

  /** The URL in use: the master's, which differs from the configured one after a redirect. */
  synchronized URL url() {
    return current.url();
  }

  /** Whether the configured URL turned out to be a pool member. */
  synchronized boolean redirected() {
    return !current.url().equals(configured.url());
  }

  /** Runs a call, logging in first if needed and once more if the session expired. */
  <T> T call(SdkCall<T> call) throws XenApiException {
    Connection used = connection();
    try {
      return call.run(used);
    } catch (Types.SessionInvalid expired) {
      LOG.fine(() -> "session on " + current.url() + " expired; logging in again");
      synchronized (this) {
        if (connection == used) {
          connection = null;
        }
      }
      // A dead session is no secret, and a pool answering SESSION_INVALID to every call must not
      // make the list of secrets grow.
      SafeText.forget(used.getSessionReference());
      try {
        return call.run(connection());
      } catch (Exception e) {
        throw SdkErrors.convert(e);
      }
    } catch (Exception e) {
      throw SdkErrors.convert(e);
    }
  }

  private synchronized Connection connection() throws XenApiException {
    if (closed) {
      // A call still under way when the pool's driver went (a long event wait) must not log in
      // again and leave a session nobody logs out.
      throw new XenApiException(
          XenApiException.CONNECTION_REFUSED,
          List.of(),
          XenApiException.Kind.TERMINAL,
          "the connection to " + current.url() + " was closed",
          null);
    }
    if (connection == null) {
      connection = login();
    }
    return connection;
  }

  private Connection login() throws XenApiException {
    PoolEndpoint target = current;
    for (int hop = 0; hop < 2; hop++) {
      MeteredConnection fresh = new MeteredConnection(target, meter, writes);
      try {
        Session.loginWithPassword(
            fresh, target.username(), target.password(), API_VERSION, Replica.ORIGINATOR);
        // A pool may echo the session in an error (SESSION_INVALID does): it never reaches a
        // status, an Event or a log line.
        SafeText.session(fresh.getSessionReference());
        current = target;
        return fresh;
      } catch (Types.HostIsSlave member) {
        String master = member.masterIPAddress == null ? "" : member.masterIPAddress;
        // Same scheme, port and path: only the host changes.
        URL masterUrl = masterUrl(target.url(), master);
        if (!hostAddresses.get().contains(master)
            && !configured.boundUrls().contains(UrlSpelling.of(masterUrl))) {
          // The password goes only to a host of the pool's last inventory, or to a URL its
          // Secret is bound to: the answer alone is not trusted.
          throw new XenApiException(
              "HOST_IS_SLAVE",
              List.of(SafeText.safe(master)),
              XenApiException.Kind.TERMINAL,
              target.url()
                  + " named "
                  + SafeText.safe(master)
                  + " as the master, which is neither a host of the pool's inventory nor a URL"
                  + " the credentials Secret is bound to; no credentials were sent there",
              null);
        }
        LOG.info(
            target.url()
                + " is a pool member; following it to the master at "
                + SafeText.safe(master));
        target = target.at(masterUrl);
      } catch (Types.SessionAuthenticationFailed e) {
        throw new XenApiException(
            "SESSION_AUTHENTICATION_FAILED",
            List.of(target.username()),
            XenApiException.Kind.TERMINAL,
            "the pool refused the user name or password",
            e);
      } catch (Exception e) {
        throw SdkErrors.convert(e);
      }
    }
    throw new XenApiException(
        "HOST_IS_SLAVE",
        List.of(target.url().getHost()),
        XenApiException.Kind.TERMINAL,
        "the master the pool named is itself a member",
        null);
  }

  /** The master's URL: the member's scheme, port and path with the master's address. */
  static URL masterUrl(URL member, String masterAddress) throws XenApiException {
    String host =
        masterAddress.contains(":") && !masterAddress.startsWith("[")
            ? "[" + masterAddress + "]"
            : masterAddress;
    try {
      return new URL(member.getProtocol(), host, member.getPort(), member.getFile());
    } catch (MalformedURLException e) {
      throw new XenApiException(
          "HOST_IS_SLAVE",
          List.of(masterAddress),
          XenApiException.Kind.TERMINAL,
          "the master's address is not usable",
          e);
    }
  }

  /** Logs out; the pool would otherwise keep the session until it times out. */
  @Override
  public synchronized void close() {
    closed = true;
    if (connection == null) {
      return;
    }
    try {
      Session.logout(connection);
    } catch (Exception e) {
      LOG.log(Level.FINE, "logout from " + current.url() + " failed", e);
    }
    SafeText.forget(connection.getSessionReference());
    connection = null;
  }
}
