package io.xenmigration.xapisim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.xenmigration.xapisim.api.Dispatcher;
import io.xenmigration.xapisim.api.XapiError;
import io.xenmigration.xapisim.engine.Faults;
import io.xenmigration.xapisim.model.SimPool;
import io.xenmigration.xapisim.wire.JsonRpc;
import io.xenmigration.xapisim.wire.RpcCall;
import io.xenmigration.xapisim.wire.XmlRpc;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One pool's API endpoint, routed as xapi's handler table routes ({@code Http_svr}, longest path
 * prefix): JSON-RPC on {@code /jsonrpc}, XML-RPC on every other POST path ({@code /}, {@code
 * /RPC2}, {@code /xmlrpc}, {@code /json}), the CORS answer to OPTIONS. A member endpoint answers
 * logins with HOST_IS_SLAVE and the master's address, as a pool member does.
 */
final class XapiEndpoint {

  /** xapi's limit on an RPC body ({@code Constants.http_limit_max_rpc_size}), 300 KiB. */
  static final int MAX_BODY_BYTES = 300 << 10;

  /** POST paths xapi gives to handlers the simulator does not have (the CLI, services, the DB). */
  private static final List<String> UNSERVED_POST =
      List.of("/cli", "/services", "/remote_db_access");

  private final SimPool pool;
  private final Dispatcher dispatcher;
  private final Faults faults;
  private final String masterAddressForMembers;
  private HttpServer server;

  XapiEndpoint(SimPool pool, Dispatcher dispatcher, Faults faults, String masterAddressForMembers) {
    this.pool = pool;
    this.dispatcher = dispatcher;
    this.faults = faults;
    this.masterAddressForMembers = masterAddressForMembers;
  }

  Future<HttpServer> listen(Vertx vertx, HttpServerOptions options, String host, int port) {
    server = vertx.createHttpServer(options).requestHandler(this::handle);
    return server.listen(port, host);
  }

