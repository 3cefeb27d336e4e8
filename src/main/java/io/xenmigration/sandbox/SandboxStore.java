package io.xenmigration.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import io.fabric8.mockwebserver.crud.CrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The embedded API's store: the Fabric8 CRUD dispatcher, with what the operator needs from an API
 * server: server-side apply, as the operator writes status and adds its finalizer with it (the
 * dispatcher takes it for a merge that appends lists and leaves status alone), refused with 409
 * when it names a resourceVersion that is no longer current; and a patch which removes the last
 * finalizer of an object being deleted answers with the object instead of an empty body (on which
 * the operator's client stumbles). Tests inject faults into status writes through {@link
 * StoreFaults}.
 */
final class SandboxStore extends KubernetesCrudDispatcher {

  /** The store's objects, as the dispatcher keeps them, with an index by name alongside. */
  private final NamedMap objects = new NamedMap();

  private final StoreFaults faults = new StoreFaults();

  /** The faults tests inject into status writes. */
  StoreFaults faults() {
    return faults;
  }

  private final LeaseHistory leases = new LeaseHistory();

  /** Every Lease write taken so far. */
  LeaseHistory leases() {
    return leases;
  }

  /** Notes a taken write of a Lease in the history. */
  private MockResponse noted(String path, MockResponse response) {
    if (response.getStatus().contains(" 20") && withoutQuery(path).contains("/leases")) {
      // Copied without reading: reading would leave the answer empty.
      leases.written(new String(response.getBody().getBytes(), StandardCharsets.UTF_8));
    }
    return response;
  }

  SandboxStore() {
    // The dispatcher finds an object by testing every stored object against the request's
    // attributes: with a few thousand objects each read or write took milliseconds on one event
    // loop, and the whole API with it. Its map is replaced by one that also indexes by name.
    try {
      Field map = CrudDispatcher.class.getDeclaredField("map");
      map.setAccessible(true);
      map.set(this, Collections.synchronizedMap(objects));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot index the embedded API's store", e);
    }
  }

  /** What the last write on this thread stored, as {@link ServerDefaults} made it. */
  private final ThreadLocal<String> stored = new ThreadLocal<>();

  /**
   * Every stored object passes through here (create, replace, patch, whoever wrote it): it is
   * stored as a real API server would store it, and the write answers with what was stored.
   */
  @Override
  public void processEvent(
      String path,
      AttributeSet pathKey,
      AttributeSet oldKey,
      io.fabric8.kubernetes.api.model.GenericKubernetesResource resource,
      String value) {
    String normalized = value;
    if (value != null) {
      try {
        normalized =
            ApiDocuments.JSON.writeValueAsString(
                ServerDefaults.apply(
                    (ObjectNode) ApiDocuments.JSON.readTree(value), oldKey == null));
      } catch (IOException | RuntimeException e) {
        normalized = value; // the store took it as it was; so does this
      }
      stored.set(normalized);
    }
    super.processEvent(path, pathKey, oldKey, resource, normalized);
  }

