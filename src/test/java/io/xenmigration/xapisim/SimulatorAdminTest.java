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
}
