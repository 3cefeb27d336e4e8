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

  /** Reads the credentials and CA Secrets of a pool; {@code secrets} finds a Secret by name. */
  public static Result resolve(
      XenPool pool,
      Function<String, Secret> secrets,
      Duration connectTimeout,
      Duration replyTimeout) {
    XenPoolSpec spec = pool.getSpec();
    String namespace = pool.getMetadata().getNamespace();
    Secret credentials = secrets.apply(spec.getCredentialsSecret());
    if (credentials == null) {
      return missing("Secret " + namespace + "/" + spec.getCredentialsSecret() + " not found");
    }
    String username = value(credentials, "username");
    String password = value(credentials, "password");
    if (username == null || username.isEmpty() || password == null) {
      return missing(
          "Secret "
              + namespace
              + "/"
              + spec.getCredentialsSecret()
              + " needs the keys 'username' and 'password'");
    }
    String ca = null;
    if (spec.getCaSecret() != null) {
      Secret caSecret = secrets.apply(spec.getCaSecret());
      if (caSecret == null) {
        return missing("Secret " + namespace + "/" + spec.getCaSecret() + " not found");
      }
      ca = value(caSecret, "ca.crt");
      if (ca == null || ca.isBlank()) {
        return missing(
            "Secret " + namespace + "/" + spec.getCaSecret() + " needs the key 'ca.crt'");
      }
    }
    URL url;
    try {
      url = new URL(spec.getUrl());
    } catch (MalformedURLException e) {
      return new Result(null, PoolReason.Unreachable, "spec.url is not a URL: " + e.getMessage());
    }
    boolean insecure = Boolean.TRUE.equals(spec.getInsecureSkipTlsVerify());
    return new Result(
        new PoolEndpoint(url, username, password, ca, insecure, connectTimeout, replyTimeout),
        null,
        null);
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
