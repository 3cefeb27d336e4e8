package io.xenmigration.bench;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Host;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.VM;
import io.xenmigration.xapisim.PoolGenerator;
import io.xenmigration.xapisim.ScaledClock;
import io.xenmigration.xapisim.XapiSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many XenAPI calls per second the simulator answers to the real SDK, on one connection and on
 * eight, against a generated pool of 200 hosts and 4,000 VMs. Client and simulator share the JVM
 * and its cores, as they do in the operator's benchmarks.
 *
 * <pre>
 * ./mvnw -q test-compile exec:java@bench-simulator
 * </pre>
 */
public final class SimulatorThroughputBench {

  private static final int REPETITIONS = 5;
  private static final Duration WARM_UP = Duration.ofSeconds(3);
  private static final Duration MEASURE = Duration.ofSeconds(4);

  private interface Call {
    void run(Connection connection, VM vm, Host host) throws Exception;
  }

  private record Scenario(String name, Call call) {}

  private SimulatorThroughputBench() {}

  public static void main(String[] args) throws Exception {
    System.out.printf(
        Locale.ROOT,
        "cores %d, max heap %d MiB, java %s%n",
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty("java.version"));
    try (XapiSimulator simulator =
        XapiSimulator.builder()
            .clock(new ScaledClock(1.0))
            .pool("big", PoolGenerator.pool("big", 200, 4000, 512))
            .start()) {
      jsonRpcUri = simulator.url("big").toURI().resolve("/jsonrpc");
      Connection probe = login(simulator);
      VM vm = VM.getByNameLabel(probe, "big-vm-1234").iterator().next();
      Host host = Host.getByNameLabel(probe, "big-host-17").iterator().next();
      long vms = VM.getAll(probe).size();
      System.out.printf(
          Locale.ROOT, "pool: 200 hosts, %d VM objects (with control domains)%n", vms);
      List<Scenario> scenarios =
          List.of(
              new Scenario("VM.get_power_state", (c, v, h) -> v.getPowerState(c)),
              new Scenario("VM.get_record", (c, v, h) -> v.getRecord(c)),
              new Scenario(
                  "VM.get_record over JSON-RPC",
                  (c, v, h) -> jsonRpc(c.getSessionReference(), "VM.get_record", v.toWireString())),
              new Scenario("host.compute_free_memory", (c, v, h) -> h.computeFreeMemory(c)));
      System.out.println();
      System.out.println("| call | connections | calls/s median | min | max |");
      System.out.println("|---|---|---|---|---|");
      for (Scenario scenario : scenarios) {
        for (int connections : new int[] {1, 8}) {
          List<Double> rates = new ArrayList<>();
          run(simulator, scenario, vm, host, connections, WARM_UP);
          for (int i = 0; i < REPETITIONS; i++) {
            rates.add(run(simulator, scenario, vm, host, connections, MEASURE));
          }
          Collections.sort(rates);
          System.out.printf(
              Locale.ROOT,
              "| %s | %d | %.0f | %.0f | %.0f |%n",
              scenario.name,
              connections,
              rates.get(rates.size() / 2),
              rates.get(0),
              rates.get(rates.size() - 1));
        }
      }
      List<Double> millis = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        long start = System.nanoTime();
        VM.getAllRecords(probe);
        millis.add((System.nanoTime() - start) / 1e6);
      }
      Collections.sort(millis);
      System.out.printf(
          Locale.ROOT,
          "%nVM.get_all_records (%d records): median %.0f ms, min %.0f, max %.0f%n",
          vms,
          millis.get(5),
          millis.get(0),
          millis.get(9));
    }
  }

  private static final java.net.http.HttpClient HTTP =
      java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1)
          .build();
  private static java.net.URI jsonRpcUri;

  /** One call as Xen Orchestra's connector makes it: a JSON-RPC 2.0 POST to /jsonrpc. */
  private static void jsonRpc(String session, String method, String ref) throws Exception {
    String body =
        "{\"jsonrpc\":\"2.0\",\"method\":\""
            + method
            + "\",\"params\":[\""
            + session
            + "\",\""
            + ref
            + "\"],\"id\":0}";
    java.net.http.HttpResponse<String> answer =
        HTTP.send(
            java.net.http.HttpRequest.newBuilder(jsonRpcUri)
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200 || !answer.body().contains("\"result\"")) {
      throw new IllegalStateException(answer.body());
    }
  }

  private static Connection login(XapiSimulator simulator) throws Exception {
    Connection connection = new Connection(simulator.url("big"));
    Session.loginWithPassword(connection, "root", "password", "2.14");
    return connection;
  }

  /** Calls per second over all connections during one period. */
  private static double run(
      XapiSimulator simulator,
      Scenario scenario,
      VM vm,
      Host host,
      int connections,
      Duration period)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    AtomicBoolean stop = new AtomicBoolean();
    List<Future<Long>> counts = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      Connection connection = login(simulator);
      counts.add(
          pool.submit(
              () -> {
                long n = 0;
                while (!stop.get()) {
                  scenario.call.run(connection, vm, host);
                  n++;
                }
                return n;
              }));
    }
    long start = System.nanoTime();
    Thread.sleep(period.toMillis()); // the measuring window itself, not a wait for a condition
    stop.set(true);
    long total = 0;
    for (Future<Long> count : counts) {
      total += count.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    return total / seconds;
  }
}
