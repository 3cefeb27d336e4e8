package io.xenmigration.pool;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.xenmigration.api.v1alpha1.ApiGroup;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rules a Secret must follow before the operator uses it for a pool: it carries the label
 * {@value #LABEL} (the operator sees no other Secret), and a credentials Secret names in the
 * annotation {@value #URLS_ANNOTATION} every pool URL its password may be sent to, so that whoever
 * may edit a XenPool but not read Secrets cannot send a password somewhere else.
 */
public final class PoolSecrets {

  /** The label, with the value {@code "true"}, of every Secret a XenPool may name. */
  public static final String LABEL = ApiGroup.NAME + "/pool-secret";

  /** The label selector of the operator's Secret informer. */
  public static final String SELECTOR = LABEL + "=true";

  /**
   * The annotation of a credentials Secret listing the XenPool URLs it may be used with, separated
   * by commas, spaces or new lines.
   */
  public static final String URLS_ANNOTATION = ApiGroup.NAME + "/pool-urls";

  private PoolSecrets() {}

  /** A labelled credentials Secret bound to the given pool URLs, as an administrator writes one. */
  public static Secret credentials(
      String namespace, String name, String username, String password, List<String> urls) {
    return new SecretBuilder()
        .withMetadata(
            labelled(namespace, name)
                .withAnnotations(Map.of(URLS_ANNOTATION, String.join(",", urls)))
                .build())
        .withStringData(Map.of("username", username, "password", password))
        .build();
  }

  /** A labelled CA Secret holding a PEM certificate authority under {@code ca.crt}. */
  public static Secret ca(String namespace, String name, String certificatePem) {
    return new SecretBuilder()
        .withMetadata(labelled(namespace, name).build())
        .withStringData(Map.of("ca.crt", certificatePem))
        .build();
  }

  private static ObjectMetaBuilder labelled(String namespace, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(Map.of(LABEL, "true"));
  }

  /** Whether a Secret carries the label; the informer sees no other, this says so twice. */
  static boolean labelled(Secret secret) {
    Map<String, String> labels = secret.getMetadata().getLabels();
    return labels != null && "true".equals(labels.get(LABEL));
  }

  /** Whether a credentials Secret's annotation lists a URL equal to {@code url}. */
  static boolean boundTo(Secret secret, String url) {
    Map<String, String> annotations = secret.getMetadata().getAnnotations();
    String listed = annotations == null ? null : annotations.get(URLS_ANNOTATION);
    if (listed == null) {
      return false;
    }
    String wanted = normalized(url);
    if (wanted == null) {
      return false;
    }
    for (String one : listed.split("[,\\s]+")) {
      if (!one.isEmpty() && wanted.equals(normalized(one))) {
        return true;
      }
    }
    return false;
  }

  /**
   * A URL in one spelling: scheme and host in lower case, the default port written out, no user
   * information, the path without a trailing slash. Null for anything that is not an http(s) URL
   * with a host and without user information: such a URL binds nothing.
   */
  static String normalized(String url) {
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!"https".equals(scheme) && !"http".equals(scheme)) {
      return null;
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      return null;
    }
    int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port + path;
  }
}
