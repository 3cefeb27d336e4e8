package io.xenmigration.xen;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Types;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.client.XmlRpcClient;

/**
 * An SDK connection that counts every call and verifies TLS against the pool's own CA (or, when
 * asked, not at all) without touching the JVM-wide HTTPS defaults other pools rely on.
 */
final class MeteredConnection extends Connection {

  static {
    NoDeserialization.install();
  }

  private final CallMeter meter;
  private XmlRpcClient client;

  MeteredConnection(PoolEndpoint endpoint, CallMeter meter, PoolWrites.Gate writes)
      throws XenApiException {
    super(
        endpoint.url(),
        seconds(endpoint.replyTimeout().toMillis()),
        seconds(endpoint.connectTimeout().toMillis()));
    this.meter = meter;
    getConfig().setReplyTimeout((int) endpoint.replyTimeout().toMillis());
    getConfig().setConnectionTimeout((int) endpoint.connectTimeout().toMillis());
    installTransport(endpoint, writes);
  }

  private static int seconds(long millis) {
    return (int) Math.max(1, (millis + 999) / 1000);
  }

  @Override
  @SuppressWarnings("rawtypes")
  protected Map dispatch(String method, Object[] params)
      throws XmlRpcException, Types.XenAPIException {
    meter.count(method);
    if ("session.logout".equals(method) && client != null) {
      // The SDK answers a HOST_IS_SLAVE to a logout by sending the session, over a connection of
      // its own without these guards, to whatever address the answer names: a logout is sent
      // here, and its answer is not followed anywhere.
      Object answer = client.execute(method, params);
      return answer instanceof Map<?, ?> map ? map : Map.of("Status", "Success");
    }
    return super.dispatch(method, params);
  }

  /**
   * Sends a call with this connection's session and the arguments as given (refs as strings), for
   * what the SDK has no method for or sends only in an older form; answers the call's value as
   * XML-RPC decoded it. A failure throws the SDK's exception for its code, as its own methods do.
   */
  public Object callRaw(String method, Object... params)
      throws XmlRpcException, Types.XenAPIException {
    Object[] all = new Object[params.length + 1];
    all[0] = getSessionReference();
    System.arraycopy(params, 0, all, 1, params.length);
    return dispatch(method, all).get("Value");
  }

  /**
   * The SDK keeps its XML-RPC client private and uses the JVM's HTTP defaults (its own transport
   * follows redirects, and the library deserializes a fault's Java object); the client's transport
   * is replaced so this connection alone gets the pool's trust, with the guards of {@link
   * GuardedTransport}.
   */
  private void installTransport(PoolEndpoint endpoint, PoolWrites.Gate writes)
      throws XenApiException {
    boolean tls = "https".equalsIgnoreCase(endpoint.url().getProtocol());
    SSLSocketFactory sockets = tls ? socketFactory(endpoint) : null;
    HostnameVerifier hostnames =
        !tls
            ? null
            : endpoint.insecureSkipTlsVerify()
                ? (host, session) -> true
                : HttpsURLConnection.getDefaultHostnameVerifier();
    try {
      Field field = Connection.class.getDeclaredField("client");
      field.setAccessible(true);
      client = (XmlRpcClient) field.get(this);
      GuardedTransport.install(
          client,
          new GuardedTransport.Settings(
              endpoint.connectTimeout(),
              endpoint.replyTimeout(),
              endpoint.callDeadline(),
              endpoint.maxAnswerBytes(),
              sockets,
              hostnames,
              writes));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the XenServer SDK's connection has changed shape", e);
    }
  }

  private static SSLSocketFactory socketFactory(PoolEndpoint endpoint) throws XenApiException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      if (endpoint.insecureSkipTlsVerify()) {
        context.init(null, new TrustManager[] {new TrustEverything()}, new SecureRandom());
      } else if (endpoint.caCertificatePem() != null && !endpoint.caCertificatePem().isBlank()) {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int index = 0;
        for (Certificate certificate :
            CertificateFactory.getInstance("X.509")
                .generateCertificates(
                    new ByteArrayInputStream(
                        endpoint.caCertificatePem().getBytes(StandardCharsets.US_ASCII)))) {
          store.setCertificateEntry("ca-" + index++, certificate);
        }
        if (index == 0) {
          throw new GeneralSecurityException("no certificate in the CA PEM");
        }
        TrustManagerFactory trust =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        context.init(null, trust.getTrustManagers(), new SecureRandom());
      } else {
        return (SSLSocketFactory) SSLSocketFactory.getDefault();
      }
      return context.getSocketFactory();
    } catch (GeneralSecurityException | IOException e) {
      throw new XenApiException(
          XenApiException.TLS_VERIFICATION_FAILED,
          java.util.List.of(),
          XenApiException.Kind.TERMINAL,
          "the CA certificate cannot be used: " + e.getMessage(),
          e);
    }
  }

  /** Accepts any certificate: only for {@code insecureSkipTlsVerify}. */
  private static final class TrustEverything implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
