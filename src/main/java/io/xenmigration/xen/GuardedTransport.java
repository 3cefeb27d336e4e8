package io.xenmigration.xen;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.net.URLConnection;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.XmlRpcRequest;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.apache.xmlrpc.client.XmlRpcClientException;
import org.apache.xmlrpc.client.XmlRpcSunHttpTransport;
import org.apache.xmlrpc.client.XmlRpcSunHttpTransportFactory;
import org.apache.xmlrpc.client.XmlRpcTransport;
import org.apache.xmlrpc.common.TypeFactory;
import org.apache.xmlrpc.common.XmlRpcStreamRequestConfig;
import org.apache.xmlrpc.parser.XmlRpcResponseParser;
import org.apache.xmlrpc.util.SAXParsers;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.XMLReader;

/**
 * The XML-RPC transport of every pool connection, which trusts nothing the pool sends: it follows
 * no redirect, applies the connect and reply timeouts to plain HTTP and TLS alike, reads an answer
 * only up to a size and a depth, refuses a document type declaration (no DTD or entity is ever
 * fetched), and never deserializes the Java object a fault may carry in {@code faultCause} (the
 * client library would, CVE-2019-17570).
 */
final class GuardedTransport extends XmlRpcSunHttpTransport {

  /** What a connection's transport needs; TLS settings are null for plain HTTP. */
  record Settings(
      Duration connectTimeout,
      Duration replyTimeout,
      Duration callDeadline,
      long maxAnswerBytes,
      SSLSocketFactory sockets,
      HostnameVerifier hostnames,
      PoolWrites.Gate writes) {}

  static {
    // Every XML-RPC client of the process, the SDK's own side connections too, refuses DTDs.
    try {
      SAXParserFactory factory = SAXParserFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setValidating(false);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
      factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      SAXParsers.setSAXParserFactory(factory);
    } catch (ParserConfigurationException | SAXException e) {
      throw new IllegalStateException("the XML parser cannot be made to refuse DTDs", e);
    }
  }

  /**
   * Times the calls, one daemon thread for the whole process; a call that ends in time takes its
   * watchdog (and what it holds) out of the queue at once.
   */
  private static final ScheduledExecutorService DEADLINES = deadlines();

  /** Closes overrun connections: a TLS close may block, and must not delay the other deadlines. */
  private static final java.util.concurrent.ExecutorService CLOSERS =
      Executors.newCachedThreadPool(daemon("xenapi-call-overrun"));

