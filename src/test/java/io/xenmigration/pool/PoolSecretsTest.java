package io.xenmigration.pool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One spelling per pool URL, and none for URLs that cannot bind a password. */
class PoolSecretsTest {

  @Test
  void spellingsOfOneUrlAreOne() {
    assertThat(PoolSecrets.normalized("https://Xen-A.Example.com"))
        .isEqualTo(PoolSecrets.normalized("https://xen-a.example.com:443/"))
        .isEqualTo("https://xen-a.example.com:443");
    assertThat(PoolSecrets.normalized("http://10.0.0.1")).isEqualTo("http://10.0.0.1:80");
    assertThat(PoolSecrets.normalized("https://[fd00::1]:8443/api/"))
        .isEqualTo("https://[fd00::1]:8443/api");
  }

  @Test
  void otherSchemesUserInformationAndNonsenseBindNothing() {
    assertThat(PoolSecrets.normalized("ftp://xen-a.example.com")).isNull();
    assertThat(PoolSecrets.normalized("https://u:p@xen-a.example.com")).isNull();
    assertThat(PoolSecrets.normalized("not a url")).isNull();
    assertThat(PoolSecrets.normalized("https:///path")).isNull();
  }
}