  /** The answer of a write, with the object as stored rather than as the store was given it. */
  private MockResponse asStored(MockResponse response) {
    String value = stored.get();
    stored.remove();
    if (value != null && response.code() >= 200 && response.code() < 300) {
      response.setBody(value);
    }
    return response;
  }

  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
    String name = singleName(query);
    if (name == null) {
      return super.findResource(query);
    }
    synchronized (map) {
      for (AttributeSet key : objects.named(name)) {
        if (key.matches(query)) {
          return new AbstractMap.SimpleImmutableEntry<>(key, objects.get(key));
        }
      }
    }
    return null;
  }

  @Override
  public MockResponse handleGet(String path) {
    if (!path.contains("watch=")) {
      AttributeSet query = getKey(path);
      if (singleName(query) != null) {
        Map.Entry<AttributeSet, String> found = findResource(query);
        if (found != null) {
          return new MockResponse().setResponseCode(200).setBody(found.getValue());
        }
      }
    }
    return super.handleGet(path);
  }

  /** The one name a query asks for, or null when it asks for something else. */
  private static String singleName(AttributeSet query) {
    Attribute name = query.getAttribute("name");
    return name != null && name.getType() == AttributeType.WITH && name.getValues().size() == 1
        ? name.getValues().get(0).toString()
        : null;
  }

  /** Objects by their attributes, and the keys of each name; changed only under the map's lock. */
  private static final class NamedMap extends LinkedHashMap<AttributeSet, String> {
    private final Map<String, Set<AttributeSet>> byName = new HashMap<>();

    Set<AttributeSet> named(String name) {
      return byName.getOrDefault(name, Set.of());
    }

    @Override
    public String put(AttributeSet key, String value) {
      String name = singleName(key);
      if (name != null) {
        byName.computeIfAbsent(name, n -> new LinkedHashSet<>()).add(key);
      }
      return super.put(key, value);
    }

    @Override
    public void putAll(Map<? extends AttributeSet, ? extends String> all) {
      all.forEach(this::put);
    }

    @Override
    public String remove(Object key) {
      if (key instanceof AttributeSet attributes) {
        String name = singleName(attributes);
        Set<AttributeSet> keys = name == null ? null : byName.get(name);
        if (keys != null) {
          keys.remove(attributes);
          if (keys.isEmpty()) {
            byName.remove(name);
          }
        }
      }
      return super.remove(key);
    }

    @Override
    public void clear() {
      byName.clear();
      super.clear();
    }
  }

  private static final String APPLY = "application/apply-patch";

  /**
   * Writes are taken one at a time, so that checking a write's resourceVersion and applying it is
   * one step, as on a real API server.
   */
  /**
   * Writes to one object are serialized, so that the resourceVersion a write is conditional on
   * cannot change between its check and the write; writes to different objects go on at once, as on
   * a real API server. Striped by the object's path: a fixed number of locks for any number of
   * objects.
   */
  private final Object[] writes = new Object[64];

  {
    for (int i = 0; i < writes.length; i++) {
      writes[i] = new Object();
    }
  }

  private Object writeLock(String objectPath) {
    return writes[Math.floorMod(objectPath.hashCode(), writes.length)];
  }

  /** The path of the object a create makes: its collection and the name in its body. */
  private static String createdPath(RecordedRequest request) {
    String collection = withoutQuery(request.getPath());
    try {
      String name =
          ApiDocuments.JSON
              .readTree(new String(request.getBody().getBytes(), StandardCharsets.UTF_8))
              .at("/metadata/name")
              .asText("");
      return name.isEmpty() ? collection : collection + "/" + name;
    } catch (IOException | RuntimeException e) {
      return collection; // the store refuses it; the lock only has to be some lock
    }
  }

  @Override
  public MockResponse handleCreate(RecordedRequest request) {
    if (withoutQuery(request.getPath()).endsWith("/selfsubjectrulesreviews")) {
      return rulesReview(request);
    }
    synchronized (writeLock(createdPath(request))) {
      stored.remove();
      return noted(request.getPath(), asStored(super.handleCreate(request)));
    }
  }

  /**
   * The one client of the embedded API may do anything, as the sandbox's operator and tests need:
   * the answer a leader-electing operator reads before it takes its Lease.
   */
  private static MockResponse rulesReview(RecordedRequest request) {
    try {
      ObjectNode review =
          (ObjectNode)
              ApiDocuments.JSON.readTree(
                  new String(request.getBody().getBytes(), StandardCharsets.UTF_8));
      ObjectNode rule = review.putObject("status").putArray("resourceRules").addObject();
      rule.putArray("verbs").add("*");
      rule.putArray("apiGroups").add("*");
      rule.putArray("resources").add("*");
      review.with("status").putArray("nonResourceRules");
      review.with("status").put("incomplete", false);
      return new MockResponse().setResponseCode(201).setBody(review.toString());
    } catch (IOException e) {
      return new MockResponse()
          .setResponseCode(400)
          .setBody(ApiDocuments.status(400, "BadRequest", e.getMessage(), null).toString());
    }
  }

  @Override
  public MockResponse handleDelete(String path) {
    synchronized (writeLock(withoutQuery(path))) {
      return super.handleDelete(path);
    }
  }

  @Override
  public MockResponse handleUpdate(RecordedRequest request) {
    StoreFaults.Kind fault = statusFault(request.getPath());
    if (fault != null && fault != StoreFaults.Kind.TIMEOUT) {
      return refused(request.getPath(), fault);
    }
    synchronized (writeLock(objectPath(request.getPath()))) {
      stored.remove();
      return answerLate(noted(request.getPath(), asStored(super.handleUpdate(request))), fault);
    }
  }

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    StoreFaults.Kind fault = statusFault(request.getPath());
    if (fault != null && fault != StoreFaults.Kind.TIMEOUT) {
      return refused(request.getPath(), fault);
    }
    synchronized (writeLock(objectPath(request.getPath()))) {
      return answerLate(noted(request.getPath(), patch(request)), fault);
    }
  }

  /** The fault injected into this write, when it writes an object's status. */
  private StoreFaults.Kind statusFault(String path) {
    String[] parts = withoutQuery(path).split("/");
    int namespaces = java.util.Arrays.asList(parts).indexOf("namespaces");
    if (namespaces < 0
        || parts.length != namespaces + 5
        || !"status".equals(parts[parts.length - 1])) {
      return null;
    }
    return faults.take(parts[namespaces + 1], parts[namespaces + 3]);
  }

  private static MockResponse refused(String path, StoreFaults.Kind fault) {
    String[] parts = withoutQuery(path).split("/");
    String name = parts[parts.length - 2];
    return fault == StoreFaults.Kind.CONFLICT
        ? conflict(name)
        : new MockResponse()
            .setResponseCode(500)
            .setBody(
                ApiDocuments.status(500, "InternalError", "injected: the write failed", null)
                    .toString());
  }

  /** A write that was applied but whose answer comes after the client has stopped waiting. */
  private MockResponse answerLate(MockResponse response, StoreFaults.Kind fault) {
    if (fault == StoreFaults.Kind.TIMEOUT) {
      response.setBodyDelay(
          faults.answerDelay().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    return response;
  }

  private static MockResponse conflict(String name) {
    return new MockResponse()
        .setResponseCode(409)
        .setBody(
            ApiDocuments.status(
                    409,
                    "Conflict",
                    "Operation cannot be fulfilled on \""
                        + name
                        + "\": the object has been modified; please apply your changes to the"
                        + " latest version and try again",
                    null)
                .toString());
  }

  private MockResponse patch(RecordedRequest request) {
    String path = request.getPath();
    MockResponse before = handleGet(objectPath(path));
    // Copied without reading: reading the request's buffer would leave the store nothing.
    String patch = new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
    String type = contentType(request);
    if (type != null && type.startsWith(APPLY)) {
      if (before.code() != 200) {
        return before; // applying to an object that is not there: the operator never does
      }
      try {
        return apply(request, before.getBody().readUtf8(), patch);
      } catch (IOException | RuntimeException e) {
        return new MockResponse()
            .setResponseCode(422)
            .setBody(
                ApiDocuments.status(422, "Invalid", "bad apply: " + e.getMessage(), null)
                    .toString());
      }
    }
    stored.remove();
    MockResponse response = asStored(super.handlePatch(request));
    // The store answers 202 and nothing when the patch let the object go.
    if ((response.code() == 200 || response.code() == 202)
        && (response.getBody() == null || response.getBody().size() == 0)
        && before.code() == 200) {
      try {
        JsonNode object = ApiDocuments.JSON.readTree(before.getBody().readUtf8());
        JsonNode patched = JsonPatches.apply(object, ApiDocuments.JSON.readTree(patch), type);
        response.setResponseCode(200).setBody(ApiDocuments.JSON.writeValueAsString(patched));
      } catch (IOException | RuntimeException e) {
        // Keep the store's answer: the object is gone either way.
      }
    }
    return response;
  }

  /**
   * Server-side apply by the one field manager the sandbox has, the operator, written as an update
   * of the object as it is now: on the status subresource the applied status replaces the old one
   * (fields it leaves out were the operator's and go); on the object itself the applied fields are
   * merged in, finalizers as a set.
   */
  private MockResponse apply(RecordedRequest request, String current, String apply)
      throws IOException {
    ObjectNode object = (ObjectNode) ApiDocuments.JSON.readTree(current);
    JsonNode applied = ApiDocuments.JSON.readTree(apply);
    String path = withoutQuery(request.getPath());
    // An apply naming a resourceVersion is conditional on it, as on a real API server.
    String wanted = applied.at("/metadata/resourceVersion").asText("");
    if (!wanted.isEmpty() && !wanted.equals(object.at("/metadata/resourceVersion").asText(""))) {
      return conflict(object.at("/metadata/name").asText());
    }
    if (path.endsWith("/status")) {
      JsonNode status = applied.get("status");
      if (status == null || status.isNull()) {
        object.remove("status");
      } else {
        object.set("status", status);
      }
    } else {
      for (Iterator<Map.Entry<String, JsonNode>> it = applied.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        switch (field.getKey()) {
          case "apiVersion", "kind", "status" -> {
            // not the applier's to change here
          }
          case "metadata" -> mergeMetadata(object.with("metadata"), field.getValue());
          default ->
              object.set(
                  field.getKey(),
                  JsonPatches.mergePatch(object.get(field.getKey()), field.getValue()));
        }
      }
    }
    Headers headers =
        request
            .getHeaders()
            .newBuilder()
            .removeAll("Content-Type")
            .removeAll("content-type")
            .add("Content-Type", "application/json")
            .build();
    return handleUpdate(
        new RecordedRequest(
            "HTTP/1.1",
            HttpMethod.PUT,
            path,
            headers,
            new Buffer(ApiDocuments.JSON.writeValueAsBytes(object))));
  }

  /** Applied metadata into the stored one: labels and the like merged, finalizers joined. */
  private static void mergeMetadata(ObjectNode stored, JsonNode applied) {
    for (Iterator<Map.Entry<String, JsonNode>> it = applied.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      switch (field.getKey()) {
        case "name", "namespace", "resourceVersion", "uid", "managedFields", "generation" -> {
          // identity and bookkeeping are the API server's
        }
        case "finalizers" -> {
          Set<String> all = new LinkedHashSet<>();
          stored.path("finalizers").forEach(f -> all.add(f.asText()));
          field.getValue().forEach(f -> all.add(f.asText()));
          ArrayNode list = stored.putArray("finalizers");
          all.forEach(list::add);
        }
        default ->
            stored.set(
                field.getKey(),
                JsonPatches.mergePatch(stored.get(field.getKey()), field.getValue()));
      }
    }
  }

  private static String contentType(RecordedRequest request) {
    String type = request.getHeader("Content-Type");
    return type != null ? type : request.getHeader("content-type");
  }

  /** The object's own path: no subresource, no query. */
  private static String objectPath(String path) {
    String object = withoutQuery(path);
    return object.endsWith("/status")
        ? object.substring(0, object.length() - "/status".length())
        : object;
  }

  private static String withoutQuery(String path) {
    int query = path.indexOf('?');
    return query < 0 ? path : path.substring(0, query);
  }
}