  int port() {
    return server.actualPort();
  }

  Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest request) {
    HttpMethod method = request.method();
    String path = request.path();
    if (method == HttpMethod.OPTIONS) {
      options(request); // xapi registers it on "/", so every path answers it
      return;
    }
    if (method != HttpMethod.POST) {
      // xapi has GET, PUT and CONNECT handlers the simulator does not serve (exports, imports,
      // consoles): its default for those is 403; a method it has no handler for at all is 501.
      boolean known =
          method == HttpMethod.GET || method == HttpMethod.PUT || method == HttpMethod.CONNECT;
      if (known) {
        html(request, 403, "Forbidden", "Access to the requested resource is forbidden.");
      } else {
        html(request, 501, "Method not implemented", method + " not supported.");
      }
      return;
    }
    boolean json = path.startsWith("/jsonrpc");
    if (UNSERVED_POST.stream().anyMatch(path::startsWith)) {
      html(request, 404, "Not Found", "The simulator does not serve " + escape(path) + ".");
      return;
    }
    if (faults.takeConnectionReset() || masterDown()) {
      request.connection().close();
      return;
    }
    if (faults.takeHttpError()) {
      internalError(request, "an injected fault");
      return;
    }
    dispatcher.calls().countTransport(json ? "json-rpc" : "xml-rpc");
    // xapi reads a body only with its length, at most 300 KiB; anything else is its HTTP 500.
    BoundedBody.read(
        request,
        MAX_BODY_BYTES,
        true,
        (refused, status, reason) -> internalError(refused, reason),
        body -> {
          if (json) {
            answerJson(request, body);
          } else {
            answerXml(request, body);
          }
        });
  }

  /** A pool whose master is offline answers nothing at all. */
  private boolean masterDown() {
    synchronized (pool.world) {
      return pool.master != null && !pool.master.metrics.live;
    }
  }

  private void answerXml(HttpServerRequest request, Buffer body) {
    RpcCall call;
    try {
      call = XmlRpc.parseCall(body.getBytes());
    } catch (XmlRpc.TooDeepException e) {
      // Well-formed, but more than the simulator unmarshals: a XenAPI failure.
      send(
          request,
          "text/xml",
          XmlRpc.failure(List.of("XMLRPC_UNMARSHAL_FAILURE", e.getMessage())),
          false);
      return;
    } catch (XmlRpc.MalformedCallException e) {
      // xapi answers HTTP 500 only to XML it cannot parse.
      internalError(request, e.getMessage());
      return;
    }
    // xapi writes system.listMethods' array bare, without the {Status, Value} struct.
    boolean bare = call.method().equals("system.listMethods");
    dispatch(
        request,
        call,
        "text/xml",
        outcome ->
            outcome instanceof XapiError error
                ? XmlRpc.failure(error.description())
                : bare ? XmlRpc.bare(outcome) : XmlRpc.success(outcome));
  }

  private void answerJson(HttpServerRequest request, Buffer body) {
    JsonRpc.Request parsed;
    try {
      parsed = JsonRpc.parseRequest(body.getBytes());
    } catch (JsonRpc.MalformedRequestException e) {
      // ocaml-rpc raises, xapi's HTTP server answers 500: no JSON-RPC error object.
      internalError(request, e.getMessage());
      return;
    }
    dispatch(
        request,
        parsed.call(),
        "application/json",
        outcome ->
            outcome instanceof XapiError error
                ? JsonRpc.failure(parsed, error.description())
                : JsonRpc.success(parsed, outcome));
  }

  private void dispatch(
      HttpServerRequest request,
      RpcCall call,
      String contentType,
      Function<Object, String> encode) {
    Duration delay = faults.latency(call.method());
    Object outcome;
    String answer = null;
    synchronized (pool.world) {
      if (masterAddressForMembers != null && call.method().equals("session.login_with_password")) {
        outcome = new XapiError("HOST_IS_SLAVE", masterAddressForMembers);
      } else {
        try {
          outcome = dispatcher.dispatch(pool, call);
        } catch (XapiError e) {
          outcome = e;
        } catch (RuntimeException | StackOverflowError e) {
          // A handler's own bug, or input that nests its parsing too deep: still an answer.
          outcome = new XapiError("INTERNAL_ERROR", String.valueOf(e));
        }
      }
      if (!(outcome instanceof CompletableFuture<?>)) {
        // Records hold the objects' live maps: encode them while nothing can change them.
        answer = encodeOrNull(encode, outcome);
      }
    }
    if (outcome instanceof CompletableFuture<?> pending) {
      // A client that goes away stops its parked call (an event wait) and what it holds.
      request.response().closeHandler(closed -> pending.cancel(false));
      pending.whenComplete(
          (value, error) -> {
            if (error instanceof java.util.concurrent.CancellationException) {
              return;
            }
            Object settled = error == null ? value : unwrap(error);
            String text;
            synchronized (pool.world) {
              text = encodeOrNull(encode, settled);
            }
            finish(request, contentType, text, delay);
          });
    } else {
      finish(request, contentType, answer, delay);
    }
  }

  private static String encodeOrNull(Function<Object, String> encode, Object outcome) {
    try {
      return encode.apply(outcome);
    } catch (RuntimeException e) {
      return null; // answered as an internal error below
    }
  }

  private void finish(HttpServerRequest request, String contentType, String body, Duration delay) {
    if (body == null) {
      internalError(request, "the answer could not be encoded");
    } else {
      reply(request, contentType, body, delay);
    }
  }

  private static Object unwrap(Throwable error) {
    Throwable cause = error;
    while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof XapiError xapiError
        ? xapiError
        : new XapiError("INTERNAL_ERROR", String.valueOf(cause));
  }

  private void reply(HttpServerRequest request, String contentType, String body, Duration delay) {
    if (delay.isZero()) {
      send(request, contentType, body, true);
    } else {
      pool.world.clock.schedule(
          pool.world.clock.now().plus(delay), () -> send(request, contentType, body, true));
    }
  }

  /** An answer with xapi's headers; the CORS pair comes with answers to calls that were read. */
  private static void send(
      HttpServerRequest request, String contentType, String body, boolean cors) {
    HttpServerResponse response = request.response();
    if (response.closed()) {
      return;
    }
    response
        .putHeader("Cache-Control", "no-cache, no-store")
        .putHeader("Content-Type", contentType);
    if (cors) {
      response
          .putHeader("Access-Control-Allow-Origin", "*")
          .putHeader("Access-Control-Allow-Headers", "X-Requested-With");
    }
    response.end(body);
  }

  /** xapi's answer to OPTIONS: CORS headers naming the headers the client asked for. */
  private static void options(HttpServerRequest request) {
    String asked = request.getHeader("Access-Control-Request-Headers");
    request
        .response()
        .putHeader("Access-Control-Allow-Origin", "*")
        .putHeader(
            "Access-Control-Allow-Headers",
            asked == null ? "X-Requested-With" : asked + ", X-Requested-With")
        .putHeader("Access-Control-Allow-Methods", "PUT")
        .putHeader("Cache-Control", "no-cache, no-store")
        .end();
  }

  private static void internalError(HttpServerRequest request, String detail) {
    html(
        request,
        500,
        "Internal Error",
        "An unexpected error occurred; please wait a while and try again. " + escape(detail));
  }

  /** An error page as xapi's HTTP server sends one: HTML, and the connection closed after it. */
  private static void html(HttpServerRequest request, int status, String reason, String text) {
    HttpServerResponse response = request.response();
    if (response.closed()) {
      return;
    }
    response
        .setStatusCode(status)
        .setStatusMessage(reason)
        .putHeader("Content-Type", "text/html")
        .putHeader("Connection", "close")
        .end("<html><body><h1>HTTP " + status + " " + reason + "</h1>" + text + "</body></html>")
        .onComplete(sent -> request.connection().close());
  }

  private static String escape(String text) {
    return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
