package io.xenmigration.xapisim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.xenmigration.testing.SimFixtures;
import io.xenmigration.testing.ThirdPartyClients;
import io.xenmigration.xapisim.engine.SimSettings;
import io.xenmigration.xapisim.model.SimVm;
import io.xenmigration.xapisim.model.XClass;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stand-alone simulator driven by clients it was not written with: Xen Orchestra's own XenAPI
 * connector (npm {@code xen-api}, JSON-RPC by default, XML-RPC forced) and a Python session as
 * XenAPI.py makes one.
 */
class ThirdPartyClientsE2E {

  private static XapiSimulator simulator;
  private static String url;

  @BeforeAll
  static void start() {
    // Sixty simulated seconds a second: a live migration takes a fraction of a real one.
    simulator = SimFixtures.twoPools(new ScaledClock(60), new SimSettings()).start();
    url = simulator.url("pool-a").toString();
  }

  @AfterAll
  static void stop() {
    simulator.close();
  }

  /** Objects per class as a client names them, tasks left out (they come and go). */
  private static Map<String, Integer> objects() {
    return simulator.inWorld(
        world -> {
          Map<String, Integer> counts = new TreeMap<>();
          for (XClass xclass : XClass.values()) {
            if (xclass != XClass.SESSION && xclass != XClass.TASK) {
              counts.put(xclass.wireName(), world.pool("pool-a").count(xclass));
            }
          }
          return counts;
        });
  }

  private static Map<String, Integer> cached(JsonNode report) {
    Map<String, Integer> cached = new TreeMap<>();
    report
        .get("cached")
        .fields()
        .forEachRemaining(e -> cached.put(e.getKey(), e.getValue().asInt()));
    cached.remove("task");
    return cached;
  }

  private static String hostOf(String vm) {
    return simulator.inWorld(
        world -> {
          SimVm found = world.pool("pool-a").vm(vm);
          return found.residentOn.nameLabel;
        });
  }

  private static long transport(String name) {
    return simulator.calls().transports().getOrDefault(name, 0L);
  }

  private static void assertMoved(JsonNode report, String vm, String to) {
    assertThat(report.get("from").asText()).isNotEqualTo(to);
    assertThat(report.get("to").asText()).isEqualTo(to);
    assertThat(hostOf(vm)).isEqualTo(to);
  }

  @Test
  void xenOrchestrasConnectorSpeaksJsonRpcByDefaultAndSeesTheMoveThroughEvents() throws Exception {
    long xml = transport("xml-rpc");
    long json = transport("json-rpc");
    long migrations = simulator.calls().count("Async.VM.pool_migrate");
    JsonNode report =
        ThirdPartyClients.xenOrchestra(url, "root", "password", "auto", "vm-shared", "a-host-2");
    assertThat(report.get("pool").asText()).isEqualTo("pool-a");
    assertThat(cached(report)).isEqualTo(objects());
    assertMoved(report, "vm-shared", "a-host-2");
    assertThat(report.get("powerState").asText()).isEqualTo("Running");
    assertThat(simulator.calls().count("Async.VM.pool_migrate")).isEqualTo(migrations + 1);
    // Every request went to /jsonrpc: JSON-RPC was accepted, XML-RPC never tried.
    assertThat(transport("json-rpc")).isGreaterThan(json);
    assertThat(transport("xml-rpc")).isEqualTo(xml);
    assertThat(simulator.calls().count("event.inject")).isPositive();
  }

  @Test
  void xenOrchestrasConnectorWorksWithXmlRpcForcedToo() throws Exception {
    long json = transport("json-rpc");
    long xml = transport("xml-rpc");
    String to = hostOf("vm-busy").equals("a-host-3") ? "a-host-1" : "a-host-3";
    JsonNode report =
        ThirdPartyClients.xenOrchestra(url, "root", "password", "xml-rpc", "vm-busy", to);
    assertThat(cached(report)).isEqualTo(objects());
    assertMoved(report, "vm-busy", to);
    assertThat(transport("xml-rpc")).isGreaterThan(xml);
    assertThat(transport("json-rpc")).isEqualTo(json);
  }

  @Test
  void aPythonSessionAsXenApiPyMakesOneMovesAVmAndFollowsIt() throws Exception {
    String to = hostOf("vm-shared").equals("a-host-3") ? "a-host-1" : "a-host-3";
    JsonNode report = ThirdPartyClients.python(url, "root", "password", "vm-shared", to);
    assertThat(report.get("apiVersion").toString()).isEqualTo("[2,14]");
    assertMoved(report, "vm-shared", to);
    assertThat(report.get("status").asText()).isEqualTo("success");
    assertThat(report.get("errorInfo")).isEmpty();
    assertThat(report.get("progressReports").asInt()).isPositive();
    assertThat(report.get("refused").get(0).asText()).isEqualTo("HANDLE_INVALID");
    Map<String, Integer> cached = new TreeMap<>();
    report
        .get("cached")
        .fields()
        .forEachRemaining(e -> cached.put(e.getKey(), e.getValue().asInt()));
    assertThat(cached).containsEntry("vm", objects().get("VM")).containsEntry("host", 3);
    assertThat(report.get("validRefCounts").get("vm").asInt()).isEqualTo(objects().get("VM"));
  }
}
