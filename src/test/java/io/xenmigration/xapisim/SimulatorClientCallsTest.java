package io.xenmigration.xapisim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.xenmigration.testing.SimFixtures;
import io.xenmigration.xapisim.engine.SimSettings;
import io.xenmigration.xapisim.model.XClass;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The calls third-party clients make beyond what the operator needs: event.inject and the legacy
 * event queue, get_all_records_where, other_config on every class, task.create and its setters,
 * VDI.create; over JSON-RPC, as Xen Orchestra's connector sends them.
 */
class SimulatorClientCallsTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private XapiSimulator simulator;
  private String session;

  /** A XenAPI failure as a client sees it: the code and its parameters. */
  static final class Failure extends RuntimeException {
    final List<String> description;

    Failure(List<String> description) {
      super(description.toString());
      this.description = description;
    }
  }

  @BeforeEach
  void start() throws Exception {
    simulator =
        SimFixtures.twoPools(
                new ManualClock(Instant.parse("2026-01-01T00:00:00Z")), new SimSettings())
            .start();
    session = call("session.login_with_password", "root", "password").asText();
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  private CompletableFuture<JsonNode> send(String method, Object... params) throws Exception {
    List<Object> all = new ArrayList<>();
    if (!method.startsWith("session.login")) {
      all.add(session);
    }
    all.addAll(List.of(params));
    String body =
        JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "method", method, "params", all, "id", 1));
    return HTTP.sendAsync(
            HttpRequest.newBuilder(simulator.url("pool-a").toURI().resolve("/jsonrpc"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .thenApply(
            response -> {
              try {
                JsonNode answer = JSON.readTree(response.body());
                if (answer.has("error")) {
                  List<String> description = new ArrayList<>();
                  description.add(answer.get("error").get("message").asText());
                  answer.get("error").get("data").forEach(p -> description.add(p.asText()));
                  throw new Failure(description);
                }
                return answer.get("result");
              } catch (java.io.IOException e) {
                throw new IllegalStateException(response.body(), e);
              }
            });
  }

  private JsonNode call(String method, Object... params) throws Exception {
    try {
      return send(method, params).get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw (RuntimeException) e.getCause();
    }
  }

  private List<String> failure(String method, Object... params) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> call(method, params));
    assertThat(thrown).isInstanceOf(Failure.class);
    return ((Failure) thrown).description;
  }

  private String ref(String xclass, String name) throws Exception {
    return call(xclass + ".get_by_name_label", name).get(0).asText();
  }

  @Test
  void injectReturnsATokenBeforeItsOwnModificationOfTheObject() throws Exception {
    String pool = call("pool.get_all").get(0).asText();
    String token = call("event.inject", "pool", pool).asText();
    assertThat(token).matches("\\d{20},\\d{20}");
    JsonNode batch = call("event.from", List.of("pool"), token, 0.0);
    assertThat(batch.get("events")).hasSize(1);
    JsonNode event = batch.get("events").get(0);
    assertThat(event.get("operation").asText()).isEqualTo("mod");
    assertThat(event.get("ref").asText()).isEqualTo(pool);
    assertThat(event.get("class").asText()).isEqualTo("pool");
    assertThat(event.get("id").isTextual()).isTrue();
    // The class is the exact table name: "VM", not "vm"; a ref of another class is no better.
    String vm = ref("VM", "vm-shared");
    assertThat(failure("event.inject", "vm", vm)).containsExactly("HANDLE_INVALID", "vm", vm);
    assertThat(failure("event.inject", "host", vm)).containsExactly("HANDLE_INVALID", "host", vm);
    assertThat(call("event.inject", "VM", vm).asText()).matches("\\d{20},\\d{20}");
    assertThat(failure("event.from", List.of("vm"), "garbage", 0.0))
        .containsExactly("EVENT_FROM_TOKEN_PARSE_FAILURE", "garbage");
  }

  @Test
  void validRefCountsCountEveryTableExactly() throws Exception {
    JsonNode counts = call("event.from", List.of("vm"), "", 0.0).get("valid_ref_counts");
    Map<String, Integer> expected =
        simulator.inWorld(
            world -> {
              Map<String, Integer> byClass = new java.util.TreeMap<>();
              for (XClass xclass : XClass.values()) {
                byClass.put(xclass.eventName(), world.pool("pool-a").count(xclass));
              }
              return byClass;
            });
    Map<String, Integer> seen = new java.util.TreeMap<>();
    counts.fields().forEachRemaining(e -> seen.put(e.getKey(), e.getValue().asInt()));
    assertThat(seen).isEqualTo(expected).containsEntry("session", 1);
  }

  @Test
  void anOldTokenIsAnsweredWithEveryObjectNotWithEventsLost() throws Exception {
    String token = call("event.from", List.of("vm"), "", 0.0).get("token").asText();
    simulator.pool("pool-a").events.setCapacity(2);
    String pool = call("pool.get_all").get(0).asText();
    for (int i = 0; i < 5; i++) {
      call("pool.add_to_other_config", pool, "k" + i, "v");
    }
    JsonNode batch = call("event.from", List.of("vm"), token, 0.0);
    int vms = simulator.inWorld(world -> world.pool("pool-a").count(XClass.VM));
    assertThat(batch.get("events")).hasSize(vms);
    batch.get("events").forEach(e -> assertThat(e.get("operation").asText()).isEqualTo("mod"));
  }

  @Test
  void theLegacyQueueDeliversEveryChangeOnceAndReportsLostEvents() throws Exception {
    assertThat(failure("event.next").get(0)).isEqualTo("SESSION_NOT_REGISTERED");
    call("event.register", List.of("VM"));
    String vm = ref("VM", "vm-shared");
    String host = ref("host", "a-host-1");
    call("VM.add_to_other_config", vm, "a", "1");
    call("host.add_to_other_config", host, "a", "1"); // not subscribed
    call("VM.remove_from_other_config", vm, "a");
    ArrayNode events = (ArrayNode) call("event.next");
    // Not coalesced: two changes of one VM are two events, in order.
    assertThat(events).hasSize(2);
    assertThat(events.get(0).get("snapshot").get("other_config").get("a").asText()).isEqualTo("1");
    assertThat(events.get(1).get("snapshot").get("other_config").has("a")).isFalse();
    // The next call waits until there is something.
    CompletableFuture<JsonNode> waiting = send("event.next");
    // Once the simulator has taken the call up, it is parked, not answered.
    await().atMost(10, TimeUnit.SECONDS).until(() -> simulator.calls().count("event.next") == 3);
    assertThat(waiting).isNotDone();
    call("VM.add_to_other_config", vm, "b", "2");
    assertThat(waiting.get(10, TimeUnit.SECONDS)).hasSize(1);
    // Events dropped from the queue before the session read them: EVENTS_LOST, then a fresh start.
    simulator.pool("pool-a").events.setCapacity(2);
    for (int i = 0; i < 4; i++) {
      call("VM.add_to_other_config", vm, "c" + i, "v");
    }
    assertThat(failure("event.next")).containsExactly("EVENTS_LOST");
    call("event.unregister", List.of("VM"));
    call("event.register", List.of("*"));
    call("VM.remove_from_other_config", vm, "b");
    assertThat(call("event.next")).hasSize(1);
  }

  @Test
  void aWaitingEventNextEndsWhenItsSessionGoesOrItsClientLeaves() throws Exception {
    call("event.register", List.of("vm"));
    CompletableFuture<JsonNode> waiting = send("event.next");
    await().atMost(10, TimeUnit.SECONDS).until(() -> waiting() == 1);
    simulator.expireSessions("pool-a");
    assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(Failure.class)
        .cause()
        .hasMessageContaining("SESSION_INVALID");
    assertThat(waiting()).isZero();

    session = call("session.login_with_password", "root", "password").asText();
    call("event.register", List.of("vm"));
    String body =
        JSON.writeValueAsString(
            Map.of("jsonrpc", "2.0", "method", "event.next", "params", List.of(session), "id", 1));
    java.net.URL url = simulator.url("pool-a");
    try (java.net.Socket socket = new java.net.Socket(url.getHost(), url.getPort())) {
      socket
          .getOutputStream()
          .write(
              ("POST /jsonrpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      + "Content-Length: "
                      + body.length()
                      + "\r\n\r\n"
                      + body)
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      await().atMost(10, TimeUnit.SECONDS).until(() -> waiting() == 1);
    }
    // The client went away: its parked call, and what it held, went with it.
    await().atMost(10, TimeUnit.SECONDS).until(() -> waiting() == 0);
  }

  private int waiting() {
    return simulator.inWorld(world -> world.pool("pool-a").events.waiting());
  }

  @Test
  void getAllRecordsWhereTakesXapisExpressions() throws Exception {
    JsonNode shared = call("VM.get_all_records_where", "field \"name__label\"=\"vm-shared\"");
    assertThat(shared).hasSize(1);
    assertThat(shared.elements().next().get("name_label").asText()).isEqualTo("vm-shared");
    JsonNode running =
        call(
            "VM.get_all_records_where",
            "field \"power_state\" = \"Running\" and not (field \"is_control_domain\"=\"true\")");
    List<String> names = new ArrayList<>();
    running.elements().forEachRemaining(r -> names.add(r.get("name_label").asText()));
    assertThat(names).containsExactlyInAnyOrder("vm-shared", "vm-local", "vm-busy");
    JsonNode either =
        call(
            "host.get_all_records_where",
            "(field \"name__label\"=\"a-host-1\") or (field \"name__label\"=\"a-host-3\")");
    assertThat(either).hasSize(2);
    // not negates all that follows: not (dom0 or halted), not (not dom0) or halted.
    JsonNode notFirst =
        call(
            "VM.get_all_records_where",
            "not field \"is_control_domain\"=\"true\" or field \"power_state\"=\"Halted\"");
    List<String> ordinary = new ArrayList<>();
    notFirst.elements().forEachRemaining(r -> ordinary.add(r.get("name_label").asText()));
    assertThat(ordinary).containsExactlyInAnyOrder("vm-shared", "vm-local", "vm-busy");
    // Nesting deeper than the wire allows is a bad expression, not a crash.
    assertThat(
            failure("VM.get_all_records_where", "(".repeat(10_000) + "true" + ")".repeat(10_000))
                .get(0))
        .isEqualTo("INVALID_VALUE");
    assertThat(failure("VM.get_all_records_where", "not ".repeat(10_000) + "true").get(0))
        .isEqualTo("INVALID_VALUE");
    String chain = "true" + " and true".repeat(20_000);
    assertThat(call("SR.get_all_records_where", chain).size()).isEqualTo(call("SR.get_all").size());
    assertThat(call("SR.get_all_records_where", "true").size())
        .isEqualTo(call("SR.get_all").size());
    assertThat(call("SR.get_all_records_where", "false")).isEmpty();
    assertThat(failure("VM.get_all_records_where", "field \"name__label\"=").get(0))
        .isEqualTo("INVALID_VALUE");
    assertThat(failure("VM.get_all_records_where", "field \"no_such\"=\"x\""))
        .containsExactly("INTERNAL_ERROR", "missing field", "no_such", "");
  }

  @Test
  void otherConfigOnEveryClassRefusesADuplicateKeyAndIgnoresAMissingOne() throws Exception {
    String pool = call("pool.get_all").get(0).asText();
    String sr = ref("SR", "nfs-a");
    String vdi = call("SR.get_VDIs", sr).get(0).asText();
    Map<String, String> objects =
        Map.of(
            "pool",
            pool,
            "host",
            ref("host", "a-host-2"),
            "VM",
            ref("VM", "vm-busy"),
            "SR",
            sr,
            "VDI",
            vdi,
            "task",
            call("task.create", "mine", "a task of my own").asText());
    for (Map.Entry<String, String> object : objects.entrySet()) {
      String xclass = object.getKey();
      String ref = object.getValue();
      call(xclass + ".add_to_other_config", ref, "xo:barrier", "1");
      assertThat(call(xclass + ".get_other_config", ref).get("xo:barrier").asText())
          .as(xclass)
          .isEqualTo("1");
      assertThat(failure(xclass + ".add_to_other_config", ref, "xo:barrier", "1"))
          .as(xclass)
          .containsExactly("MAP_DUPLICATE_KEY", xclass, "other_config", ref, "xo:barrier");
      call(xclass + ".remove_from_other_config", ref, "xo:barrier");
      call(xclass + ".remove_from_other_config", ref, "xo:barrier");
      assertThat(call(xclass + ".get_other_config", ref).has("xo:barrier")).as(xclass).isFalse();
    }
  }

  @Test
  void aClientsTaskIsPendingUntilItsOwnerSetsIt() throws Exception {
    String task = call("task.create", "backup", "nightly").asText();
    JsonNode record = call("task.get_record", task);
    assertThat(record.get("status").asText()).isEqualTo("pending");
    assertThat(record.get("name_description").asText()).isEqualTo("nightly");
    call("task.set_progress", task, 0.5);
    call("task.set_status", task, "success");
    record = call("task.get_record", task);
    assertThat(record.get("progress").asDouble()).isEqualTo(0.5);
    assertThat(record.get("status").asText()).isEqualTo("success");
    assertThat(failure("task.set_status", task, "finished"))
        .containsExactly("ENUM_INVALID", "task_status_type", "finished");
    // The master runs xapi 1.249 (XCP-ng 8.2): set_result came with 21.3.0.
    assertThat(failure("task.set_result", task, "<value>x</value>"))
        .containsExactly("MESSAGE_METHOD_UNKNOWN", "task.set_result");
    call("task.destroy", task);
    assertThat(failure("task.get_record", task)).containsExactly("HANDLE_INVALID", "task", task);
  }

  @Test
  void aUsersDiskCanBeCreatedOnAnSrAndDestroyed() throws Exception {
    String sr = ref("SR", "nfs-a");
    Map<String, Object> record =
        Map.of(
            "name_label",
            "scratch",
            "SR",
            sr,
            "virtual_size",
            1L << 30,
            "type",
            "user",
            "sharable",
            false,
            "read_only",
            false,
            "other_config",
            Map.of("owner", "me"));
    String vdi = call("VDI.create", record).asText();
    JsonNode created = call("VDI.get_record", vdi);
    assertThat(created.get("name_label").asText()).isEqualTo("scratch");
    assertThat(created.get("virtual_size").asLong()).isEqualTo(1L << 30);
    assertThat(created.get("SR").asText()).isEqualTo(sr);
    assertThat(created.get("other_config").get("owner").asText()).isEqualTo("me");
    assertThat(call("SR.get_VDIs", sr).toString()).contains(vdi);
    Map<String, Object> bad = new java.util.HashMap<>(record);
    bad.put("type", "cbt_metadata");
    assertThat(failure("VDI.create", bad).get(0)).isEqualTo("VDI_INCOMPATIBLE_TYPE");
    bad.remove("read_only");
    assertThat(failure("VDI.create", bad).get(0)).isEqualTo("INTERNAL_ERROR");
    bad.put("read_only", false);
    bad.put("SR", "OpaqueRef:gone");
    bad.put("type", "user");
    assertThat(failure("VDI.create", bad))
        .containsExactly("HANDLE_INVALID", "SR", "OpaqueRef:gone");
    call("VDI.destroy", vdi);
    assertThat(call("SR.get_VDIs", sr).toString()).doesNotContain(vdi);
    // A VM's disk is in use: refused.
    String vmDisk = null;
    for (JsonNode vbd : call("VM.get_VBDs", ref("VM", "vm-shared"))) {
      String disk = call("VBD.get_VDI", vbd.asText()).asText();
      if (!disk.equals("OpaqueRef:NULL")) {
        vmDisk = disk;
      }
    }
    assertThat(failure("VDI.destroy", vmDisk)).containsExactly("VDI_IN_USE", vmDisk, "destroy");
  }

  @Test
  void aVmsAllowedOperationsShowWhatItCanDoNow() throws Exception {
    String vm = ref("VM", "vm-shared");
    assertThat(call("VM.get_allowed_operations", vm).toString())
        .contains("\"pool_migrate\"", "\"migrate_send\"", "\"clean_shutdown\"");
    assertThatThrownBy(() -> call("VM.get_allowed_operations", "OpaqueRef:gone"))
        .isInstanceOf(Failure.class);
  }
}
