package io.xenmigration.sandbox;

import static io.xenmigration.sandbox.ApiDocuments.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.xenmigration.sandbox.ApiResources.Resource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Kubernetes API as kubectl and helm expect it, in front of the Fabric8 mock server: discovery,
 * OpenAPI, Tables, watches over chunked HTTP, proper list kinds and Status errors, patches of every
 * kind, and admission of custom resources against their CRD's schema and CEL rules. It serves the
 * sandbox and its tests, never a production cluster.
 */
final class ApiFrontEnd implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ApiFrontEnd.class.getName());
  private static final YAMLMapper YAML = new YAMLMapper();

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(daemon());
  private final HttpClient http = HttpClient.newBuilder().executor(threads).build();
  private final URI store;
  private final Map<String, CustomResourceValidator> validators = new ConcurrentHashMap<>();
  private final Clock clock = Clock.systemUTC();
  private final WatchBridge watches;

  private ApiFrontEnd(String storeUrl, int port) throws IOException {
    this.store = URI.create(storeUrl.endsWith("/") ? storeUrl : storeUrl + "/");
    this.watches = new WatchBridge(this, http, store, clock);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  static ApiFrontEnd start(String storeUrl, int port) throws IOException {
    return new ApiFrontEnd(storeUrl, port);
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    watches.close();
    server.stop(0);
    threads.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "sandbox-api");
      t.setDaemon(true);
      return t;
    };
  }

  /** A request's target, split the way the API server routes it. */
  record Target(
      String groupVersion, String namespace, String plural, String name, String subresource) {

    /** Parses {@code /api/v1/...} and {@code /apis/group/version/...}; empty for anything else. */
    static Optional<Target> parse(String path) {
      String[] parts = path.replaceAll("^/+|/+$", "").split("/");
      int start;
      String gv;
      if (parts.length >= 3 && parts[0].equals("api")) {
        gv = parts[1];
        start = 2;
      } else if (parts.length >= 4 && parts[0].equals("apis")) {
        gv = parts[1] + "/" + parts[2];
        start = 3;
      } else {
        return Optional.empty();
      }
      List<String> rest = List.of(parts).subList(start, parts.length);
      String namespace = null;
      if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
        namespace = rest.get(1);
        rest = rest.subList(2, rest.size());
      }
      return Optional.of(
          new Target(
              gv,
              namespace,
              rest.get(0),
              rest.size() > 1 ? rest.get(1) : null,
              rest.size() > 2 ? rest.get(2) : null));
    }
  }

  private void handle(HttpExchange exchange) {
    try {
      route(exchange);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the sandbox is stopping
    } catch (Exception e) {
      LOG.log(Level.WARNING, "sandbox API request failed: " + exchange.getRequestURI(), e);
      try {
        // Answered before the exchange closes: a client gets a Status, not a dropped connection.
        send(exchange, 500, ApiDocuments.status(500, "InternalError", String.valueOf(e), null));
      } catch (IOException | RuntimeException ignored) {
        // the client went away, or the answer had already started
      }
    } finally {
      exchange.close();
    }
  }

  private void route(HttpExchange exchange) throws Exception {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    List<Resource> resources = resources();
    if (method.equals("GET")) {
      switch (path) {
        case "/version" -> {
          send(exchange, 200, ApiDocuments.version());
          return;
        }
        case "/api" -> {
          send(exchange, 200, ApiDocuments.coreVersions());
          return;
        }
        case "/apis" -> {
          send(exchange, 200, ApiDocuments.groups(resources));
          return;
        }
        case "/openapi/v3" -> {
          send(exchange, 200, ApiDocuments.openApiIndex(resources));
          return;
        }
        default -> {}
      }
      if (path.startsWith("/openapi/v3/")) {
        String gv = path.substring("/openapi/v3/".length()).replaceFirst("^apis?/", "");
        send(exchange, 200, ApiDocuments.openApi(resources, gv));
        return;
      }
      if (path.equals("/api/v1") || path.matches("/apis/[^/]+/[^/]+")) {
        String gv = path.startsWith("/api/") ? "v1" : path.substring("/apis/".length());
        send(exchange, 200, ApiDocuments.resourceList(resources, gv));
        return;
      }
    }
    Optional<Target> parsed = Target.parse(path);
    Optional<Resource> resource =
        parsed.flatMap(t -> ApiResources.find(resources, t.groupVersion(), t.plural()));
    if (parsed.isEmpty() || resource.isEmpty()) {
      send(
          exchange,
          404,
          ApiDocuments.status(
              404, "NotFound", "the server could not find the requested resource", null));
      return;
    }
    Target target = parsed.get();
    Resource r = resource.get();
    switch (method) {
      case "GET" -> {
        if (target.name() == null && isTrue(query.get("watch"))) {
          watches.serve(exchange, r, target, query, wantsTable(exchange));
        } else if (target.name() == null) {
          list(exchange, r, target, query);
        } else {
          get(exchange, r, target);
        }
      }
      case "POST" -> create(exchange, r, target, query, body(exchange));
      case "PUT" -> update(exchange, r, target, query, body(exchange));
      case "PATCH" -> patch(exchange, r, target, query);
      case "DELETE" -> delete(exchange, r, target);
      default -> send(exchange, 405, ApiDocuments.status(405, "MethodNotAllowed", method, null));
    }
  }

  // --- reads ---

  private void get(HttpExchange exchange, Resource r, Target t) throws Exception {
    HttpResponse<String> response = forward("GET", storePath(t, false), null, null);
    if (response.statusCode() == 404) {
      send(exchange, 404, ApiDocuments.notFound(r, t.name()));
      return;
    }
    JsonNode object = fix(r, JSON.readTree(response.body()));
    if (wantsTable(exchange) && response.statusCode() == 200) {
      send(
          exchange,
          200,
          ApiDocuments.table(r, List.of(object), rv(object), true, false, clock.instant()));
      return;
    }
    send(exchange, response.statusCode(), object);
  }

  private void list(HttpExchange exchange, Resource r, Target t, Map<String, String> query)
      throws Exception {
    List<JsonNode> items = listItems(r, t, query);
    String resourceVersion = highestResourceVersion(items);
    if (wantsTable(exchange)) {
      send(
          exchange,
          200,
          ApiDocuments.table(
              r,
              items,
              resourceVersion,
              true,
              "Object".equals(query.get("includeObject")),
              clock.instant()));
      return;
    }
    ObjectNode list = JSON.createObjectNode().put("kind", r.kind() + "List");
    list.put("apiVersion", r.groupVersion());
    list.putObject("metadata").put("resourceVersion", resourceVersion);
    ArrayNode array = list.putArray("items");
    items.forEach(array::add);
    send(exchange, 200, list);
  }

  /**
   * Objects of a kind in a namespace (or all), filtered by the field selector the store ignores.
   */
  List<JsonNode> listItems(Resource r, Target t, Map<String, String> query) throws Exception {
    String path = storeListPath(t);
    String labels = query.get("labelSelector");
    if (labels != null && !labels.isEmpty()) {
      path += "?labelSelector=" + URLEncoder.encode(labels, StandardCharsets.UTF_8);
    }
    HttpResponse<String> response = forward("GET", path, null, null);
    List<JsonNode> items = new ArrayList<>();
    if (response.statusCode() != 200) {
      throw new IOException(
          "the store answered " + response.statusCode() + " to a list of " + r.qualifiedName());
    }
    FieldSelector selector = FieldSelector.parse(query.get("fieldSelector"));
    for (JsonNode item : JSON.readTree(response.body()).path("items")) {
      JsonNode fixed = fix(r, item);
      if (selector.matches(fixed)) {
        items.add(fixed);
      }
    }
    // A real API server lists in key order: namespace, then name.
    items.sort(
        java.util.Comparator.comparing(
            (JsonNode i) ->
                i.at("/metadata/namespace").asText() + "/" + i.at("/metadata/name").asText()));
    return items;
  }

  /** A list's resourceVersion: the newest of its items, from which a watch goes on. */
  static String highestResourceVersion(List<JsonNode> items) {
    long highest = 0;
    for (JsonNode item : items) {
      try {
        highest = Math.max(highest, Long.parseLong(rv(item)));
      } catch (NumberFormatException e) {
        // not a number: the store is not the mock; start from the beginning then
      }
    }
    return Long.toString(highest);
  }

  // --- writes ---

  private void create(
      HttpExchange exchange, Resource r, Target t, Map<String, String> query, JsonNode parsed)
      throws Exception {
    if (!(parsed instanceof ObjectNode object)) {
      send(
          exchange, 400, ApiDocuments.status(400, "BadRequest", "the body is not an object", null));
      return;
    }
    ObjectNode metadata = object.with("metadata");
    if (t.namespace() != null && !metadata.has("namespace")) {
      metadata.put("namespace", t.namespace());
    }
    if (!metadata.hasNonNull("name") && metadata.hasNonNull("generateName")) {
      metadata.put(
          "name",
          metadata.get("generateName").asText()
              + Long.toString(System.nanoTime() % 100_000_000L, 36));
    }
    String name = metadata.path("name").asText();
    if (name.isEmpty()) {
      send(
          exchange,
          422,
          ApiDocuments.status(
              422,
              "Invalid",
              "metadata.name: Required value: name or generateName is required",
              null));
      return;
    }
    Target named = new Target(t.groupVersion(), t.namespace(), t.plural(), name, null);
    if (forward("GET", storePath(named, false), null, null).statusCode() == 200) {
      send(exchange, 409, ApiDocuments.alreadyExists(r, name));
      return;
    }
    List<CustomResourceValidator.Problem> problems = admit(r, object, null);
    if (!problems.isEmpty()) {
      send(exchange, 422, ApiDocuments.invalid(r, name, problems));
      return;
    }
    if (isDryRun(query)) {
      send(exchange, 201, object);
      return;
    }
    HttpResponse<String> response =
        forward("POST", storeListPath(t), object.toString(), "application/json");
    relay(exchange, r, name, response);
  }

  /** What a write answers: the code and the body to send. */
  private record Answer(int code, JsonNode body) {

    /** The object changed between reading and writing it. */
    boolean conflict() {
      return code == 409
          || (code == 422 && body.path("message").asText().contains("has been modified"));
    }
  }

  private void update(
      HttpExchange exchange, Resource r, Target t, Map<String, String> query, JsonNode body)
      throws Exception {
    Answer answer = write(r, t, query, body);
    send(exchange, answer.code(), answer.body());
  }

  /**
   * Replaces an object (or its status): the store's version must be the one given; admission checks
   * custom resources; the status subresource changes only the status.
   */
  private Answer write(Resource r, Target t, Map<String, String> query, JsonNode body)
      throws Exception {
    HttpResponse<String> current = forward("GET", storePath(t, false), null, null);
    if (current.statusCode() == 404) {
      return new Answer(404, ApiDocuments.notFound(r, t.name()));
    }
    if (!body.isObject()) {
      return new Answer(
          400, ApiDocuments.status(400, "BadRequest", "the body is not an object", null));
    }
    JsonNode old = JSON.readTree(current.body());
    String givenVersion = body.at("/metadata/resourceVersion").asText("");
    if (!givenVersion.isEmpty() && !givenVersion.equals(rv(old))) {
      return new Answer(409, ApiDocuments.modified(r, t.name()));
    }
    ObjectNode object = (ObjectNode) body;
    boolean status = "status".equals(t.subresource());
    if (status) {
      // The status subresource changes the status only, as a real API server does.
      ObjectNode merged = (ObjectNode) old.deepCopy();
      merged.set("status", object.path("status").deepCopy());
      object = merged;
    } else if (r.hasStatus() && old.has("status")) {
      // ...and the main resource never changes the status.
      object.set("status", old.get("status").deepCopy());
    }
    object.with("metadata").put("resourceVersion", rv(old));
    if (!status) {
      List<CustomResourceValidator.Problem> problems = admit(r, object, old);
      if (!problems.isEmpty()) {
        return new Answer(422, ApiDocuments.invalid(r, t.name(), problems));
      }
    }
    if (isDryRun(query)) {
      return new Answer(200, object);
    }
    HttpResponse<String> response =
        forward("PUT", storePath(t, status), object.toString(), "application/json");
    if (response.statusCode() == 200 && response.body().isBlank()) {
      return new Answer(200, fix(r, object)); // the last finalizer went, and the object with it
    }
    return answer(r, t.name(), response);
  }

  /**
   * A patch applies to the object as it is when the patch arrives, as on a real API server: if the
   * object changes between reading and writing it, the patch is applied again.
   */
  private void patch(HttpExchange exchange, Resource r, Target t, Map<String, String> query)
      throws Exception {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    JsonNode patch = body(exchange);
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> current = forward("GET", storePath(t, false), null, null);
      if (current.statusCode() == 404) {
        if (type != null && type.startsWith("application/apply-patch") && patch.isObject()) {
          // Server-side apply of an object that does not exist yet creates it.
          ((ObjectNode) patch).with("metadata").put("name", t.name());
          create(
              exchange,
              r,
              new Target(t.groupVersion(), t.namespace(), t.plural(), null, null),
              query,
              patch);
          return;
        }
        send(exchange, 404, ApiDocuments.notFound(r, t.name()));
        return;
      }
      JsonNode old = JSON.readTree(current.body());
      String wanted = patch.isObject() ? patch.at("/metadata/resourceVersion").asText("") : "";
      if (!wanted.isEmpty() && !wanted.equals(rv(old))) {
        // A patch that names a version applies to that version only, as on a real API server.
        send(exchange, 409, ApiDocuments.modified(r, t.name()));
        return;
      }
      JsonNode patched;
      try {
        patched = JsonPatches.apply(old, patch, type);
      } catch (JsonPatches.PatchConflict e) {
        send(exchange, 409, ApiDocuments.status(409, "Conflict", e.getMessage(), null));
        return;
      } catch (RuntimeException e) {
        send(
            exchange,
            422,
            ApiDocuments.status(422, "Invalid", "bad patch: " + e.getMessage(), null));
        return;
      }
      if (!patched.isObject()) {
        send(
            exchange,
            422,
            ApiDocuments.status(422, "Invalid", "the patch does not leave an object", null));
        return;
      }
      ((ObjectNode) patched).with("metadata").put("resourceVersion", rv(old));
      Answer answer = write(r, t, query, patched);
      if (!answer.conflict() || attempt == 5) {
        send(exchange, answer.code(), answer.body());
        return;
      }
    }
  }

  private void delete(HttpExchange exchange, Resource r, Target t) throws Exception {
    HttpResponse<String> response = forward("DELETE", storePath(t, false), null, null);
    relay(exchange, r, t.name(), response);
  }

  /**
   * Applies a custom resource's schema defaults and checks it against its CRD, as a real API
   * server's admission does; {@code old} is the stored object on update. Built-in kinds pass.
   */
  private List<CustomResourceValidator.Problem> admit(Resource r, ObjectNode object, JsonNode old) {
    if (r.group().isEmpty() && r.plural().equals("secrets")) {
      List<CustomResourceValidator.Problem> problems = foldStringData(object);
      if (!problems.isEmpty()) {
        return problems;
      }
    }
    if (r.crd() == null) {
      return List.of();
    }
    CustomResourceValidator validator =
        validators.computeIfAbsent(
            r.crd().at("/metadata/name").asText()
                + "@"
                + r.crd().at("/metadata/resourceVersion").asText(),
            k -> CustomResourceValidator.forCrd(r.crd()));
    JsonNode oldDefaulted = null;
    if (old != null) {
      ObjectNode copy = (ObjectNode) old.deepCopy();
      validator.admit(copy, null);
      oldDefaulted = copy;
    }
    return validator.admit(object, oldDefaulted);
  }

  /**
   * A Secret's {@code stringData} is write-only on a real API server: each key is stored in {@code
   * data}, base64-encoded, over any value {@code data} gives it, and {@code stringData} is never
   * stored or read back. Clients that only read {@code data} then see what kubectl wrote.
   */
  static List<CustomResourceValidator.Problem> foldStringData(ObjectNode secret) {
    JsonNode plain = secret.remove("stringData");
    if (plain == null || plain.isNull()) {
      return List.of();
    }
    if (!plain.isObject()) {
      return List.of(new CustomResourceValidator.Problem("stringData", "must be an object"));
    }
    List<CustomResourceValidator.Problem> problems = new ArrayList<>();
    ObjectNode data =
        secret.get("data") instanceof ObjectNode given ? given : secret.putObject("data");
    plain
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode value = e.getValue();
              if (!value.isTextual() && !value.isNull()) {
                problems.add(
                    new CustomResourceValidator.Problem(
                        "stringData." + e.getKey(), "must be a string"));
                return;
              }
              String text = value.isNull() ? "" : value.asText();
              data.put(
                  e.getKey(),
                  java.util.Base64.getEncoder()
                      .encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            });
    return problems;
  }

  // --- the store ---

  /** The kinds served now: the built-in ones and one per CRD in the store. */
  List<Resource> resources() throws Exception {
    HttpResponse<String> response =
        forward("GET", "apis/apiextensions.k8s.io/v1/customresourcedefinitions", null, null);
    List<JsonNode> crds = new ArrayList<>();
    if (response.statusCode() == 200) {
      JSON.readTree(response.body()).path("items").forEach(crds::add);
    }
    return ApiResources.all(crds);
  }

  HttpResponse<String> forward(String method, String path, String body, String contentType)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(store.resolve(path)).timeout(Duration.ofSeconds(30));
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String storePath(Target t, boolean status) {
    return storeListPath(t) + "/" + t.name() + (status ? "/status" : "");
  }

  static String storeListPath(Target t) {
    String prefix = t.groupVersion().contains("/") ? "apis/" : "api/";
    return prefix
        + t.groupVersion()
        + (t.namespace() != null ? "/namespaces/" + t.namespace() : "")
        + "/"
        + t.plural();
  }

  /** Passes the store's answer on, with Kubernetes' Status bodies where the store has none. */
  private void relay(HttpExchange exchange, Resource r, String name, HttpResponse<String> response)
      throws IOException {
    Answer answer = answer(r, name, response);
    send(exchange, answer.code(), answer.body());
  }

  private static Answer answer(Resource r, String name, HttpResponse<String> response)
      throws IOException {
    int code = response.statusCode();
    String text = response.body();
    if (code == 404) {
      return new Answer(404, ApiDocuments.notFound(r, name));
    }
    if (text == null || text.isBlank()) {
      return new Answer(
          code,
          JSON.createObjectNode()
              .put("kind", "Status")
              .put("apiVersion", "v1")
              .put("status", code < 300 ? "Success" : "Failure")
              .put("code", code));
    }
    JsonNode node = JSON.readTree(text);
    return new Answer(code, code < 300 ? fix(r, node) : node);
  }

  /**
   * What the store leaves out: kind and apiVersion on list items, and a CRD's Established status,
   * which helm waits for.
   */
  static JsonNode fix(Resource r, JsonNode object) {
    if (!(object instanceof ObjectNode o) || "Status".equals(o.path("kind").asText())) {
      return object;
    }
    if (!o.hasNonNull("kind")) {
      o.put("kind", r.kind());
    }
    if (!o.hasNonNull("apiVersion")) {
      o.put("apiVersion", r.groupVersion());
    }
    if (r.plural().equals("customresourcedefinitions")) {
      ObjectNode status = o.with("status");
      ArrayNode conditions = status.putArray("conditions");
      for (String type : List.of("NamesAccepted", "Established")) {
        conditions
            .addObject()
            .put("type", type)
            .put("status", "True")
            .put("reason", type.equals("Established") ? "InitialNamesAccepted" : "NoConflicts")
            .put("lastTransitionTime", o.at("/metadata/creationTimestamp").asText());
      }
      status.set("acceptedNames", o.at("/spec/names").deepCopy());
      ArrayNode stored = status.putArray("storedVersions");
      o.at("/spec/versions").forEach(v -> stored.add(v.path("name").asText()));
    }
    return o;
  }

  static String rv(JsonNode object) {
    return object.at("/metadata/resourceVersion").asText("");
  }

  // --- HTTP helpers ---

  private static JsonNode body(HttpExchange exchange) throws IOException {
    byte[] bytes = exchange.getRequestBody().readAllBytes();
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (bytes.length == 0) {
      return JSON.createObjectNode();
    }
    if (ProtobufObjects.isProtobuf(type)) {
      return ProtobufObjects.decode(bytes);
    }
    if (type != null && type.contains("yaml")) {
      return YAML.readTree(bytes);
    }
    return JSON.readTree(bytes);
  }

  static boolean wantsTable(HttpExchange exchange) {
    String accept = exchange.getRequestHeaders().getFirst("Accept");
    return accept != null && accept.contains("as=Table");
  }

  private static boolean isDryRun(Map<String, String> query) {
    return query.containsKey("dryRun");
  }

  private static boolean isTrue(String value) {
    return "true".equals(value) || "1".equals(value);
  }

  static Map<String, String> query(String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      query.put(key, value);
    }
    return query;
  }

  static void send(HttpExchange exchange, int code, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
