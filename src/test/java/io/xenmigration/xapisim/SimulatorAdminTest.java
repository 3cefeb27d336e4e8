package io.xenmigration.xapisim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.xensource.xenapi.Task;
import com.xensource.xenapi.Types;
import io.xenmigration.testing.SimClient;
import io.xenmigration.testing.SimFixtures;
import io.xenmigration.xapisim.engine.SimSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Faults injected through the JSON admin endpoint take effect for SDK clients. */
class SimulatorAdminTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private ManualClock clock;
  private XapiSimulator simulator;
  private SimClient a;

  @BeforeEach
  void start() {
    clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    simulator = SimFixtures.twoPools(clock, new SimSettings()).adminPort(0).start();
    a = new SimClient(simulator, "pool-a");
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    URI uri = simulator.adminUrl().toURI().resolve(path);
    return HTTP.send(
        HttpRequest.newBuilder(uri)
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void poolsShowWhereEachVmRuns() throws Exception {
    JsonNode pools = JSON.readTree(send("GET", "pools", "").body());
    assertThat(pools.get(0).path("name").asText()).isEqualTo("pool-a");
    assertThat(pools.get(0).path("hosts").get(0).path("vms").toString())
        .contains("vm-shared", "vm-local");
  }

  @Test
  void migrationFaultFromJsonFailsTheNextMigration() throws Exception {
    HttpResponse<String> response =
        send(
            "POST",
            "faults/migrations",
            "{\"vm\":\"vm-shared\",\"atProgress\":0.4,\"code\":\"VM_MIGRATE_FAILED\","
                + "\"params\":[\"vm\",\"src\",\"dst\",\"boom\"]}");
    assertThat(response.statusCode()).isEqualTo(200);
    Task task =
        a.vm("vm-shared")
            .poolMigrateAsync(a.connection, a.host("a-host-2"), Map.of("live", "true"));
    a.runToEnd(task, clock, Duration.ofMillis(250), 200);
    assertThat(a.errorInfo(task)).containsExactly("VM_MIGRATE_FAILED", "vm", "src", "dst", "boom");
  }

  @Test
  void hostLivenessAndSessionsFromJson() throws Exception {
    send("POST", "pools/pool-a/hosts/a-host-2/live", "{\"live\":false}");
    assertThatThrownBy(() -> a.vm("vm-shared").assertCanBootHere(a.connection, a.host("a-host-2")))
        .isInstanceOf(Types.HostNotLive.class);
    send("POST", "pools/pool-a/expire-sessions", "");
    assertThatThrownBy(() -> a.vm("vm-shared")).isInstanceOf(Types.SessionInvalid.class);
  }

  @Test
  void aToolstackRestartFromJsonEnablesAHostDisabledTheOldWay() throws Exception {
    a.host("a-host-2").disable(a.connection);
    HttpResponse<String> restart =
        send("POST", "pools/pool-a/hosts/a-host-2/restart-toolstack", "");
    assertThat(JSON.readTree(restart.body()).path("reenabled").asBoolean()).isTrue();
    assertThat(a.host("a-host-2").getEnabled(a.connection)).isTrue();
    restart = send("POST", "pools/pool-a/hosts/a-host-2/restart-toolstack", "");
    assertThat(JSON.readTree(restart.body()).path("reenabled").asBoolean()).isFalse();
    assertThat(send("POST", "pools/pool-a/hosts/nope/restart-toolstack", "").statusCode())
        .isEqualTo(400);
  }

  @Test
  void callFaultsCountAndClear() throws Exception {
    send(
        "POST",
        "faults/calls",
        "{\"method\":\"VM.get_by_name_label\",\"code\":\"INTERNAL_ERROR\"}");
    send("DELETE", "faults", "");
    assertThat(a.vm("vm-shared")).isNotNull();
    JsonNode calls = JSON.readTree(send("GET", "calls", "").body());
    assertThat(calls.path("VM.get_by_name_label").asLong()).isPositive();
  }

  @Test
  void badRequestsSayWhatIsWrong() throws Exception {
    HttpResponse<String> missing = send("POST", "faults/calls", "{}");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("'method' is required");
    assertThat(send("POST", "pools/nope/expire-sessions", "").statusCode()).isEqualTo(404);
    assertThat(send("GET", "teapot", "").statusCode()).isEqualTo(404);
    assertThat(send("POST", "faults/calls", "{not json").statusCode()).isEqualTo(400);
  }

  /** A raw HTTP/1.1 exchange, for the headers a Java client will not let one set. */
  private String raw(String request) throws Exception {
    try (java.net.Socket socket =
        new java.net.Socket("127.0.0.1", simulator.adminUrl().getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      byte[] head = new byte[12];
      int read = socket.getInputStream().readNBytes(head, 0, head.length);
      return new String(head, 0, read, java.nio.charset.StandardCharsets.US_ASCII);
    }
  }

  @Test
  void itListensOnTheLoopbackWhateverThePoolsBindTo() {
    XapiSimulator wide =
        SimFixtures.twoPools(clock, new SimSettings()).bindHost("0.0.0.0").adminPort(0).start();
    try {
      assertThat(wide.adminUrl().getHost()).isEqualTo("127.0.0.1");
      assertThat(wide.url("pool-a").getHost()).isEqualTo("0.0.0.0");
    } finally {
      wide.close();
    }
  }

  @Test
  void anotherHostOrAWebPageOfAnotherOriginIsRefused() throws Exception {
    int port = simulator.adminUrl().getPort();
    String fault = "{\"method\":\"VM.get_record\",\"code\":\"INTERNAL_ERROR\"}";
    assertThat(raw("GET /pools HTTP/1.1\r\nHost: attacker.example:" + port + "\r\n\r\n"))
        .isEqualTo("HTTP/1.1 403");
    assertThat(
            raw(
                "POST /faults/calls HTTP/1.1\r\nHost: 127.0.0.1:"
                    + port
                    + "\r\nOrigin: https://attacker.example\r\nContent-Length: "
                    + fault.length()
                    + "\r\n\r\n"
                    + fault))
        .isEqualTo("HTTP/1.1 403");
    assertThat(simulator.faults().toString()).startsWith("0 call faults");
    assertThat(raw("GET /pools HTTP/1.1\r\nHost: localhost:" + port + "\r\n\r\n"))
        .isEqualTo("HTTP/1.1 200");
  }

  @Test
  void anOversizedBodyIsRefusedBeforeItIsRead() throws Exception {
    int port = simulator.adminUrl().getPort();
    // Declared at 1 GiB and never sent: the answer comes at once.
    assertThat(
            raw(
                "POST /faults/calls HTTP/1.1\r\nHost: 127.0.0.1:"
                    + port
                    + "\r\nContent-Length: 1073741824\r\n\r\n"))
        .isEqualTo("HTTP/1.1 413");
    // Chunked past the limit: cut off there.
    String chunk = "x".repeat(32 << 10);
    String chunked = ("%x\r\n" + chunk + "\r\n").formatted(chunk.length()).repeat(3) + "0\r\n\r\n";
    assertThat(
            raw(
                "POST /faults/calls HTTP/1.1\r\nHost: 127.0.0.1:"
                    + port
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + chunked))
        .isEqualTo("HTTP/1.1 413");
  }
}
