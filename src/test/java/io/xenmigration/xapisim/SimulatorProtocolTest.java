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
    int depth = 100_000;
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
    for (String path : java.util.List.of("/xmlrpc", "/RPC2", "/any/path")) {
      HttpResponse<String> answer = call(path, "VM.get_all", session);
      assertThat(answer.statusCode()).as(path).isEqualTo(200);
      assertThat(answer.body()).as(path).contains("<name>Status</name>", "Success", "OpaqueRef:");
    }
    assertThat(call("/jsonrpc/", "VM.get_all", session).statusCode()).isEqualTo(404);
  }

  @Test
  void systemListMethodsNamesEveryMethodServedWithTheAsyncForms() throws Exception {
    for (String[] params : new String[][] {{}, {session}}) {
      String body = call("/", "system.listMethods", params).body();
      assertThat(body)
          .contains(
              "<value>VM.pool_migrate</value>",
              "<value>Async.VM.pool_migrate</value>",
              "<value>event.from</value>",
              "<value>session.login_with_password</value>",
              "<value>system.listMethods</value>")
          .doesNotContain("<value>Async.VM.get_all</value>");
    }
  }

  @Test
  void otherPathsAndMethodsAreRefused() throws Exception {
    assertThat(call("/jsonrpc", "VM.get_all", session).statusCode()).isEqualTo(404);
    URI uri = simulator.url("pool-a").toURI();
    assertThat(
            HTTP.send(
                    HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(405);
  }
}
