package io.xenmigration.xen;

import java.net.MalformedURLException;
import java.net.URL;
import java.util.Locale;

/**
 * One spelling per pool URL, as the connection reads it ({@link URL}): scheme and host in lower
 * case, the default port written out, the path without a trailing slash. What a Secret is bound to
 * and where a call goes are compared in this spelling.
 */
public final class UrlSpelling {

  private UrlSpelling() {}

  /**
   * The spelling of a URL; null for anything that is not an http(s) URL with a host and without
   * user information, which binds nothing.
   */
  public static String of(String url) {
    URL parsed;
    try {
      parsed = new URL(url.strip());
    } catch (MalformedURLException e) {
      return null;
    }
    return of(parsed);
  }

  /** The spelling of a parsed URL, or null as for {@link #of(String)}. */
  public static String of(URL url) {
    String scheme = url.getProtocol().toLowerCase(Locale.ROOT);
    if (!"https".equals(scheme) && !"http".equals(scheme)) {
      return null;
    }
    String host = url.getHost();
    if (host == null || host.isEmpty() || url.getUserInfo() != null) {
      return null;
    }
    int port = url.getPort() != -1 ? url.getPort() : url.getDefaultPort();
    String path = url.getPath() == null ? "" : url.getPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + port + path;
  }
}
