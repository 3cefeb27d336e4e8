package io.xenmigration.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.api.v1alpha1.XenPoolSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which XenPools may use which Secrets, over which URLs, before any call reaches a pool. */
class PoolCredentialsTest {

  private static final String URL = "https://xen-a.example.com/";

  private final Map<String, Secret> secrets = new HashMap<>();

  private static XenPool pool(String url, String caSecret, Boolean insecure) {
    XenPool pool = new XenPool();
    pool.setMetadata(new ObjectMetaBuilder().withName("pool-a").withNamespace("ns").build());
    XenPoolSpec spec = new XenPoolSpec();
    spec.setUrl(url);
    spec.setCredentialsSecret("creds");
    spec.setCaSecret(caSecret);
    spec.setInsecureSkipTlsVerify(insecure);
    pool.setSpec(spec);
    return pool;
  }

  private PoolCredentials.Result resolve(XenPool pool, boolean allowInsecure) {
    return PoolCredentials.resolve(
        pool, secrets::get, allowInsecure, Duration.ofSeconds(5), Duration.ofSeconds(30));
  }

  private void bound(String... urls) {
    secrets.put("creds", PoolSecrets.credentials("ns", "creds", "root", "s3cret", List.of(urls)));
  }

  @Test
  void aLabelledSecretBoundToTheUrlGivesAnEndpoint() {
    bound("https://elsewhere.example.com", URL);
    PoolCredentials.Result result = resolve(pool(URL, null, null), false);
    assertThat(result.ok()).as(result.message()).isTrue();
    assertThat(result.endpoint().username()).isEqualTo("root");
    assertThat(result.endpoint().password()).isEqualTo("s3cret");
  }

  @Test
  void theBindingIgnoresCaseTheDefaultPortAndATrailingSlash() {
    bound("HTTPS://Xen-A.example.com:443");
    assertThat(resolve(pool(URL, null, null), false).ok()).isTrue();
    assertThat(resolve(pool("https://xen-a.example.com:8443/", null, null), false).reason())
        .isEqualTo(PoolReason.SecretNotBound);
    assertThat(resolve(pool("https://xen-a.example.com/other", null, null), false).reason())
        .isEqualTo(PoolReason.SecretNotBound);
  }

  @Test
  void aSecretNotBoundToTheUrlIsNotUsed() {
    bound("https://xen-b.example.com/");
    PoolCredentials.Result result = resolve(pool(URL, null, null), false);
    assertThat(result.ok()).isFalse();
    assertThat(result.reason()).isEqualTo(PoolReason.SecretNotBound);
    assertThat(result.message())
        .contains(PoolSecrets.URLS_ANNOTATION)
        .contains(URL)
        .doesNotContain("xen-b")
        .doesNotContain("s3cret");
  }

  @Test
  void aSecretWithoutTheAnnotationIsBoundToNothing() {
    bound(URL);
    secrets.get("creds").getMetadata().setAnnotations(null);
    assertThat(resolve(pool(URL, null, null), false).reason()).isEqualTo(PoolReason.SecretNotBound);
  }

  @Test
  void anUnlabelledSecretReadsExactlyAsAMissingOne() {
    PoolCredentials.Result missing = resolve(pool(URL, null, null), false);
    secrets.put(
        "creds",
        new SecretBuilder()
            .withMetadata(
                new ObjectMetaBuilder()
                    .withName("creds")
                    .withNamespace("ns")
                    .withAnnotations(Map.of(PoolSecrets.URLS_ANNOTATION, URL))
                    .build())
            .withStringData(Map.of("username", "root", "password", "s3cret"))
            .build());
    PoolCredentials.Result unlabelled = resolve(pool(URL, null, null), false);
    assertThat(unlabelled.ok()).isFalse();
    assertThat(unlabelled.reason())
        .isEqualTo(missing.reason())
        .isEqualTo(PoolReason.SecretNotFound);
    assertThat(unlabelled.message()).isEqualTo(missing.message()).contains(PoolSecrets.SELECTOR);
  }

