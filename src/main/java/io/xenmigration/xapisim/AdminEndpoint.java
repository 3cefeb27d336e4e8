package io.xenmigration.xapisim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.xenmigration.xapisim.engine.Faults;
import io.xenmigration.xapisim.model.SimHost;
import io.xenmigration.xapisim.model.SimPool;
import io.xenmigration.xapisim.model.SimVm;
import io.xenmigration.xapisim.model.XClass;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A small JSON endpoint to inject faults and look at the pools while the simulator runs, for the
 * sandbox and for people trying things by hand. See {@code docs/simulator.md} for the requests.
 */
final class AdminEndpoint {

  /** Where the endpoint listens unless told otherwise. */
  static final String LOOPBACK = "127.0.0.1";

  /** The largest request body read: every admin request is a small JSON object. */
  static final int MAX_BODY_BYTES = 64 << 10;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final XapiSimulator simulator;
  private final String host;
  private HttpServer server;

  AdminEndpoint(XapiSimulator simulator, String host) {
    this.simulator = simulator;
    this.host = host;
  }

  Future<HttpServer> listen(Vertx vertx, int port) {
    // Plain HTTP/1.1, as xapi speaks: no upgrade to HTTP/2.
    server =
        vertx
            .createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
            .requestHandler(this::handle);
    return server.listen(port, host);
  }

  String host() {
    return host;
  }

