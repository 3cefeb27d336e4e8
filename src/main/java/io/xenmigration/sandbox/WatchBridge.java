package io.xenmigration.sandbox;

import static io.xenmigration.sandbox.ApiDocuments.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.xenmigration.sandbox.ApiResources.Resource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Serves watches as kubectl, helm and client-go make them, over chunked HTTP, from the store's
 * WebSocket watches: a line per event, the current objects first when the client asks from the
 * start, events it already has skipped, field selectors applied, Table rows when asked for, and a
 * heartbeat (a BOOKMARK where the client allows them, a blank line otherwise).
 */
final class WatchBridge implements AutoCloseable {

  /** How often an idle watch says it is still there, where the client allows bookmarks. */
  private static final long HEARTBEAT_SECONDS = 10;

  private final ApiFrontEnd api;
  private final HttpClient http;
  private final URI store;
  private final Clock clock;

  WatchBridge(ApiFrontEnd api, HttpClient http, URI store, Clock clock) {
    this.api = api;
    this.http = http;
    this.store = store;
    this.clock = clock;
  }

  @Override
  public void close() {
    // Each watch ends with its client, its timeout, or the store; nothing of its own to stop.
  }

  /** One watch, until its timeout, the client leaving, or the store closing it. */
  void serve(
      HttpExchange exchange,
      Resource r,
      ApiFrontEnd.Target target,
      ListOptions options,
      boolean table)
      throws Exception {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    Stream stream = new Stream(out, r, table, options);
    String from = options.resourceVersion();
    // sendInitialEvents=true asks for the current objects whatever the version given.
    boolean noInitial = options.sendInitialEventsGiven() && !options.sendInitialEvents();
    boolean fromStart =
        ((from.isEmpty() || from.equals("0")) && !noInitial) || options.sendInitialEvents();
    stream.since = fromStart ? 0 : parse(from);
    // Selectors are applied here, never by the store: it reads set-based ones as "everything".
    String path = ApiFrontEnd.storeListPath(target) + "?watch=true";
    URI ws = URI.create(store.toString().replaceFirst("^http", "ws")).resolve(path);
    WebSocket socket = null;
    try {
      // Subscribed first, listed second: nothing that happens in between is missed. The store's
      // events wait until the list is out, so that the client sees the objects first.
      socket = http.newWebSocketBuilder().buildAsync(ws, stream).get(10, TimeUnit.SECONDS);
      if (fromStart) {
        ApiFrontEnd.Listed initial = api.listed(r, target, options);
        for (JsonNode object : initial.items()) {
          stream.emit("ADDED", object);
        }
        if (options.sendInitialEvents()) {
          // The watch-list protocol: a bookmark marks the end of the initial objects.
          stream.initialEventsEnd(initial.resourceVersion());
        }
      } else {
        if (noInitial && (from.isEmpty() || from.equals("0"))) {
          // sendInitialEvents=false from "now": only what changes after this moment.
          stream.since = Long.parseLong(api.listed(r, target, options).resourceVersion());
        }
        catchUp(stream, r, target, options);
      }
      stream.goLive();
      // The watch's own thread beats its heart, so a client that stopped reading holds up only
      // its own watch; the beat also tells a watch whose client went away, so that it ends.
      boolean bookmarks = options.allowWatchBookmarks();
      long timeout = options.timeoutSeconds() > 0 ? options.timeoutSeconds() : 1800;
      long end = clock.millis() + 1000 * timeout;
      while (!stream.done.isDone() && clock.millis() < end) {
        long wait = Math.min(HEARTBEAT_SECONDS * 1000, Math.max(1, end - clock.millis()));
        try {
          stream.done.get(wait, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException beat) {
          if (bookmarks) {
            stream.bookmark();
          } else {
            stream.blankLine();
          }
        }
      }
    } catch (java.util.concurrent.TimeoutException e) {
      // The store's handshake did not finish: the client starts another watch.
    } finally {
      if (socket != null) {
        socket.abort();
      }
      try {
        out.close();
      } catch (IOException ignored) {
        // the client went away first
      }
    }
  }

  /**
   * What changed between the client's list and this watch, which the store does not replay: newer
   * objects as MODIFIED, and the named object as DELETED when it is gone (so that {@code kubectl
   * delete} and {@code kubectl wait --for=delete} see the end they wait for).
   */
  private void catchUp(Stream stream, Resource r, ApiFrontEnd.Target target, ListOptions options)
      throws Exception {
    List<JsonNode> now = api.listItems(r, target, options);
    for (JsonNode object : now) {
      stream.emit("MODIFIED", object);
    }
    String name = options.fields().name();
    if (name != null && now.isEmpty()) {
      ObjectNode gone =
          JSON.createObjectNode().put("kind", r.kind()).put("apiVersion", r.groupVersion());
      ObjectNode metadata = gone.putObject("metadata").put("name", name);
      if (target.namespace() != null) {
        metadata.put("namespace", target.namespace());
      }
      metadata.put("resourceVersion", Long.toString(stream.since + 1));
      stream.emit("DELETED", gone);
    }
  }

  private static long parse(String number) {
    try {
      return Long.parseLong(number);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** One client's stream: receives the store's events and writes the client's lines. */
  private final class Stream implements WebSocket.Listener {
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final OutputStream out;
    final Resource r;
    final boolean table;
    final ListOptions selector;
    final Map<String, Long> sent = new HashMap<>();
    final StringBuilder partial = new StringBuilder();
    final java.util.List<JsonNode> pending = new java.util.ArrayList<>();
    boolean live;
    long since;
    long newest;
    boolean columnsSent;

    Stream(OutputStream out, Resource r, boolean table, ListOptions selector) {
      this.out = out;
      this.r = r;
      this.table = table;
      this.selector = selector;
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          JsonNode event = JSON.readTree(text);
          if (event.has("type") && event.has("object")) {
            fromStore(event);
          }
        } catch (IOException e) {
          done.complete(null);
        }
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
      done.complete(null);
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      done.complete(null);
    }

    /** An event of the store: held back until the client has had the objects it starts from. */
    synchronized void fromStore(JsonNode event) {
      if (live) {
        emit(event.path("type").asText(), event.get("object"));
      } else {
        pending.add(event);
      }
    }

    /** The starting objects are out: what the store said meanwhile follows them. */
    synchronized void goLive() {
      live = true;
      for (JsonNode event : pending) {
        emit(event.path("type").asText(), event.get("object"));
      }
      pending.clear();
    }

    /**
     * Writes an event unless the client has it already or it does not match its selectors. As on a
     * real API server, an object that stops matching leaves the watch as DELETED, and one that
     * starts matching enters it as ADDED.
     */
    synchronized void emit(String type, JsonNode raw) {
      JsonNode object = ApiFrontEnd.fix(r, raw);
      String key = ListOptions.key(object);
      long version = parse(ApiFrontEnd.rv(object));
      if (!selector.matches(object)) {
        if (sent.remove(key) != null) {
          send("DELETED", object, version);
        }
        return;
      }
      if (type.equals("DELETED")) {
        sent.remove(key);
        send(type, object, version);
        return;
      }
      Long already = sent.get(key);
      if (version <= since || (already != null && version <= already)) {
        // The client has this one (from its list, or sent before): known, not sent again.
        sent.putIfAbsent(key, version);
        return;
      }
      if (already == null && live) {
        type = "ADDED"; // new to this watch: created, or just come to match its selectors
      }
      sent.put(key, version);
      send(type, object, version);
    }

    private void send(String type, JsonNode object, long version) {
      newest = Math.max(newest, version);
      JsonNode shown =
          table
              ? ApiDocuments.table(
                  r, List.of(object), Long.toString(version), !columnsSent, false, clock.instant())
              : object;
      columnsSent = true;
      write(JSON.createObjectNode().put("type", type).set("object", shown));
    }

    /** The bookmark that ends a watch-list's initial objects. */
    synchronized void initialEventsEnd(String resourceVersion) {
      ObjectNode object =
          JSON.createObjectNode().put("kind", r.kind()).put("apiVersion", r.groupVersion());
      ObjectNode metadata = object.putObject("metadata");
      metadata.put("resourceVersion", resourceVersion);
      metadata.putObject("annotations").put("k8s.io/initial-events-end", "true");
      write(JSON.createObjectNode().put("type", "BOOKMARK").set("object", object));
    }

    synchronized void bookmark() {
      ObjectNode object =
          JSON.createObjectNode().put("kind", r.kind()).put("apiVersion", r.groupVersion());
      object.putObject("metadata").put("resourceVersion", Long.toString(Math.max(newest, since)));
      write(JSON.createObjectNode().put("type", "BOOKMARK").set("object", object));
    }

    /** Whitespace between events, which Go's JSON stream decoder (kubectl, helm) skips. */
    synchronized void blankLine() {
      write(null);
    }

    private void write(JsonNode event) {
      try {
        if (event != null) {
          out.write(JSON.writeValueAsBytes(event));
        }
        out.write('\n');
        out.flush();
      } catch (IOException e) {
        done.complete(null); // the client went away
      }
    }
  }
}
