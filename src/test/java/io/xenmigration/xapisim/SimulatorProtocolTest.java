package io.xenmigration.xapisim;

import static org.assertj.core.api.Assertions.assertThat;

import io.xenmigration.testing.SimFixtures;
import io.xenmigration.xapisim.engine.SimSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The wire itself, without the SDK: xapi's generic errors and value encodings. */
class SimulatorProtocolTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static XapiSimulator simulator;
  private static String session;

  @BeforeAll
  static void start() throws Exception {
    simulator =
        SimFixtures.twoPools(
                new ManualClock(Instant.parse("2026-01-01T00:00:00Z")), new SimSettings())
            .start();
    String login = call("/", "session.login_with_password", "root", "password").body();
    Matcher ref = Pattern.compile("(OpaqueRef:[0-9a-f-]+)").matcher(login);
    assertThat(ref.find()).isTrue();
    session = ref.group(1);
  }

  @AfterAll
  static void stop() {
    simulator.close();
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    URI uri = simulator.url("pool-a").toURI().resolve(path);
    return HTTP.send(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "text/xml")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> call(String path, String method, String... params)
      throws Exception {
    StringBuilder body =
        new StringBuilder("<?xml version=\"1.0\"?><methodCall><methodName>")
            .append(method)
            .append("</methodName><params>");
    for (String param : params) {
      body.append("<param><value>").append(param).append("</value></param>");
    }
    return post(path, body.append("</params></methodCall>").toString());
  }

  private static String failure(String... description) {
    StringBuilder data = new StringBuilder();
    for (String part : description) {
      data.append("<value>").append(part).append("</value>");
    }
    return "<member><name>ErrorDescription</name><value><array><data>" + data + "</data></array>";
  }

  @Test
  void valuesNestedTooDeepAreAFailureNotAStackOverflow() throws Exception {
    int depth = 5_000; // deeper than the limit, within xapi's 300 KiB
    String nested = "<value><array><data>".repeat(depth) + "</data></array></value>".repeat(depth);
    HttpResponse<String> answer =
        post(
            "/",
            "<?xml version=\"1.0\"?><methodCall><methodName>VM.get_record</methodName><params>"
                + "<param>"
                + nested
                + "</param></params></methodCall>");
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body())
        .contains("<value>Failure</value>")
        .contains("<value>XMLRPC_UNMARSHAL_FAILURE</value>");
    // The endpoint still serves the next call.
    assertThat(call("/", "session.login_with_password", "root", "password").body())
        .contains("<value>Success</value>");
  }

  @Test
  void unknownMethod() throws Exception {
    assertThat(call("/", "VM.teleport", session).body())
        .contains("<value>Failure</value>")
        .contains(failure("MESSAGE_METHOD_UNKNOWN", "VM.teleport"));
  }

  @Test
  void asyncOfAGetterIsUnknown() throws Exception {
    assertThat(call("/", "Async.VM.get_record", session, "OpaqueRef:x").body())
        .contains(failure("MESSAGE_METHOD_UNKNOWN", "Async.VM.get_record"));
  }

  @Test
  void wrongParameterCountExcludesTheSession() throws Exception {
    assertThat(call("/", "VM.get_record", session).body())
        .contains(failure("MESSAGE_PARAMETER_COUNT_MISMATCH", "VM.get_record", "1", "0"));
    assertThat(call("/", "session.login_with_password", "root").body())
        .contains(
            failure("MESSAGE_PARAMETER_COUNT_MISMATCH", "session.login_with_password", "2", "1"));
  }

  @Test
  void optionalTrailingParametersAreAccepted() throws Exception {
    assertThat(call("/", "session.login_with_password", "root", "password", "2.14", "tests").body())
        .contains("<value>Success</value>");
  }

  @Test
  void badSessionComesAfterArityAndBeforeHandles() throws Exception {
    assertThat(call("/", "VM.get_record", "OpaqueRef:nope", "OpaqueRef:also-nope").body())
        .contains(failure("SESSION_INVALID", "OpaqueRef:nope"));
    assertThat(call("/", "VM.get_record", session, "OpaqueRef:also-nope").body())
        .contains(failure("HANDLE_INVALID", "VM", "OpaqueRef:also-nope"));
  }

  @Test
  void int64TravelsAsDecimalStringsAndNothingIsNil() throws Exception {
    String hosts = call("/RPC2", "host.get_all_records", session).body();
    assertThat(hosts).contains("<member><name>API_version_major</name><value>2</value></member>");
    assertThat(hosts).doesNotContain("<i4>", "<int>", "<nil", "<fault>");
    assertThat(hosts).containsPattern("<value>OpaqueRef:NULL</value>");
    String metrics = call("/", "host_metrics.get_all_records", session).body();
    assertThat(metrics)
        .containsPattern("<name>memory_total</name><value>68719476736</value>")
        .containsPattern("<dateTime.iso8601>\\d{8}T\\d\\d:\\d\\d:\\d\\dZ</dateTime.iso8601>")
        .contains("<boolean>1</boolean>");
  }

  @Test
  void enumsKeepXapisCase() throws Exception {
    String vms = call("/", "VM.get_all_records", session).body();
    assertThat(vms).contains("<name>power_state</name><value>Running</value>");
    assertThat(vms).contains("<name>power_state</name><value>Halted</value>");
  }

  @Test
  void malformedXmlGetsHttp500() throws Exception {
    assertThat(post("/", "<methodCall><methodName>VM.get_all").statusCode()).isEqualTo(500);
    assertThat(post("/", "not xml at all").statusCode()).isEqualTo(500);
  }

  @Test
  void externalEntitiesAreRefused() throws Exception {
    String xxe =
        "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
            + "<methodCall><methodName>&e;</methodName><params/></methodCall>";
    HttpResponse<String> response = post("/", xxe);
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).doesNotContain("root:");
  }

  @Test
  void xmlRpcIsAnsweredOnEveryPathXapiDoesNotClaim() throws Exception {
    for (String path : java.util.List.of("/xmlrpc", "/RPC2", "/json", "/any/path")) {
      HttpResponse<String> answer = call(path, "VM.get_all", session);
      assertThat(answer.statusCode()).as(path).isEqualTo(200);
      assertThat(answer.headers().firstValue("Content-Type")).as(path).hasValue("text/xml");
      assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
      assertThat(answer.body()).as(path).contains("<name>Status</name>", "Success", "OpaqueRef:");
    }
  }

  @Test
  void systemListMethodsIsABareArrayOfTheSynchronousNames() throws Exception {
    for (String[] params : new String[][] {{}, {session}, {session, "extra"}}) {
      String body = call("/", "system.listMethods", params).body();
      assertThat(body)
          .startsWith("<?xml version=\"1.0\"?><methodResponse><params><param><value><array><data>")
          .contains(
              "<value>VM.pool_migrate</value>",
              "<value>VM.get_all_records</value>",
              "<value>event.from</value>",
              "<value>event.inject</value>",
              "<value>session.login_with_password</value>",
              "<value>system.listMethods</value>")
          .doesNotContain("Status", "<value>Async.");
    }
  }

  @Test
  void anUnknownMethodChecksItsFirstParameterAsASessionFirst() throws Exception {
    assertThat(call("/", "VM.teleport", "OpaqueRef:nope").body())
        .contains(failure("SESSION_INVALID", "OpaqueRef:nope"));
    assertThat(call("/", "VM.teleport").body())
        .contains(failure("MESSAGE_METHOD_UNKNOWN", "VM.teleport"));
  }

  @Test
  void otherPathsAndMethodsGetXapisHttpAnswers() throws Exception {
    URI uri = simulator.url("pool-a").toURI();
    HttpResponse<String> get =
        HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(403);
    assertThat(get.headers().firstValue("Content-Type")).hasValue("text/html");
    HttpResponse<String> delete =
        HTTP.send(
            HttpRequest.newBuilder(uri).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(delete.statusCode()).isEqualTo(501);
    assertThat(call("/cli", "VM.get_all", session).statusCode()).isEqualTo(404);
    assertThat(call("/services/SM", "VM.get_all", session).statusCode()).isEqualTo(404);
  }

  @Test
  void optionsAnswersWithXapisCorsHeadersOnAnyPath() throws Exception {
    for (String path : java.util.List.of("/", "/jsonrpc", "/elsewhere")) {
      HttpResponse<String> answer =
          HTTP.send(
              HttpRequest.newBuilder(simulator.url("pool-a").toURI().resolve(path))
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .header("Access-Control-Request-Headers", "content-type")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(path).isEqualTo(200);
      assertThat(answer.body()).isEmpty();
      assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
      assertThat(answer.headers().firstValue("Access-Control-Allow-Headers"))
          .hasValue("content-type, X-Requested-With");
      assertThat(answer.headers().firstValue("Access-Control-Allow-Methods")).hasValue("PUT");
    }
  }

  /** Sends raw bytes and returns what comes back until the server closes the connection. */
  private static String raw(String request) throws Exception {
    URI uri = simulator.url("pool-a").toURI();
    try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      return new String(
          socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void bodiesOverXapisLimitOrWithoutALengthAreRefusedUnread() throws Exception {
    // A declared length over 300 KiB is refused before a byte of the body is sent.
    String over =
        raw(
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: "
                + ((300 << 10) + 1)
                + "\r\n\r\n");
    assertThat(over).startsWith("HTTP/1.1 500").contains("text/html");
    String small =
        "<?xml version=\"1.0\"?><methodCall><methodName>system.listMethods</methodName>"
            + "<params/></methodCall>";
    String chunked =
        raw(
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(small.length())
                + "\r\n"
                + small
                + "\r\n0\r\n\r\n");
    assertThat(chunked).startsWith("HTTP/1.1 500").contains("content-length");
    assertThat(post("/", small).statusCode()).isEqualTo(200);
  }
}