  @Test
  void theCaIsTheOneTheCredentialsNameAndNoneMayBeDropped() {
    secrets.put(
        "creds", PoolSecrets.credentials("ns", "creds", "root", "s3cret", List.of(URL), "ca"));
    secrets.put("ca", PoolSecrets.ca("ns", "ca", "-----BEGIN CERTIFICATE-----"));
    secrets.put("lab-ca", PoolSecrets.ca("ns", "lab-ca", "-----BEGIN CERTIFICATE-----"));
    assertThat(resolve(pool(URL, "ca", null), false).ok()).isTrue();
    // Another labelled CA, or none (the JVM's authorities), is not the owner's choice.
    PoolCredentials.Result swapped = resolve(pool(URL, "lab-ca", null), false);
    assertThat(swapped.reason()).isEqualTo(PoolReason.SecretNotBound);
    assertThat(swapped.message()).contains(PoolSecrets.CA_ANNOTATION);
    assertThat(resolve(pool(URL, null, null), false).reason()).isEqualTo(PoolReason.SecretNotBound);
    // Credentials that name no CA are not used with one either.
    bound(URL);
    assertThat(resolve(pool(URL, "ca", null), false).reason()).isEqualTo(PoolReason.SecretNotBound);
  }

  @Test
  void skippingTlsVerificationNeedsTheCredentialsToAllowItToo() {
    bound(URL);
    assertThat(resolve(pool(URL, null, true), true).reason()).isEqualTo(PoolReason.SecretNotBound);
    secrets
        .get("creds")
        .getMetadata()
        .setAnnotations(
            Map.of(PoolSecrets.URLS_ANNOTATION, URL, PoolSecrets.INSECURE_ANNOTATION, "true"));
    assertThat(resolve(pool(URL, null, true), true).ok()).isTrue();
  }

  @Test
  void anUnlabelledCaSecretReadsAsAMissingOne() {
    secrets.put(
        "creds", PoolSecrets.credentials("ns", "creds", "root", "s3cret", List.of(URL), "ca"));
    secrets.put(
        "ca",
        new SecretBuilder()
            .withMetadata(new ObjectMetaBuilder().withName("ca").withNamespace("ns").build())
            .withStringData(Map.of("ca.crt", "-----BEGIN CERTIFICATE-----"))
            .build());
    PoolCredentials.Result result = resolve(pool(URL, "ca", null), false);
    assertThat(result.reason()).isEqualTo(PoolReason.SecretNotFound);
    assertThat(result.message()).contains("ns/ca").contains(PoolSecrets.SELECTOR);
    secrets.put("ca", PoolSecrets.ca("ns", "ca", "-----BEGIN CERTIFICATE-----"));
    assertThat(resolve(pool(URL, "ca", null), false).ok()).isTrue();
  }

  @Test
  void httpIsRefusedWithoutTheOptInBeforeAnySecretIsRead() {
    String http = "http://xen-a.example.com/";
    bound(http);
    List<String> read = new java.util.ArrayList<>();
    PoolCredentials.Result refused =
        PoolCredentials.resolve(
            pool(http, null, null),
            name -> {
              read.add(name);
              return secrets.get(name);
            },
            false,
            Duration.ofSeconds(5),
            Duration.ofSeconds(30));
    assertThat(refused.reason()).isEqualTo(PoolReason.InsecureRefused);
    assertThat(refused.message()).contains("pools.allowInsecure");
    assertThat(read).isEmpty();
    assertThat(resolve(pool(http, null, null), true).ok()).isTrue();
  }

  @Test
  void skippingTlsVerificationIsRefusedWithoutTheOptIn() {
    bound(URL);
    secrets
        .get("creds")
        .getMetadata()
        .setAnnotations(
            Map.of(PoolSecrets.URLS_ANNOTATION, URL, PoolSecrets.INSECURE_ANNOTATION, "true"));
    PoolCredentials.Result refused = resolve(pool(URL, null, true), false);
    assertThat(refused.reason()).isEqualTo(PoolReason.InsecureRefused);
    assertThat(refused.message()).contains("insecureSkipTlsVerify");
    PoolCredentials.Result allowed = resolve(pool(URL, null, true), true);
    assertThat(allowed.ok()).isTrue();
    assertThat(allowed.endpoint().insecureSkipTlsVerify()).isTrue();
  }

  @Test
  void aUrlWithUserInformationIsRefusedAndNotEchoed() {
    String withUser = "https://root:hunter2@xen-a.example.com/";
    bound(withUser, URL);
    PoolCredentials.Result refused = resolve(pool(withUser, null, null), true);
    assertThat(refused.reason()).isEqualTo(PoolReason.InvalidURL);
    assertThat(refused.message()).doesNotContain("hunter2");
  }
}