  private static ScheduledExecutorService deadlines() {
    java.util.concurrent.ScheduledThreadPoolExecutor timer =
        new java.util.concurrent.ScheduledThreadPoolExecutor(1, daemon("xenapi-call-deadlines"));
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread thread = new Thread(r, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  private final Settings settings;
  private volatile URLConnection connection;
  private volatile boolean expired;

  /** The method of the call under way. */
  private volatile String method;

  private GuardedTransport(XmlRpcClient client, Settings settings) {
    super(client);
    this.settings = settings;
  }

  /** Makes every call of this client go through a guarded transport. */
  static void install(XmlRpcClient client, Settings settings) {
    client.setTransportFactory(
        new XmlRpcSunHttpTransportFactory(client) {
          @Override
          public XmlRpcTransport getTransport() {
            return new GuardedTransport(client, settings);
          }
        });
  }

  /**
   * One call, ended when it overruns the deadline: the reply timeout bounds each wait for bytes,
   * not a server that sends one now and then to keep a reconcile thread forever.
   */
  @Override
  public Object sendRequest(XmlRpcRequest request) throws XmlRpcException {
    method = request.getMethodName();
    ScheduledFuture<?> watchdog =
        DEADLINES.schedule(this::expire, settings.callDeadline().toMillis(), TimeUnit.MILLISECONDS);
    try {
      return super.sendRequest(request);
    } catch (XmlRpcException e) {
      if (expired) {
        throw new XmlRpcClientException(
            "the pool's answer did not come within the call deadline",
            new SocketTimeoutException(
                "no complete answer within the call deadline of " + settings.callDeadline()));
      }
      throw e;
    } finally {
      watchdog.cancel(false);
      connection = null;
    }
  }

  private void expire() {
    expired = true;
    if (connection instanceof HttpURLConnection http) {
      CLOSERS.execute(http::disconnect); // the reading thread's next read fails at once
    }
  }

  @Override
  protected URLConnection newURLConnection(URL url) throws IOException {
    URLConnection connection = super.newURLConnection(url);
    this.connection = connection;
    connection.setConnectTimeout(millis(settings.connectTimeout()));
    connection.setReadTimeout(millis(settings.replyTimeout()));
    if (connection instanceof HttpURLConnection http) {
      // A redirect would carry the call (a login's password, a session) elsewhere.
      http.setInstanceFollowRedirects(false);
    }
    if (connection instanceof HttpsURLConnection https && settings.sockets() != null) {
      https.setSSLSocketFactory(settings.sockets());
      https.setHostnameVerifier(settings.hostnames());
    }
    return connection;
  }

  private static int millis(Duration duration) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, duration.toMillis()));
  }

  /**
   * Never: the client asks for no compression, and a compressed answer would be counted against the
   * limit before it expands (a small bomb would fill the heap). It fails as unreadable.
   */
  @Override
  protected boolean isResponseGzipCompressed(XmlRpcStreamRequestConfig config) {
    return false;
  }

  /**
   * Sends the request and opens the answer. The connection sends the request only here (it was
   * buffered until now), so a call that changes a pool is gated here, as late as it can be.
   */
  @Override
  protected InputStream getInputStream() throws XmlRpcException {
    if (PoolWrites.gated(method)) {
      String closed = settings.writes().closedBecause();
      if (closed != null) {
        throw new PoolWrites.Refused(method, closed);
      }
    }
    return new Bounded(super.getInputStream(), settings.maxAnswerBytes());
  }

  @Override
  protected Object readResponse(XmlRpcStreamRequestConfig config, InputStream stream)
      throws XmlRpcException {
    XMLReader reader = newXMLReader();
    try {
      reader.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      reader.setFeature("http://xml.org/sax/features/external-general-entities", false);
      reader.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    } catch (SAXException e) {
      throw new XmlRpcClientException("the XML parser cannot be made to refuse DTDs: " + e, e);
    }
    NoFaultCause parser = new NoFaultCause(config, getClient().getTypeFactory());
    reader.setContentHandler(parser);
    try {
      reader.parse(new InputSource(stream));
    } catch (SAXException e) {
      throw new XmlRpcClientException("Failed to parse server's response: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new XmlRpcClientException("Failed to read server's response: " + e.getMessage(), e);
    }
    if (parser.isSuccess()) {
      return parser.getResult();
    }
    throw new XmlRpcException(parser.getErrorCode(), parser.getErrorMessage());
  }

  /**
   * How deep an answer's elements may nest: XenAPI's deepest (a map of records of maps) is under
   * 20; the library parses nesting by recursion, which a hostile answer could overflow.
   */
  static final int MAX_DEPTH = 256;

  /**
   * The library's response parser, with a fault's {@code faultCause} dropped unread and nesting
   * bounded.
   */
  private static final class NoFaultCause extends XmlRpcResponseParser {
    private boolean inFault;
    private int depth;

    NoFaultCause(XmlRpcStreamRequestConfig config, TypeFactory types) {
      super(config, types);
    }

    @Override
    public void startElement(String uri, String localName, String qName, Attributes attributes)
        throws SAXException {
      if (++depth > MAX_DEPTH) {
        throw new SAXException("the answer nests deeper than " + MAX_DEPTH + " elements");
      }
      if ("fault".equals(localName) || "fault".equals(qName)) {
        inFault = true;
      }
      super.startElement(uri, localName, qName, attributes);
    }

    @Override
    public void endElement(String uri, String localName, String qName) throws SAXException {
      depth--;
      super.endElement(uri, localName, qName);
    }

    @Override
    protected void addResult(Object result) throws SAXException {
      if (inFault && result instanceof Map<?, ?> fault && fault.containsKey("faultCause")) {
        Map<Object, Object> kept = new HashMap<>(fault);
        kept.remove("faultCause");
        super.addResult(kept);
        return;
      }
      super.addResult(result);
    }
  }

  /** Fails the read once more than a limit has come. */
  private static final class Bounded extends FilterInputStream {
    private final long limit;
    private long read;

    Bounded(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(long n) throws IOException {
      read += n;
      if (read > limit) {
        throw new IOException("the pool's answer is larger than " + limit + " bytes; not read");
      }
    }
  }
}
