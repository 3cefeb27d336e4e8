package io.xenmigration.xapisim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xenmigration.testing.SimFixtures;
import io.xenmigration.xapisim.engine.SimSettings;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** With TLS on, a client that trusts the simulator's certificate gets in; others do not. */
class SimulatorTlsTest {

  private static final String LOGIN =
      "<?xml version=\"1.0\"?><methodCall><methodName>session.login_with_password</methodName>"
          + "<params><param><value>root</value></param><param><value>password</value></param>"
          + "</params></methodCall>";

  @Test
  void trustedClientsLogInAndOthersAreRefused() throws Exception {
    TlsMaterial tls = TlsMaterial.selfSigned();
    try (XapiSimulator simulator =
        SimFixtures.twoPools(new ManualClock(Instant.EPOCH), new SimSettings()).tls(tls).start()) {
      assertThat(simulator.url("pool-a").getProtocol()).isEqualTo("https");
      HttpRequest login =
          HttpRequest.newBuilder(simulator.url("pool-a").toURI())
              .POST(HttpRequest.BodyPublishers.ofString(LOGIN))
              .build();

      HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(tls)).build();
      HttpResponse<String> answer = trusting.send(login, HttpResponse.BodyHandlers.ofString());
      assertThat(answer.body()).contains("<value>Success</value>");

      HttpClient stranger = HttpClient.newHttpClient();
      assertThatThrownBy(() -> stranger.send(login, HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  private static SSLContext trusting(TlsMaterial tls) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    store.setCertificateEntry(
        "simulator",
        CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new ByteArrayInputStream(
                    tls.certificatePem().getBytes(StandardCharsets.US_ASCII))));
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
