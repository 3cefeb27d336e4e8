package io.xenmigration.xapisim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.xenmigration.xapisim.api.Dispatcher;
import io.xenmigration.xapisim.api.XapiError;
import io.xenmigration.xapisim.engine.Faults;
import io.xenmigration.xapisim.model.SimPool;
import io.xenmigration.xapisim.wire.XmlRpc;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One pool's XML-RPC endpoint on every POST path but {@code /jsonrpc} (xapi serves XML-RPC on any
 * path its handler table does not name: {@code /}, {@code /RPC2}, {@code /xmlrpc}). A member
 * endpoint answers logins with HOST_IS_SLAVE and the master's address, as a pool member does.
 */
final class XapiEndpoint {

  /** Request bodies are small; this bounds what a broken client can make us buffer. */
  private static final int MAX_BODY_BYTES = 16 << 20;

  /** The path xapi answers JSON-RPC on; every other POST path is XML-RPC, as on xapi. */
  private static final String JSON_RPC = "/jsonrpc";

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
    String path = request.path();
    if (path.equals(JSON_RPC) || path.startsWith(JSON_RPC + "/")) {
      // xapi's JSON-RPC path: not XML-RPC there, and not served here yet.
      request.response().setStatusCode(404).end();
      return;
    }
    if (request.method() != HttpMethod.POST) {
      request.response().setStatusCode(405).putHeader("Allow", "POST").end();
      return;
    }
    if (faults.takeConnectionReset() || masterDown()) {
      request.connection().close();
      return;
    }
    if (faults.takeHttpError()) {
      request.response().setStatusCode(500).end("Internal error");
      return;
    }
    BoundedBody.read(request, MAX_BODY_BYTES, body -> answer(request, body));
  }

  /** A pool whose master is offline answers nothing at all. */
  private boolean masterDown() {
    synchronized (pool.world) {
      return pool.master != null && !pool.master.metrics.live;
    }
  }

  private void answer(HttpServerRequest request, Buffer body) {
    XmlRpc.Call call;
    try {
      call = XmlRpc.parseCall(body.getBytes());
    } catch (XmlRpc.TooDeepException e) {
      // Well-formed, but not a call xapi could unmarshal: a XenAPI failure, as xapi gives.
      request
          .response()
          .putHeader("Content-Type", "text/xml")
          .end(XmlRpc.failure(List.of("XMLRPC_UNMARSHAL_FAILURE", e.getMessage())));
      return;
    } catch (XmlRpc.MalformedCallException e) {
      // xapi answers HTTP 500 only to XML it cannot parse.
      request.response().setStatusCode(500).end(e.getMessage());
      return;
    }
    Object outcome;
    if (masterAddressForMembers != null && call.method().equals("session.login_with_password")) {
      outcome = new XapiError("HOST_IS_SLAVE", masterAddressForMembers);
    } else {
      synchronized (pool.world) {
        try {
          outcome = dispatcher.dispatch(pool, call);
        } catch (XapiError e) {
          outcome = e;
        } catch (RuntimeException e) {
          outcome = new XapiError("INTERNAL_ERROR", String.valueOf(e));
        }
      }
    }
    Duration delay = faults.latency(call.method());
    if (outcome instanceof CompletableFuture<?> pending) {
      pending.whenComplete(
          (value, error) -> {
            Object settled = error == null ? value : unwrap(error);
            reply(request, settled, delay);
          });
    } else {
      reply(request, outcome, delay);
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

  private void reply(HttpServerRequest request, Object outcome, Duration delay) {
    String xml =
        outcome instanceof XapiError error
            ? XmlRpc.failure(error.description())
            : XmlRpc.success(outcome);
    if (delay.isZero()) {
      send(request, xml);
    } else {
      pool.world.clock.schedule(pool.world.clock.now().plus(delay), () -> send(request, xml));
    }
  }

  private static void send(HttpServerRequest request, String xml) {
    if (request.response().closed()) {
      return;
    }
    request.response().putHeader("Content-Type", "text/xml").end(xml);
  }
}