  int port() {
    return server.actualPort();
  }

  Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest request) {
    String refused = refusal(request);
    if (refused != null) {
      reply(request, 403, JSON.createObjectNode().put("error", refused));
      return;
    }
    BoundedBody.read(
        request,
        MAX_BODY_BYTES,
        body -> {
          try {
            Object answer = route(request.method(), request.path(), parse(body));
            reply(request, 200, answer);
          } catch (IllegalArgumentException | IOException e) {
            reply(request, 400, JSON.createObjectNode().put("error", e.getMessage()));
          } catch (NotFound e) {
            reply(request, 404, JSON.createObjectNode().put("error", e.getMessage()));
          } catch (RuntimeException e) {
            // Answered, so that a client never waits on a request that broke.
            reply(request, 500, JSON.createObjectNode().put("error", String.valueOf(e)));
          }
        });
  }

  /**
   * Why a request is refused, or null. A web page the user has open could otherwise post faults
   * here (its Origin says so), or reach it through a name that resolves to this address (DNS
   * rebinding: its Host is not ours).
   */
  private String refusal(HttpServerRequest request) {
    int port = server.actualPort();
    java.util.Set<String> ours =
        new java.util.HashSet<>(
            java.util.List.of(
                LOOPBACK + ":" + port, "localhost:" + port, "[::1]:" + port, host + ":" + port));
    String hostHeader = request.getHeader("Host");
    if (hostHeader == null || !ours.contains(hostHeader.toLowerCase(java.util.Locale.ROOT))) {
      return "the Host header must name this endpoint (" + LOOPBACK + ":" + port + ")";
    }
    String origin = request.getHeader("Origin");
    if (origin != null
        && !ours.stream()
            .map(h -> "http://" + h)
            .toList()
            .contains(origin.toLowerCase(java.util.Locale.ROOT))) {
      return "requests from web pages of other origins are refused";
    }
    return null;
  }

  private static final class NotFound extends Exception {
    NotFound(String message) {
      super(message);
    }
  }

  private static JsonNode parse(Buffer body) throws IOException {
    return body.length() == 0 ? JSON.createObjectNode() : JSON.readTree(body.getBytes());
  }

  private static void reply(HttpServerRequest request, int status, Object answer) {
    try {
      request
          .response()
          .setStatusCode(status)
          .putHeader("Content-Type", "application/json")
          .end(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer) + "\n");
    } catch (IOException e) {
      request.response().setStatusCode(500).end();
    }
  }

  private Object route(HttpMethod method, String path, JsonNode body) throws NotFound {
    Faults faults = simulator.faults();
    String[] parts = path.replaceAll("^/+|/+$", "").split("/");
    String route = method.name() + " /" + String.join("/", parts);
    switch (route) {
      case "GET /pools":
        return pools();
      case "GET /calls":
        return simulator.calls().counts();
      case "DELETE /faults":
        faults.clear();
        return ok();
      case "POST /faults/calls":
        faults.failCalls(
            text(body, "method"), body.path("times").asInt(1), text(body, "code"), params(body));
        return ok();
      case "POST /faults/migrations":
        if (body.path("hang").asBoolean(false)) {
          faults.hangMigration(optional(body, "vm"), body.path("atProgress").asDouble(0.5));
        } else {
          faults.failMigration(
              optional(body, "vm"),
              body.path("atProgress").asDouble(0.5),
              text(body, "code"),
              params(body));
        }
        return ok();
      case "POST /migrations/resume":
        return JSON.createObjectNode()
            .put("resumed", simulator.resumeHungMigrations(optional(body, "vm")));
      case "POST /faults/latency":
        faults.addLatency(
            optional(body, "method"), Duration.ofMillis(body.path("millis").asLong()));
        return ok();
      case "POST /faults/http":
        faults.failHttp(body.path("errors").asInt(0));
        faults.resetConnections(body.path("resets").asInt(0));
        return ok();
      default:
        break;
    }
    // POST /pools/{pool}/hosts/{host}/live {"live": false}, POST /pools/{pool}/expire-sessions
    if (method == HttpMethod.POST
        && parts.length == 5
        && parts[0].equals("pools")
        && parts[2].equals("hosts")
        && parts[4].equals("live")) {
      requirePool(parts[1]);
      simulator.setHostLive(parts[1], parts[3], body.path("live").asBoolean(true));
      return ok();
    }
    // POST /pools/{pool}/hosts/{host}/restart-toolstack → {"reenabled": true|false}
    if (method == HttpMethod.POST
        && parts.length == 5
        && parts[0].equals("pools")
        && parts[2].equals("hosts")
        && parts[4].equals("restart-toolstack")) {
      requirePool(parts[1]);
      return JSON.createObjectNode()
          .put("reenabled", simulator.restartToolstack(parts[1], parts[3]));
    }
    if (method == HttpMethod.POST
        && parts.length == 3
        && parts[0].equals("pools")
        && parts[2].equals("expire-sessions")) {
      requirePool(parts[1]);
      simulator.expireSessions(parts[1]);
      return ok();
    }
    throw new NotFound("no such request: " + route);
  }

  private void requirePool(String name) throws NotFound {
    try {
      simulator.pool(name);
    } catch (IllegalArgumentException e) {
      throw new NotFound(e.getMessage());
    }
  }

  private static ObjectNode ok() {
    return JSON.createObjectNode().put("ok", true);
  }

  private static String text(JsonNode body, String field) {
    String value = optional(body, field);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("'" + field + "' is required");
    }
    return value;
  }

  private static String optional(JsonNode body, String field) {
    JsonNode value = body.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static String[] params(JsonNode body) {
    List<String> params = new ArrayList<>();
    body.path("params").forEach(p -> params.add(p.asText()));
    return params.toArray(String[]::new);
  }

  /** Each pool's hosts with their state, and where each VM runs. */
  private ArrayNode pools() {
    return simulator.inWorld(
        world -> {
          ArrayNode pools = JSON.createArrayNode();
          for (SimPool pool : world.pools()) {
            ObjectNode node = pools.addObject();
            node.put("name", pool.nameLabel);
            node.put("url", simulator.url(pool.nameLabel).toString());
            ArrayNode hosts = node.putArray("hosts");
            for (SimHost host : pool.<SimHost>all(XClass.HOST)) {
              ObjectNode h = hosts.addObject();
              h.put("name", host.nameLabel);
              h.put("live", host.metrics.live);
              h.put("enabled", host.enabled);
              h.put("memoryFreeBytes", host.freeMemory());
              ArrayNode vms = h.putArray("vms");
              for (SimVm vm : host.residentVms) {
                if (vm.isOrdinary()) {
                  vms.add(vm.nameLabel);
                }
              }
            }
          }
          return pools;
        });
  }
}
