package io.xenmigration.pool;

import io.fabric8.kubernetes.api.model.Secret;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.api.v1alpha1.XenPoolSpec;
import io.xenmigration.xen.PoolEndpoint;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns a XenPool and its Secrets into a {@link PoolEndpoint}, or says what is missing. Pure: the
 * Secrets are looked up by the caller.
 */
public final class PoolCredentials {

  /** An endpoint, or the reason there is none and a message a person can act on. */
  public record Result(PoolEndpoint endpoint, PoolReason reason, String message) {
    public boolean ok() {
      return endpoint != null;
    }
  }

  private PoolCredentials() {}

  /**
   * Reads the credentials and CA Secrets of a pool; {@code secrets} finds a Secret by name among
   * those the operator may see (labelled {@value PoolSecrets#LABEL}). Without {@code allowInsecure}
   * (the operator's owner's opt-in), {@code http://} URLs and {@code insecureSkipTlsVerify} are
   * refused, before any Secret is read.
   */
  public static Result resolve(
      XenPool pool,
      Function<String, Secret> secrets,
      boolean allowInsecure,
      Duration connectTimeout,
      Duration replyTimeout) {
    XenPoolSpec spec = pool.getSpec();
    String namespace = pool.getMetadata().getNamespace();
    URL url;
    try {
      url = new URL(spec.getUrl());
    } catch (MalformedURLException e) {
      return new Result(null, PoolReason.InvalidURL, "spec.url is not a URL: " + e.getMessage());
    }
    if (url.getUserInfo() != null) {
      // Such a URL ends up in logs and messages; credentials belong in the Secret.
      return new Result(
          null,
          PoolReason.InvalidURL,
          "spec.url must not carry a user name or password; put them in spec.credentialsSecret");
    }
    boolean insecure = Boolean.TRUE.equals(spec.getInsecureSkipTlsVerify());
    if (!allowInsecure && "http".equalsIgnoreCase(url.getProtocol())) {
      return new Result(
          null,
          PoolReason.InsecureRefused,
          "spec.url uses http://, which sends the pool password in clear text; use https:// with"
              + " spec.caSecret (http:// is accepted only when the operator is installed with"
              + " pools.allowInsecure=true)");
    }
    if (!allowInsecure && insecure) {
      return new Result(
          null,
          PoolReason.InsecureRefused,
          "spec.insecureSkipTlsVerify would send the pool password to whoever answers; name the"
              + " pool's CA in spec.caSecret instead (it is accepted only when the operator is"
              + " installed with pools.allowInsecure=true)");
    }
    String credentialsSecret = "Secret " + namespace + "/" + spec.getCredentialsSecret();
    Secret credentials = visible(secrets.apply(spec.getCredentialsSecret()));
    if (credentials == null) {
      return notVisible(namespace, spec.getCredentialsSecret());
    }
    if (!PoolSecrets.boundTo(credentials, spec.getUrl())) {
      return new Result(
          null,
          PoolReason.SecretNotBound,
          credentialsSecret
              + " is not bound to "
              + spec.getUrl()
              + ": its annotation "
              + PoolSecrets.URLS_ANNOTATION
              + " must list that URL before the operator sends its password there");
    }
    String boundCa = PoolSecrets.annotation(credentials, PoolSecrets.CA_ANNOTATION);
    if (!java.util.Objects.equals(boundCa, spec.getCaSecret())) {
      return new Result(
          null,
          PoolReason.SecretNotBound,
          credentialsSecret
              + (boundCa == null
                  ? " names no CA Secret in its annotation " + PoolSecrets.CA_ANNOTATION
                  : " names the CA Secret "
                      + boundCa
                      + " in its annotation "
                      + PoolSecrets.CA_ANNOTATION)
              + ", and spec.caSecret must name the same (or, without the annotation, none)");
    }
    if (insecure
        && !"true".equals(PoolSecrets.annotation(credentials, PoolSecrets.INSECURE_ANNOTATION))) {
      return new Result(
          null,
          PoolReason.SecretNotBound,
          credentialsSecret
              + " does not allow spec.insecureSkipTlsVerify: its annotation "
              + PoolSecrets.INSECURE_ANNOTATION
              + " must be \"true\"");
    }
    String username = value(credentials, "username");
    String password = value(credentials, "password");
    if (username == null || username.isEmpty() || password == null) {
      return missing(credentialsSecret + " needs the keys 'username' and 'password'");
    }
    String ca = null;
    if (spec.getCaSecret() != null) {
      Secret caSecret = visible(secrets.apply(spec.getCaSecret()));
      if (caSecret == null) {
        return notVisible(namespace, spec.getCaSecret());
      }
      ca = value(caSecret, "ca.crt");
      if (ca == null || ca.isBlank()) {
        return missing(
            "Secret " + namespace + "/" + spec.getCaSecret() + " needs the key 'ca.crt'");
      }
    }
    return new Result(
        new PoolEndpoint(url, username, password, ca, insecure, connectTimeout, replyTimeout)
            .withBoundUrls(PoolSecrets.boundUrls(credentials)),
        null,
        null);
  }

  /** The Secret when it carries the label, else null: an unlabelled one is never used. */
  private static Secret visible(Secret secret) {
    return secret != null && PoolSecrets.labelled(secret) ? secret : null;
  }

  /**
   * The same words whether the Secret is missing or unlabelled: a XenPool author who may not read
   * Secrets learns nothing about which exist.
   */
  private static Result notVisible(String namespace, String name) {
    return missing(
        "no Secret "
            + namespace
            + "/"
            + name
            + " labelled "
            + PoolSecrets.SELECTOR
            + ": the operator reads only Secrets with that label");
  }

  private static Result missing(String message) {
    return new Result(null, PoolReason.SecretNotFound, message);
  }

  /** A key of a Secret, from {@code stringData} or base64 {@code data}. */
  private static String value(Secret secret, String key) {
    Map<String, String> plain = secret.getStringData();
    if (plain != null && plain.containsKey(key)) {
      return plain.get(key);
    }
    Map<String, String> data = secret.getData();
    if (data == null || !data.containsKey(key)) {
      return null;
    }
    return new String(Base64.getDecoder().decode(data.get(key)), StandardCharsets.UTF_8).strip();
  }
}
