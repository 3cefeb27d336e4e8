package io.xenmigration.xen;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A pool connection against XenAPI servers that try to turn the client against the operator: a
 * fault carrying a Java object, a document type pointing elsewhere, an endless answer, a redirect,
 * and a server that never answers. Every call fails cleanly and nothing else happens.
 */
class HostileServerTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  private final List<HttpServer> servers = new ArrayList<>();
  private final List<ServerSocket> sockets = new ArrayList<>();
  private final List<Socket> held = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws IOException {
    servers.forEach(s -> s.stop(0));
    for (Socket socket : held) {
      socket.close();
    }
    for (ServerSocket socket : sockets) {
      socket.close();
    }
  }

  /** Set by the probe's {@code readObject}: it must never run. */
  static final AtomicBoolean PROBE_RAN = new AtomicBoolean();

  /** A class whose deserialization would show: any code could stand here. */
  static final class Probe extends RuntimeException implements Serializable {
    private static final long serialVersionUID = 1L;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      PROBE_RAN.set(true);
      in.defaultReadObject();
    }
  }

  private HttpServer listen(InetAddress address, int port, HttpHandler handler) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 0);
    server.createContext("/", handler);
    server.start();
    servers.add(server);
    return server;
  }

  /** A server on loopback that reads each call and answers it so. */
  private HttpServer serve(Consumer<HttpExchange> answer) throws IOException {
    return listen(
        InetAddress.getLoopbackAddress(),
        0,
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            answer.accept(exchange);
          } catch (RuntimeException e) {
            // the client went away: nothing to do
          }
        });
  }

  /** A server that keeps every call it gets and answers 500. */
  private HttpServer recorder(InetAddress address, int port, List<String> calls)
      throws IOException {
    return listen(
        address,
        port,
        exchange -> {
          try (exchange) {
            calls.add(new String(exchange.getRequestBody().readAllBytes(), UTF_8));
            exchange.sendResponseHeaders(500, -1);
          }
        });
  }

  private static URL url(HttpServer server) throws IOException {
    return new URL("http", "127.0.0.1", server.getAddress().getPort(), "/");
  }

  private static void reply(HttpExchange exchange, String xml) {
    try {
      byte[] body = xml.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/xml");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static XenApiDriver driver(URL url, Duration replyTimeout) {
    return new XenApiDriver(
        new PoolEndpoint(
            url, "root", "secret-password", null, false, Duration.ofSeconds(2), replyTimeout),
        new CallMeter(),
        CLOCK);
  }

  private static void assertFailsCleanly(XenApiDriver driver) {
    assertThatThrownBy(driver::connect)
        .isInstanceOf(XenApiException.class)
        .hasMessageNotContaining("secret-password");
  }

  private static byte[] serializedProbe() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new Probe());
    }
    return bytes.toByteArray();
  }

  @Test
  void aFaultCarryingAJavaObjectIsNeverDeserialized() throws Exception {
    byte[] probe = serializedProbe();
    // The probe works: read without any filter, it runs.
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(probe))) {
      in.setObjectInputFilter(info -> ObjectInputFilter.Status.ALLOWED);
      in.readObject();
    }
    assertThat(PROBE_RAN.getAndSet(false)).isTrue();

    String fault =
        "<?xml version=\"1.0\"?><methodResponse><fault><value><struct>"
            + "<member><name>faultCode</name><value><int>1</int></value></member>"
            + "<member><name>faultString</name><value><string>no</string></value></member>"
            + "<member><name>faultCause</name><value><base64>"
            + Base64.getEncoder().encodeToString(probe)
            + "</base64></value></member>"
            + "</struct></value></fault></methodResponse>";
    HttpServer server = serve(exchange -> reply(exchange, fault));
    try (XenApiDriver driver = driver(url(server), Duration.ofSeconds(5))) {
      assertFailsCleanly(driver);
    }
    assertThat(PROBE_RAN.get()).as("the probe's readObject ran").isFalse();

    // And nothing else in the process deserializes one either.
    assertThatThrownBy(() -> new ObjectInputStream(new ByteArrayInputStream(probe)).readObject())
        .isInstanceOf(InvalidClassException.class);
    assertThat(PROBE_RAN.get()).isFalse();
  }

  @Test
  void aDocumentTypeNamingAnotherServerIsNeverFetched() throws Exception {
    AtomicInteger fetched = new AtomicInteger();
    HttpServer elsewhere =
        serve(
            exchange -> {
              fetched.incrementAndGet();
              reply(exchange, "<!ENTITY x \"y\">");
            });
    String xml =
        "<?xml version=\"1.0\"?><!DOCTYPE methodResponse SYSTEM \""
            + url(elsewhere)
            + "dtd\"><methodResponse><params><param><value><struct>"
            + "<member><name>Status</name><value>Success</value></member>"
            + "<member><name>Value</name><value>OpaqueRef:s</value></member>"
            + "</struct></value></param></params></methodResponse>";
    HttpServer server = serve(exchange -> reply(exchange, xml));
    try (XenApiDriver driver = driver(url(server), Duration.ofSeconds(5))) {
      assertFailsCleanly(driver);
    }
    assertThat(fetched.get()).as("requests to the DTD's server").isZero();
  }

  @Test
  void anAnswerLargerThanTheLimitIsRefusedWhileItComes() throws Exception {
    long total = 200L << 20;
    AtomicInteger sentMiB = new AtomicInteger();
    HttpServer server =
        serve(
            exchange -> {
              try {
                exchange.sendResponseHeaders(200, 0); // chunked
                OutputStream out = exchange.getResponseBody();
                out.write(
                    "<?xml version=\"1.0\"?><methodResponse><params><param><value><string>"
                        .getBytes(StandardCharsets.US_ASCII));
                byte[] mib = new byte[1 << 20];
                java.util.Arrays.fill(mib, (byte) 'A');
                for (long sent = 0; sent < total; sent += mib.length) {
                  out.write(mib);
                  sentMiB.incrementAndGet();
                }
              } catch (IOException e) {
                // the client stopped reading: as it should
              }
            });
    try (XenApiDriver driver = driver(url(server), Duration.ofSeconds(30))) {
      assertThatThrownBy(driver::connect)
          .isInstanceOf(XenApiException.class)
          .hasMessageContaining("larger than");
    }
    assertThat(sentMiB.get()).as("MiB the server got out").isLessThan(200);
  }

  @Test
  void anAnswerNestedDeeperThanXenApiEverIsRefusedBeforeItOverflowsTheStack() throws Exception {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?><methodResponse><params><param>");
    int levels = 20_000;
    xml.append("<value><array><data>".repeat(levels));
    xml.append("</data></array></value>".repeat(levels));
    xml.append("</param></params></methodResponse>");
    HttpServer server = serve(exchange -> reply(exchange, xml.toString()));
    try (XenApiDriver driver = driver(url(server), Duration.ofSeconds(10))) {
      assertThatThrownBy(driver::connect)
          .isInstanceOf(XenApiException.class)
          .hasMessageContaining("nests deeper");
    }
  }

  @Test
  void aCompressedAnswerIsNotExpanded() throws Exception {
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream zip = new java.util.zip.GZIPOutputStream(bomb)) {
      zip.write(
          "<?xml version=\"1.0\"?><methodResponse><params><param><value><string>"
              .getBytes(StandardCharsets.US_ASCII));
      byte[] mib = new byte[1 << 20];
      java.util.Arrays.fill(mib, (byte) 'A');
      for (int i = 0; i < 256; i++) {
        zip.write(mib); // 256 MiB once expanded
      }
    }
    byte[] body = bomb.toByteArray();
    assertThat(body.length).isLessThan(2 << 20);
    HttpServer server =
        serve(
            exchange -> {
              try {
                exchange.getResponseHeaders().set("Content-Encoding", "gzip");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
              } catch (IOException e) {
                // the client stopped reading
              }
            });
    try (XenApiDriver driver = driver(url(server), Duration.ofSeconds(10))) {
      assertFailsCleanly(driver);
    }
  }

  @Test
  void aLogoutAnsweredWithHostIsSlaveSendsTheSessionNowhereElse() throws Exception {
    AtomicInteger logouts = new AtomicInteger();
    HttpServer server =
        listen(
            InetAddress.getLoopbackAddress(),
            0,
            exchange -> {
              try (exchange) {
                String call = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
                boolean logout = call.contains("session.logout");
                if (logout) {
                  logouts.incrementAndGet();
                }
                // Every call succeeds but the logout, which names another address as the master.
                reply(
                    exchange,
                    "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>"
                        + (logout
                            ? "<member><name>Status</name><value>Failure</value></member>"
                                + "<member><name>ErrorDescription</name><value><array><data>"
                                + "<value>HOST_IS_SLAVE</value><value>127.0.0.2</value>"
                                + "</data></array></value></member>"
                            : "<member><name>Status</name><value>Success</value></member>"
                                + "<member><name>Value</name><value>"
                                + (call.contains("API_version")
                                    ? "2"
                                    : call.contains("get_all")
                                        ? "<array><data></data></array>"
                                        : "OpaqueRef:secret-session")
                                + "</value></member>")
                        + "</struct></value></param></params></methodResponse>");
              }
            });
    List<String> elsewhere = new CopyOnWriteArrayList<>();
    recorder(InetAddress.getByName("127.0.0.2"), server.getAddress().getPort(), elsewhere);
    PoolSession session = sessionOn(server, Set.of());
    String sessionRef = session.call(c -> c.getSessionReference());
    assertThat(sessionRef).isEqualTo("OpaqueRef:secret-session");
    session.close(); // logs out
    assertThat(logouts.get()).as("logouts the pool got").isEqualTo(1);
    assertThat(elsewhere).as("what reached the address the answer named").isEmpty();
  }

  /** A pool member that answers every login with HOST_IS_SLAVE naming 127.0.0.2. */
  private HttpServer memberNaming127002() throws IOException {
    return listen(
        InetAddress.getLoopbackAddress(),
        0,
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            reply(
                exchange,
                "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>"
                    + "<member><name>Status</name><value>Failure</value></member>"
                    + "<member><name>ErrorDescription</name><value><array><data>"
                    + "<value>HOST_IS_SLAVE</value><value>127.0.0.2</value>"
                    + "</data></array></value></member>"
                    + "</struct></value></param></params></methodResponse>");
          }
        });
  }

  private static PoolSession sessionOn(HttpServer server, Set<String> hosts) throws IOException {
    return sessionOn(server, hosts, Set.of());
  }

  /** A session whose pool has these host addresses and whose Secret is bound to these URLs. */
  private static PoolSession sessionOn(HttpServer server, Set<String> hosts, Set<String> bound)
      throws IOException {
    return new PoolSession(
        new PoolEndpoint(
                url(server),
                "root",
                "secret-password",
                null,
                false,
                Duration.ofSeconds(2),
                Duration.ofSeconds(5))
            .withBoundUrls(bound),
        new CallMeter(),
        () -> hosts,
        PoolWrites.Gate.OPEN);
  }

  @Test
  void aHostIsSlaveNamingAnAddressOutsideThePoolGetsNoCredentials() throws Exception {
    HttpServer member = memberNaming127002();
    List<String> elsewhere = new CopyOnWriteArrayList<>();
    recorder(InetAddress.getByName("127.0.0.2"), member.getAddress().getPort(), elsewhere);
    // Neither a host of the pool nor bound: not before the pool is known, not after.
    for (Set<String> hosts : List.of(Set.<String>of(), Set.of("10.1.0.1", "10.1.0.2"))) {
      PoolSession session = sessionOn(member, hosts);
      assertThatThrownBy(() -> session.call(c -> c.getSessionReference()))
          .isInstanceOfSatisfying(
              XenApiException.class,
              e -> {
                assertThat(e.code()).isEqualTo("HOST_IS_SLAVE");
                assertThat(e.getMessage()).contains("127.0.0.2").contains("no credentials");
              });
    }
    assertThat(elsewhere).as("what reached the address the answer named").isEmpty();
  }

  @Test
  void aHostIsSlaveIsFollowedToAHostOfThePoolOrToABoundUrl() throws Exception {
    for (boolean known : new boolean[] {true, false}) {
      HttpServer member = memberNaming127002();
      int port = member.getAddress().getPort();
      List<String> master = new CopyOnWriteArrayList<>();
      recorder(InetAddress.getByName("127.0.0.2"), port, master);
      Set<String> hosts = known ? Set.of("10.1.0.1", "127.0.0.2") : Set.of();
      Set<String> bound = known ? Set.of() : Set.of("http://127.0.0.2:" + port);
      PoolSession session = sessionOn(member, hosts, bound);
      assertThatThrownBy(() -> session.call(c -> c.getSessionReference()))
          .isInstanceOf(XenApiException.class); // the recorder answers nothing XenAPI reads
      assertThat(master)
          .as("logins followed to the named master, known hosts %s, bound %s", hosts, bound)
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .contains("session.login_with_password");
      member.stop(0);
      servers.remove(member);
    }
  }

  @Test
  void aRedirectIsNotFollowedAndTheCredentialsGoNowhereElse() throws Exception {
    List<String> bodies = new CopyOnWriteArrayList<>();
    HttpServer elsewhere = recorder(InetAddress.getLoopbackAddress(), 0, bodies);
    for (int code : new int[] {301, 302, 307, 308}) {
      HttpServer server =
          serve(
              exchange -> {
                try {
                  exchange.getResponseHeaders().set("Location", url(elsewhere).toString());
                  exchange.sendResponseHeaders(code, -1);
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      try (XenApiDriver driver = driver(url(server), Duration.ofSeconds(5))) {
        assertFailsCleanly(driver);
      }
    }
    assertThat(bodies).as("what reached the address the redirects named").isEmpty();
  }

  /** A TCP listener that takes connections and never says a word. */
  private int silent() throws IOException {
    ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    sockets.add(socket);
    Thread acceptor =
        new Thread(
            () -> {
              while (!socket.isClosed()) {
                try {
                  held.add(socket.accept());
                } catch (IOException closed) {
                  return;
                }
              }
            });
    acceptor.setDaemon(true);
    acceptor.start();
    return socket.getLocalPort();
  }

  @Test
  void aServerThatNeverAnswersFailsWithinTheReplyTimeoutOverTlsAndPlainHttp() throws Exception {
    int port = silent();
    for (String scheme : List.of("https", "http")) {
      try (XenApiDriver driver =
          driver(new URL(scheme, "127.0.0.1", port, "/"), Duration.ofSeconds(1))) {
        long start = System.nanoTime();
        assertThatThrownBy(driver::connect)
            .as(scheme)
            .isInstanceOfSatisfying(
                XenApiException.class,
                e -> assertThat(e.code()).isEqualTo(XenApiException.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .as(scheme)
            .isLessThan(Duration.ofSeconds(5));
      }
    }
  }

  @Test
  void aServerThatTricklesItsAnswerIsCutOffAtTheCallDeadline() throws Exception {
    HttpServer server =
        listen(
            InetAddress.getLoopbackAddress(),
            0,
            exchange -> {
              try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(200, 0);
                // One byte well within every reply timeout, for ever.
                for (int i = 0; i < 600; i++) {
                  exchange.getResponseBody().write(' ');
                  exchange.getResponseBody().flush();
                  Thread.sleep(100);
                }
              } catch (IOException | InterruptedException gone) {
                // the client hung up: the point of the test
              }
            });
    PoolEndpoint endpoint =
        new PoolEndpoint(
                url(server),
                "root",
                "secret-password",
                null,
                false,
                Duration.ofSeconds(2),
                Duration.ofSeconds(1))
            .withLimits(Duration.ofSeconds(2), PoolEndpoint.DEFAULT_MAX_ANSWER_BYTES);
    try (XenApiDriver driver = new XenApiDriver(endpoint, new CallMeter(), CLOCK)) {
      long start = System.nanoTime();
      assertThatThrownBy(driver::connect)
          .isInstanceOfSatisfying(
              XenApiException.class,
              e -> {
                assertThat(e.code()).isEqualTo(XenApiException.TIMEOUT);
                assertThat(e.getMessage()).contains("call deadline");
              });
      // Sixty seconds of trickle, stopped near the deadline.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }
  }

  @Test
  void theAnswerLimitIsTheOneConfigured() throws Exception {
    HttpServer server =
        serve(
            exchange ->
                reply(
                    exchange,
                    "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>"
                        + "<member><name>Status</name><value>Success</value></member>"
                        + "<member><name>Value</name><value>"
                        + "x".repeat(4096)
                        + "</value></member></struct></value></param></params>"
                        + "</methodResponse>"));
    PoolEndpoint endpoint =
        PoolEndpoint.of(url(server), "root", "secret-password", null, false)
            .withLimits(PoolEndpoint.DEFAULT_CALL_DEADLINE, 1024);
    try (XenApiDriver driver = new XenApiDriver(endpoint, new CallMeter(), CLOCK)) {
      assertThatThrownBy(driver::connect)
          .isInstanceOfSatisfying(
              XenApiException.class,
              e -> assertThat(e.getMessage()).contains("larger than 1024 bytes"));
    }
  }
}
