package io.xenmigration.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.xenmigration.xen.UrlSpelling;
import org.junit.jupiter.api.Test;

/** One spelling per pool URL, and none for URLs that cannot bind a password. */
class PoolSecretsTest {

  @Test
  void spellingsOfOneUrlAreOne() {
    assertThat(UrlSpelling.of("https://Xen-A.Example.com"))
        .isEqualTo(UrlSpelling.of("https://xen-a.example.com:443/"))
        .isEqualTo("https://xen-a.example.com:443");
    assertThat(UrlSpelling.of("http://10.0.0.1")).isEqualTo("http://10.0.0.1:80");
    assertThat(UrlSpelling.of("https://[fd00::1]:8443/api/"))
        .isEqualTo("https://[fd00::1]:8443/api");
  }

  @Test
  void otherSchemesUserInformationAndNonsenseBindNothing() {
    assertThat(UrlSpelling.of("ftp://xen-a.example.com")).isNull();
    assertThat(UrlSpelling.of("https://u:p@xen-a.example.com")).isNull();
    assertThat(UrlSpelling.of("not a url")).isNull();
    assertThat(UrlSpelling.of("https:///path")).isNull();
    assertThat(UrlSpelling.of("https://xen_a.lab/")).isEqualTo("https://xen_a.lab:443");
  }
}
