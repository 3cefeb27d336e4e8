package io.xenmigration.pool;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.xenmigration.api.v1alpha1.ApiGroup;
import io.xenmigration.xen.UrlSpelling;
import java.util.List;
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

  /**
   * The annotation of a credentials Secret naming the CA Secret its pool is verified with: a
   * XenPool using the credentials must name that one in {@code spec.caSecret}, and none when the
   * annotation is absent, so that its author cannot swap in a CA of their own.
   */
  public static final String CA_ANNOTATION = ApiGroup.NAME + "/pool-ca";

  /**
   * The annotation, with the value {@code "true"}, that lets a XenPool skip TLS verification with
   * these credentials (the operator must allow insecure pools too).
   */
  public static final String INSECURE_ANNOTATION = ApiGroup.NAME + "/pool-insecure";

  private PoolSecrets() {}

  /** A labelled credentials Secret bound to the given pool URLs, as an administrator writes one. */
  public static Secret credentials(
      String namespace, String name, String username, String password, List<String> urls) {
    return credentials(namespace, name, username, password, urls, null);
  }

  /** The same, its pools verified with the CA Secret {@code caSecret} (null: none). */
  public static Secret credentials(
      String namespace,
      String name,
      String username,
      String password,
      List<String> urls,
      String caSecret) {
    Map<String, String> annotations = new java.util.HashMap<>();
    annotations.put(URLS_ANNOTATION, String.join(",", urls));
    if (caSecret != null) {
      annotations.put(CA_ANNOTATION, caSecret);
    }
    return new SecretBuilder()
        .withMetadata(labelled(namespace, name).withAnnotations(annotations).build())
        .withData(Map.of("username", base64(username), "password", base64(password)))
        .build();
  }

  /** A labelled CA Secret holding a PEM certificate authority under {@code ca.crt}. */
  public static Secret ca(String namespace, String name, String certificatePem) {
    return new SecretBuilder()
        .withMetadata(labelled(namespace, name).build())
        .withData(Map.of("ca.crt", base64(certificatePem)))
        .build();
  }

  /**
   * Values as {@code data} holds them: an API server stores {@code stringData} so and never gives
   * it back, so these Secrets read back as the ones a person creates.
   */
  private static String base64(String value) {
    return java.util.Base64.getEncoder()
        .encodeToString(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
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

  /** A credentials Secret's annotation, blank as absent. */
  static String annotation(Secret secret, String key) {
    Map<String, String> annotations = secret.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(key);
    return value == null || value.isBlank() ? null : value.strip();
  }

  /** Whether a credentials Secret's annotation lists a URL equal to {@code url}. */
  static boolean boundTo(Secret secret, String url) {
    String wanted = UrlSpelling.of(url);
    return wanted != null && boundUrls(secret).contains(wanted);
  }

  /** The URLs a credentials Secret is bound to, each in one spelling ({@link UrlSpelling}). */
  static java.util.Set<String> boundUrls(Secret secret) {
    Map<String, String> annotations = secret.getMetadata().getAnnotations();
    String listed = annotations == null ? null : annotations.get(URLS_ANNOTATION);
    java.util.Set<String> urls = new java.util.HashSet<>();
    if (listed != null) {
      for (String one : listed.split("[,\\s]+")) {
        String spelled = one.isEmpty() ? null : UrlSpelling.of(one);
        if (spelled != null) {
          urls.add(spelled);
        }
      }
    }
    return urls;
  }
}
