package io.xenmigration.xapisim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xenmigration.testing.SimFixtures;
import io.xenmigration.xapisim.engine.SimSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** JSON-RPC on {@code /jsonrpc}, byte for byte as xapi answers it in versions 1.0 and 2.0. */
class SimulatorJsonRpcTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static XapiSimulator simulator;
  private static String session;

  @BeforeAll
  static void start() throws Exception {
    simulator =
        SimFixtures.twoPools(
                new ManualClock(Instant.parse("2026-01-01T00:00:00Z")), new SimSettings())
            .start();
    JsonNode login =
        JSON.readTree(
            post("{\"jsonrpc\":\"2.0\",\"method\":\"session.login_with_password\","
                    + "\"params\":[\"root\",\"password\",\"2.14\",\"json-test\"],\"id\":1}")
                .body());
    session = login.get("result").asText();
    assertThat(session).startsWith("OpaqueRef:");
  }

  @AfterAll
  static void stop() {
    simulator.close();
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return post("/jsonrpc", body);
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    URI uri = simulator.url("pool-a").toURI().resolve(path);
    return HTTP.send(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void version2AnswersABareResultAndEchoesTheId() throws Exception {
    HttpResponse<String> answer =
        post(
            "{\"jsonrpc\":\"2.0\",\"method\":\"pool.get_all\",\"params\":[\""
                + session
                + "\"],\"id\":42}");
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    assertThat(answer.body())
        .matches("\\{\"jsonrpc\":\"2.0\",\"result\":\\[\"OpaqueRef:[^\"]+\"],\"id\":42}");
  }

  @Test
  void version2FailuresAreErrorObjectsWithCodeOne() throws Exception {
    String answer =
        post("{\"jsonrpc\":\"2.0\",\"method\":\"VM.get_all\",\"params\":[\"OpaqueRef:x\"],\"id\":\"s\"}")
            .body();
    assertThat(answer)
        .isEqualTo(
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"SESSION_INVALID\","
                + "\"data\":[\"OpaqueRef:x\"]},\"id\":\"s\"}");
    assertThat(post("{\"jsonrpc\":\"2.0\",\"method\":\"VM.teleport\",\"id\":3}").body())
        .isEqualTo(
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"MESSAGE_METHOD_UNKNOWN\","
                + "\"data\":[\"VM.teleport\"]},\"id\":3}");
  }

  @Test
  void version1HasResultAndErrorAndTheFailureAsAList() throws Exception {
    assertThat(
            post("{\"method\":\"pool.get_all\",\"params\":[\"" + session + "\"],\"id\":\"a\"}")
                .body())
        .matches("\\{\"result\":\\[\"OpaqueRef:[^\"]+\"],\"error\":null,\"id\":\"a\"}");
    assertThat(
            post("{\"method\":\"VM.get_record\",\"params\":[\""
                    + session
                    + "\",\"OpaqueRef:gone\"],\"id\":9}")
                .body())
        .isEqualTo(
            "{\"result\":null,\"error\":[\"HANDLE_INVALID\",\"VM\",\"OpaqueRef:gone\"],\"id\":9}");
  }

  @Test
  void valuesTravelAsJsonTypesNotAsXmlRpcStrings() throws Exception {
    JsonNode hosts =
        JSON.readTree(
                post("{\"jsonrpc\":\"2.0\",\"method\":\"host.get_all_records\",\"params\":[\""
                        + session
                        + "\"],\"id\":1}")
                    .body())
            .get("result");
    JsonNode host = hosts.elements().next();
    assertThat(host.get("memory_overhead").isIntegralNumber()).isTrue();
    assertThat(host.get("enabled").isBoolean()).isTrue();
    assertThat(host.get("uuid").isTextual()).isTrue();
    JsonNode metrics =
        JSON.readTree(
                post("{\"jsonrpc\":\"2.0\",\"method\":\"host_metrics.get_record\",\"params\":[\""
                        + session
                        + "\",\""
                        + host.get("metrics").asText()
                        + "\"],\"id\":1}")
                    .body())
            .get("result");
    assertThat(metrics.get("last_updated").asText()).matches("\\d{8}T\\d{2}:\\d{2}:\\d{2}Z");
    assertThat(metrics.get("memory_total").isIntegralNumber()).isTrue();
    // int64 parameters are taken as numbers and as numeric strings, as ocaml-rpc takes them.
    for (String timeout : new String[] {"0", "0.0", "\"0\""}) {
      JsonNode batch =
          JSON.readTree(
                  post("{\"jsonrpc\":\"2.0\",\"method\":\"event.from\",\"params\":[\""
                          + session
                          + "\",[\"pool\"],\"\","
                          + timeout
                          + "],\"id\":1}")
                      .body())
              .get("result");
      assertThat(batch.get("token").asText()).as(timeout).matches("\\d{20},\\d{20}");
      assertThat(batch.get("valid_ref_counts").get("session").isIntegralNumber()).isTrue();
    }
  }

  @Test
  void version2TakesAnObjectAsTheOneParameterAndNoParamsAsNone() throws Exception {
    assertThat(post("{\"jsonrpc\":\"2.0\",\"method\":\"system.listMethods\",\"id\":1}").body())
        .startsWith("{\"jsonrpc\":\"2.0\",\"result\":[")
        .contains("\"VM.pool_migrate\"")
        .doesNotContain("Async.");
    assertThat(post("{\"method\":\"system.listMethods\",\"params\":[],\"id\":1}").body())
        .startsWith("{\"result\":[");
  }

  @Test
  void requestsXapiCannotReadGetHttp500AndTheEndpointGoesOn() throws Exception {
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    for (String bad :
        new String[] {
          "",
          "not json",
          "[1,2]",
          "{\"jsonrpc\":\"2.0\",\"method\":\"pool.get_all\",\"params\":[]}", // no id
          "{\"jsonrpc\":\"2.0\",\"method\":\"pool.get_all\",\"params\":[],\"id\":1.5}",
          "{\"jsonrpc\":\"3.0\",\"method\":\"pool.get_all\",\"params\":[],\"id\":1}",
          "{\"method\":\"pool.get_all\",\"id\":1}", // 1.0 needs params
          "{\"params\":[],\"id\":1}",
          "{\"jsonrpc\":\"2.0\",\"method\":\"pool.get_all\",\"params\":" + deep + ",\"id\":1}",
          "{\"jsonrpc\":\"2.0\",\"method\":\"pool.get_all\",\"params\":[],\"id\":1} junk",
        }) {
      HttpResponse<String> answer = post(bad);
      assertThat(answer.statusCode()).as(bad.length() > 80 ? "deep" : bad).isEqualTo(500);
      assertThat(answer.headers().firstValue("Content-Type")).hasValue("text/html");
    }
    assertThat(post("{\"method\":\"system.listMethods\",\"params\":[],\"id\":1}").statusCode())
        .isEqualTo(200);
  }

  @Test
  void everyPathUnderJsonrpcIsJsonRpc() throws Exception {
    assertThat(
            post("/jsonrpc/x", "{\"method\":\"system.listMethods\",\"params\":[],\"id\":1}")
                .headers()
                .firstValue("Content-Type"))
        .hasValue("application/json");
  }
}
