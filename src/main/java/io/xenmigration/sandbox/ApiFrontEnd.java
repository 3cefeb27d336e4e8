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
    try {
      String dryRun = query.get("dryRun");
      if (dryRun != null && !dryRun.equals("All")) {
        throw new ListOptions.Refused(
            400,
            "Invalid dry run value: dryRun: Unsupported value: \""
                + dryRun
                + "\": supported values: \"All\"");
      }
      switch (method) {
        case "GET" -> {
          if (target.name() == null) {
            ListOptions options = ListOptions.parse(query, r);
            if (options.watch()) {
              watches.serve(exchange, r, target, options, wantsTable(exchange));
            } else {
              list(exchange, r, target, query, options);
            }
          } else {
            get(exchange, r, target);
          }
        }
        case "POST" -> create(exchange, r, target, query, body(exchange));
        case "PUT" -> update(exchange, r, target, query, body(exchange));
        case "PATCH" -> patch(exchange, r, target, query);
        case "DELETE" -> {
          deleteOptions(exchange, query);
          if (target.name() == null) {
            deleteCollection(exchange, r, target, query, ListOptions.parse(query, r));
          } else {
            delete(exchange, r, target, query);
          }
        }
        default -> send(exchange, 405, ApiDocuments.status(405, "MethodNotAllowed", method, null));
      }
    } catch (ListOptions.Refused e) {
      send(exchange, e.code, ApiDocuments.status(e.code, reason(e.code), e.getMessage(), null));
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

  private void list(
      HttpExchange exchange, Resource r, Target t, Map<String, String> query, ListOptions options)
      throws Exception {
    Listed listed = listed(r, t, options);
    List<JsonNode> all = listed.items();
    String resourceVersion = listed.resourceVersion();
    if (options.resourceVersionMatch().equals("Exact")
        && !options.resourceVersion().equals(resourceVersion)) {
      // A past state cannot be served: the store keeps only the present, as after a compaction.
      send(
          exchange,
          410,
          ApiDocuments.status(
              410, "Expired", "The resourceVersion for the provided list is too old.", null));
      return;
    }
    List<JsonNode> items = all;
    String next = null;
    long remaining = 0;
    if (options.continueVersion() != null) {
      // Pages after the first say the version the first was read at, as client-go's pager keeps.
      resourceVersion = options.continueVersion();
    }
    if (options.continueAfter() != null) {
      String after = options.continueAfter();
      items = items.stream().filter(i -> ListOptions.key(i).compareTo(after) >= 0).toList();
    }
    if (options.limit() > 0 && items.size() > options.limit()) {
      remaining = items.size() - options.limit();
      items = items.subList(0, (int) options.limit());
      next =
          ListOptions.continueToken(ListOptions.key(items.get(items.size() - 1)), resourceVersion);
    }
    if (wantsTable(exchange)) {
      ObjectNode table =
          ApiDocuments.table(
              r,
              items,
              resourceVersion,
              true,
              "Object".equals(query.get("includeObject")),
              clock.instant());
      if (next != null) {
        // kubectl get pages with limit=500: without the token it would stop at the first page.
        table.with("metadata").put("continue", next).put("remainingItemCount", remaining);
      }
      send(exchange, 200, table);
      return;
    }
    ObjectNode list = JSON.createObjectNode().put("kind", r.kind() + "List");
    list.put("apiVersion", r.groupVersion());
    ObjectNode listMeta = list.putObject("metadata").put("resourceVersion", resourceVersion);
    if (next != null) {
      listMeta.put("continue", next).put("remainingItemCount", remaining);
    }
    ArrayNode array = list.putArray("items");
    items.forEach(array::add);
    send(exchange, 200, list);
  }

  /**
   * Objects of a kind in a namespace (or all), filtered by the field selector the store ignores.
   */
  List<JsonNode> listItems(Resource r, Target t, ListOptions options) throws Exception {
    return listed(r, t, options).items();
  }

  /** A list's matching objects and its resourceVersion (of the collection, not the selection). */
  record Listed(List<JsonNode> items, String resourceVersion) {}

  Listed listed(Resource r, Target t, ListOptions options) throws Exception {
    // Selectors are applied here, never by the store: it reads set-based ones as "everything".
    HttpResponse<String> response = forward("GET", storeListPath(t), null, null);
    List<JsonNode> items = new ArrayList<>();
    if (response.statusCode() != 200) {
      throw new IOException(
          "the store answered " + response.statusCode() + " to a list of " + r.qualifiedName());
    }
    List<JsonNode> all = new ArrayList<>();
    for (JsonNode item : JSON.readTree(response.body()).path("items")) {
      JsonNode fixed = fix(r, item);
      all.add(fixed);
      if (options.matches(fixed)) {
        items.add(fixed);
      }
    }
    // A real API server lists in key order: namespace, then name.
    items.sort(java.util.Comparator.comparing(ListOptions::key));
    return new Listed(items, highestResourceVersion(all));
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
    JsonNode wrongType = typeOf(r, object);
    if (wrongType != null) {
      send(exchange, 400, wrongType);
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
    JsonNode refused = pruneUnknown(exchange, r, object, query);
    if (refused != null) {
      send(exchange, 400, refused);
      return;
    }
    ManagedFields fields = new ManagedFields(r, clock.instant());
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type != null && type.startsWith(JsonPatches.APPLY_PATCH)) {
      object =
          fields.apply(null, object, applyManager(query), ListOptions.bool(query, "force"), false);
      object.with("metadata").put("name", name);
      if (t.namespace() != null) {
        object.with("metadata").put("namespace", t.namespace());
      }
    } else {
      fields.update(null, object, manager(exchange, query), false);
    }
    List<CustomResourceValidator.Problem> problems = admit(r, object, null);
    if (!problems.isEmpty()) {
      send(exchange, 422, ApiDocuments.invalid(r, name, problems));
      return;
    }
    if (isDryRun(query)) {
      // What the create would store, stored nowhere.
      ObjectNode created = ServerDefaults.apply((ObjectNode) fix(r, object), true);
      created
          .with("metadata")
          .put(
              "creationTimestamp",
              java.time.format.DateTimeFormatter.ISO_INSTANT.format(
                  clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
      send(exchange, 201, created);
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
    Answer answer = write(exchange, r, t, query, body);
    send(exchange, answer.code(), answer.body());
  }

  /**
   * Replaces an object (or its status): the store's version must be the one given; admission checks
   * custom resources; the status subresource changes only the status.
   */
  private Answer write(
      HttpExchange exchange, Resource r, Target t, Map<String, String> query, JsonNode body)
      throws Exception {
    return write(exchange, r, t, query, body, false);
  }

  /** The same; {@code applied}: the body is what an apply left, its managedFields recorded. */
  private Answer write(
      HttpExchange exchange,
      Resource r,
      Target t,
      Map<String, String> query,
      JsonNode body,
      boolean applied)
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
    JsonNode wrongType = typeOf(r, object);
    if (wrongType != null) {
      return new Answer(400, wrongType);
    }
    boolean status = "status".equals(t.subresource());
    if (status) {
      // The status subresource changes the status only, as a real API server does.
      ObjectNode merged = (ObjectNode) old.deepCopy();
      merged.set("status", object.path("status").deepCopy());
      JsonNode fields = object.at("/metadata/managedFields");
      if (applied && fields.isArray()) {
        merged.with("metadata").set("managedFields", fields.deepCopy());
      } else if (applied) {
        merged.with("metadata").remove("managedFields");
      }
      object = merged;
    } else if (r.hasStatus() && old.has("status")) {
      // ...and the main resource never changes the status.
      object.set("status", old.get("status").deepCopy());
    } else if (r.hasStatus()) {
      object.remove("status");
    }
    object.with("metadata").put("resourceVersion", rv(old));
    JsonNode refused = pruneUnknown(exchange, r, object, query);
    if (refused != null) {
      return new Answer(400, refused);
    }
    if (!applied) {
      new ManagedFields(r, clock.instant()).update(old, object, manager(exchange, query), status);
    }
    if (!status) {
      List<CustomResourceValidator.Problem> problems = admit(r, object, old);
      if (!problems.isEmpty()) {
        return new Answer(422, ApiDocuments.invalid(r, t.name(), problems));
      }
    }
    if (isDryRun(query)) {
      return new Answer(200, ServerDefaults.apply((ObjectNode) fix(r, object), false));
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
    if (!JsonPatches.accepts(type, r.group(), r.kind(), r.crd() != null)) {
      send(
          exchange,
          415,
          ApiDocuments.status(
              415,
              "UnsupportedMediaType",
              "the body of the request was in an unknown format - accepted media types include: "
                  + (r.crd() == null ? JsonPatches.STRATEGIC_MERGE_PATCH + ", " : "")
                  + JsonPatches.JSON_PATCH
                  + ", "
                  + JsonPatches.MERGE_PATCH
                  + ", application/apply-patch+yaml",
              null));
      return;
    }
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
      boolean applied = type.startsWith(JsonPatches.APPLY_PATCH);
      try {
        if (applied) {
          if (!patch.isObject()) {
            throw new IllegalArgumentException("the applied configuration is not an object");
          }
          patched =
              new ManagedFields(r, clock.instant())
                  .apply(
                      old,
                      (ObjectNode) patch,
                      applyManager(query),
                      ListOptions.bool(query, "force"),
                      "status".equals(t.subresource()));
        } else {
          patched = JsonPatches.apply(old, patch, type);
        }
      } catch (ManagedFields.Conflicts e) {
        send(exchange, 409, e.status);
        return;
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
      if (!patched.isObject() || (patched.has("metadata") && !patched.get("metadata").isObject())) {
        send(
            exchange,
            422,
            ApiDocuments.status(422, "Invalid", "the patch does not leave an object", null));
        return;
      }
      ((ObjectNode) patched).with("metadata").put("resourceVersion", rv(old));
      Answer answer = write(exchange, r, t, query, patched, applied);
      if (!answer.conflict() || attempt == 5) {
        send(exchange, answer.code(), answer.body());
        return;
      }
    }
  }

  private void delete(HttpExchange exchange, Resource r, Target t, Map<String, String> query)
      throws Exception {
    if (isDryRun(query)
        || query.containsKey(PRECONDITION_UID)
        || query.containsKey(PRECONDITION_VERSION)) {
      HttpResponse<String> current = forward("GET", storePath(t, false), null, null);
      if (current.statusCode() != 200) {
        relay(exchange, r, t.name(), current);
        return;
      }
      JsonNode object = JSON.readTree(current.body());
      JsonNode failed = preconditionFailed(r, object, query);
      if (failed != null) {
        send(exchange, 409, failed);
        return;
      }
      if (isDryRun(query)) {
        send(exchange, 200, deletedInDryRun(r, object));
        return;
      }
    }
    HttpResponse<String> response = forward("DELETE", storePath(t, false), null, null);
    relay(exchange, r, t.name(), response);
  }

  /**
   * Reads a delete's body, DeleteOptions, into the query as the server merges them: {@code dryRun}
   * (how kubectl asks for a dry-run delete) and the preconditions on UID and resourceVersion.
   */
  private static void deleteOptions(HttpExchange exchange, Map<String, String> query)
      throws IOException {
    byte[] bytes = exchange.getRequestBody().readAllBytes();
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (bytes.length == 0 || ProtobufObjects.isProtobuf(type)) {
      return;
    }
    JsonNode options;
    try {
      options = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new ListOptions.Refused(
          400, "the body of DeleteOptions does not parse: " + e.getMessage());
    }
    JsonNode dryRun = options.path("dryRun");
    if (!dryRun.isMissingNode() && !dryRun.isNull() && !dryRun.isArray()) {
      throw new ListOptions.Refused(
          400, "DeleteOptions: dryRun: must be a list of strings, not " + dryRun);
    }
    for (JsonNode value : dryRun) {
      if (!value.asText().equals("All")) {
        throw new ListOptions.Refused(
            400,
            "Invalid dry run value: dryRun: Unsupported value: \""
                + value.asText()
                + "\": supported values: \"All\"");
      }
      query.put("dryRun", "All");
    }
    String uid = options.at("/preconditions/uid").asText("");
    if (!uid.isEmpty()) {
      query.put(PRECONDITION_UID, uid);
    }
    String version = options.at("/preconditions/resourceVersion").asText("");
    if (!version.isEmpty()) {
      query.put(PRECONDITION_VERSION, version);
    }
  }

  /** Keys of a delete's preconditions among its query (no real parameter has these names). */
  private static final String PRECONDITION_UID = " preconditions.uid";

  private static final String PRECONDITION_VERSION = " preconditions.resourceVersion";

  /** 409 when the object is not the one the delete's preconditions name; null when it is. */
  private static JsonNode preconditionFailed(Resource r, JsonNode current, Map<String, String> q) {
    String uid = q.get(PRECONDITION_UID);
    String have = current.at("/metadata/uid").asText();
    if (uid != null && !uid.equals(have)) {
      return ApiDocuments.status(
          409,
          "Conflict",
          "Precondition failed: UID in precondition: " + uid + ", UID in object meta: " + have,
          null);
    }
    String version = q.get(PRECONDITION_VERSION);
    if (version != null && !version.equals(rv(current))) {
      return ApiDocuments.status(
          409,
          "Conflict",
          "Precondition failed: ResourceVersion in precondition: "
              + version
              + ", ResourceVersion in object meta: "
              + rv(current),
          null);
    }
    return null;
  }

  /**
   * What a dry-run delete answers, changing nothing: an object with finalizers as it would be,
   * marked for deletion; one without as it was, the way the API server returns a deleted object.
   */
  private JsonNode deletedInDryRun(Resource r, JsonNode current) {
    ObjectNode object = (ObjectNode) fix(r, current);
    if (object.at("/metadata/finalizers").size() > 0
        && !object.at("/metadata/deletionTimestamp").isTextual()) {
      object
          .with("metadata")
          .put(
              "deletionTimestamp",
              java.time.format.DateTimeFormatter.ISO_INSTANT.format(
                  clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
          .put("deletionGracePeriodSeconds", 0);
    }
    return object;
  }

  /**
   * Deletes the objects of a collection that match the query's selectors, one by one (the store
   * would delete them all, whatever the selectors), and answers with the list of them.
   */
  private void deleteCollection(
      HttpExchange exchange, Resource r, Target t, Map<String, String> query, ListOptions options)
      throws Exception {
    if (r.namespaced() && t.namespace() == null) {
      // A real server has no deletecollection across namespaces.
      send(
          exchange,
          405,
          ApiDocuments.status(
              405,
              "MethodNotAllowed",
              "the server does not allow this method on the requested resource",
              null));
      return;
    }
    Listed listed = listed(r, t, options);
    List<JsonNode> items = listed.items();
    ObjectNode list = JSON.createObjectNode().put("kind", r.kind() + "List");
    list.put("apiVersion", r.groupVersion());
    list.putObject("metadata").put("resourceVersion", listed.resourceVersion());
    ArrayNode deleted = list.putArray("items");
    for (JsonNode item : items) {
      Target named =
          new Target(
              t.groupVersion(),
              item.at("/metadata/namespace").asText(null),
              t.plural(),
              item.at("/metadata/name").asText(),
              null);
      if (isDryRun(query)) {
        deleted.add(deletedInDryRun(r, item));
      } else if (forward("DELETE", storePath(named, false), null, null).statusCode() < 300) {
        deleted.add(item);
      }
    }
    send(exchange, 200, list);
  }

  /**
   * A body's apiVersion and kind, defaulted from the path where left out as the API server does
   * (typed clients such as the Python one send neither); a refusal when they name another kind.
   */
  private static JsonNode typeOf(Resource r, ObjectNode object) {
    JsonNode metadata = object.get("metadata");
    if (metadata != null && !metadata.isObject()) {
      return ApiDocuments.status(
          400,
          "BadRequest",
          r.kind()
              + " in version \""
              + r.version()
              + "\" cannot be handled as a "
              + r.kind()
              + ": metadata must be an object",
          null);
    }
    if (!r.namespaced() && metadata instanceof ObjectNode meta) {
      meta.remove("namespace"); // a cluster-scoped object has none, whatever the body says
    }
    String apiVersion = object.path("apiVersion").asText("");
    String kind = object.path("kind").asText("");
    if (apiVersion.isEmpty()) {
      object.put("apiVersion", r.groupVersion());
    } else if (!apiVersion.equals(r.groupVersion())) {
      return ApiDocuments.status(
          400,
          "BadRequest",
          "the API version in the data ("
              + apiVersion
              + ") does not match the expected API"
              + " version ("
              + r.groupVersion()
              + ")",
          null);
    }
    if (kind.isEmpty()) {
      object.put("kind", r.kind());
    } else if (!kind.equals(r.kind())) {
      return ApiDocuments.status(
          400,
          "BadRequest",
          r.kind()
              + " in version \""
              + r.version()
              + "\" cannot be handled as a "
              + r.kind()
              + ": the kind in the data ("
              + kind
              + ") does not match the expected kind ("
              + r.kind()
              + ")",
          null);
    }
    return null;
  }

  /** The Status reason of a refusal's code. */
  private static String reason(int code) {
    return switch (code) {
      case 400 -> "BadRequest";
      case 415 -> "UnsupportedMediaType";
      default -> "Invalid";
    };
  }

  /** The field manager of a write: its {@code fieldManager}, else its user agent's name. */
  private static String manager(HttpExchange exchange, Map<String, String> query) {
    return ManagedFields.manager(
        query.get("fieldManager"), exchange.getRequestHeaders().getFirst("User-Agent"));
  }

  /** An apply's field manager, which it must name. */
  private static String applyManager(Map<String, String> query) {
    String manager = query.get("fieldManager");
    if (manager == null || manager.isEmpty()) {
      throw new ListOptions.Refused(
          422,
          "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required"
              + " for apply patch");
    }
    return ManagedFields.manager(manager, null);
  }

  /**
   * Drops the fields the kind's schema does not have, as the API server's decoding does, and
   * answers for them as the write's {@code fieldValidation} asks: the refusal of a Strict write
   * (null otherwise), a {@code Warning} header per field for Warn, nothing for Ignore.
   */
  private static JsonNode pruneUnknown(
      HttpExchange exchange, Resource r, ObjectNode object, Map<String, String> query) {
    UnknownFields.Validation validation = UnknownFields.Validation.of(query.get("fieldValidation"));
    ApiSchemas.Schema schema = ApiSchemas.of(r);
    if (schema == null) {
      return null;
    }
    List<String> unknown = new UnknownFields(schema.components()).prune(schema.root(), object);
    if (unknown.isEmpty()) {
      return null;
    }
    switch (validation) {
      case STRICT -> {
        return ApiDocuments.status(
            400, "BadRequest", UnknownFields.strictMessage(r.kind(), r.version(), unknown), null);
      }
      case WARN ->
          unknown.forEach(
              field ->
                  exchange
                      .getResponseHeaders()
                      .add("Warning", "299 - \"unknown field \\\"" + field + "\\\"\""));
      case IGNORE -> {}
    }
    return null;
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
   * A Secret's {@code stringData} takes strings only; the store folds it into {@code data} (see
   * {@link ServerDefaults#foldStringData}), so what a dry run answers is folded here too.
   */
  static List<CustomResourceValidator.Problem> foldStringData(ObjectNode secret) {
    JsonNode plain = secret.get("stringData");
    if (plain == null || plain.isNull()) {
      return List.of();
    }
    if (!plain.isObject()) {
      return List.of(new CustomResourceValidator.Problem("stringData", "must be an object"));
    }
    List<CustomResourceValidator.Problem> problems = new ArrayList<>();
    plain
        .fields()
        .forEachRemaining(
            e -> {
              if (!e.getValue().isTextual() && !e.getValue().isNull()) {
                problems.add(
                    new CustomResourceValidator.Problem(
                        "stringData." + e.getKey(), "must be a string"));
              }
            });
    if (problems.isEmpty()) {
      ServerDefaults.foldStringData(secret);
    }
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
    ServerDefaults.asRead(o);
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
      try {
        return ProtobufObjects.decode(bytes);
      } catch (IOException e) {
        throw new ListOptions.Refused(415, e.getMessage() + "; send it as application/json");
      }
    }
    try {
      if (type != null && type.contains("yaml")) {
        return YAML.readTree(bytes);
      }
      return JSON.readTree(bytes);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new ListOptions.Refused(
          400, "the body of the request does not parse: " + e.getOriginalMessage());
    }
  }

  static boolean wantsTable(HttpExchange exchange) {
    String accept = exchange.getRequestHeaders().getFirst("Accept");
    return accept != null && accept.contains("as=Table");
  }

  /** Whether a write is a dry run ({@code dryRun=All}, the one value the route lets through). */
  private static boolean isDryRun(Map<String, String> query) {
    return query.containsKey("dryRun");
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
