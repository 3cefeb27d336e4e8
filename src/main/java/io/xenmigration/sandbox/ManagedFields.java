package io.xenmigration.sandbox;

import static io.xenmigration.sandbox.ApiDocuments.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xenmigration.sandbox.ApiResources.Resource;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Field ownership as server-side apply keeps it in {@code metadata.managedFields}: who set which
 * field, by Apply or by Update, on the object or its status. An apply that sets a field another
 * manager owns to a different value is refused with the conflicts (unless forced, which takes the
 * field over); fields an applier stops naming are removed unless someone else owns them; an update
 * makes its manager the owner of what it changed. Lists merge by their keys: a built-in kind's
 * merge keys, a CRD's {@code x-kubernetes-list-type: map}; other lists are atomic.
 */
final class ManagedFields {

  /** The fields an apply set that other managers own with other values. */
  static final class Conflicts extends RuntimeException {
    final ObjectNode status;

    Conflicts(ObjectNode status) {
      super(status.path("message").asText());
      this.status = status;
    }
  }

  /** Separates the segments of a field path: {@code f:spec}, {@code k:{"name":"a"}}, ... */
  private static final String SEP = "\u0000";

  /** Metadata the API server sets itself, never owned by a manager. */
  private static final Set<String> SERVER_METADATA =
      Set.of(
          "name",
          "namespace",
          "uid",
          "resourceVersion",
          "generation",
          "creationTimestamp",
          "deletionTimestamp",
          "deletionGracePeriodSeconds",
          "managedFields",
          "selfLink");

  /** One manager's entry. */
  private record Entry(
      String manager,
      String operation,
      String apiVersion,
      String time,
      String subresource,
      Set<String> paths) {}

  private final Resource resource;
  private final Instant now;

  ManagedFields(Resource resource, Instant now) {
    this.resource = resource;
    this.now = now.truncatedTo(ChronoUnit.SECONDS);
  }

  /** The manager of a write: its {@code fieldManager}, else its user agent up to the first "/". */
  static String manager(String fieldManager, String userAgent) {
    if (fieldManager != null && !fieldManager.isEmpty()) {
      if (fieldManager.length() > 128) {
        throw new ListOptions.Refused(
            422, "fieldManager: Too long: may not be more than 128 bytes");
      }
      return fieldManager;
    }
    String agent = userAgent == null ? "" : userAgent;
    int slash = agent.indexOf('/');
    return slash < 0 ? agent : agent.substring(0, slash);
  }

  /**
   * The object an apply leaves: {@code applied} merged into {@code current} (null when the apply
   * creates it), with the manager's fields recorded.
   *
   * @throws Conflicts when other managers own fields the apply sets otherwise and it is not forced
   */
  ObjectNode apply(
      JsonNode current, ObjectNode applied, String manager, boolean force, boolean status) {
    ObjectNode base = current == null ? created(applied) : (ObjectNode) current.deepCopy();
    String subresource = status ? "status" : "";
    List<Entry> entries = entries(base);
    Map<String, JsonNode> mine = leaves(applied, status);
    Map<String, JsonNode> theirs = leaves(base, status);
    Map<String, List<String>> conflicts = new LinkedHashMap<>();
    Map<String, String> versions = new LinkedHashMap<>();
    for (Entry e : entries) {
      if (!e.subresource().equals(subresource)
          || (e.manager().equals(manager) && e.operation().equals("Apply"))) {
        continue;
      }
      for (String path : e.paths()) {
        if (mine.containsKey(path) && !Objects.equals(mine.get(path), theirs.get(path))) {
          conflicts.computeIfAbsent(e.manager(), m -> new ArrayList<>()).add(path);
          versions.put(e.manager(), e.apiVersion());
        }
      }
    }
    if (!conflicts.isEmpty() && !force && !lastAppliedAllows(base, conflicts, theirs, status)) {
      throw new Conflicts(conflictStatus(conflicts, versions));
    }
    List<Entry> kept = new ArrayList<>();
    Set<String> previous = new LinkedHashSet<>();
    Set<String> ownedByOthers = new LinkedHashSet<>();
    for (Entry e : entries) {
      if (e.manager().equals(manager)
          && e.operation().equals("Apply")
          && e.subresource().equals(subresource)) {
        previous.addAll(e.paths());
        continue;
      }
      Set<String> paths = new LinkedHashSet<>(e.paths());
      if (e.subresource().equals(subresource)) {
        // A forced apply takes over what conflicted; shared equal values stay shared.
        conflicts.getOrDefault(e.manager(), List.of()).forEach(paths::remove);
        ownedByOthers.addAll(paths);
      }
      kept.add(
          new Entry(e.manager(), e.operation(), e.apiVersion(), e.time(), e.subresource(), paths));
    }
    for (String path : previous) {
      if (!mine.containsKey(path)
          && !ownedByOthers.contains(path)
          && !partlyOwned(path, ownedByOthers)) {
        remove(base, path);
      }
    }
    ObjectNode merged = merge(base, applied, status);
    kept.add(
        new Entry(
            manager, "Apply", resource.groupVersion(), now.toString(), subresource, mine.keySet()));
    write(merged, kept);
    return merged;
  }

  /**
   * Whether client-side apply's record allows the conflicts, as the API server allows them: every
   * conflicting field is in the {@code last-applied-configuration} with the value it still has, so
   * the move from {@code kubectl apply} to {@code kubectl apply --server-side} takes it over.
   */
  private boolean lastAppliedAllows(
      JsonNode live,
      Map<String, List<String>> conflicts,
      Map<String, JsonNode> theirs,
      boolean status) {
    String annotation =
        live.at("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration")
            .asText("");
    if (annotation.isEmpty()) {
      return false;
    }
    Map<String, JsonNode> lastApplied;
    try {
      lastApplied = leaves(JSON.readTree(annotation), status);
    } catch (java.io.IOException e) {
      return false;
    }
    for (List<String> paths : conflicts.values()) {
      for (String path : paths) {
        if (!lastApplied.containsKey(path)
            || !Objects.equals(lastApplied.get(path), theirs.get(path))) {
          return false;
        }
      }
    }
    return true;
  }

  /** What an apply that creates an object starts from: its type and identity. */
  private static ObjectNode created(ObjectNode applied) {
    ObjectNode base = JSON.createObjectNode();
    base.set("apiVersion", applied.path("apiVersion").deepCopy());
    base.set("kind", applied.path("kind").deepCopy());
    ObjectNode metadata = base.putObject("metadata");
    for (String field : List.of("name", "generateName", "namespace")) {
      if (applied.at("/metadata/" + field).isTextual()) {
        metadata.set(field, applied.at("/metadata/" + field).deepCopy());
      }
    }
    return base;
  }

  /**
   * Records an update (create, replace, patch) by a manager: it owns what it changed, others lose
   * it, and removed fields are nobody's. A client that sends {@code managedFields: []} resets them.
   */
  void update(JsonNode old, ObjectNode updated, String manager, boolean status) {
    JsonNode given = updated.at("/metadata/managedFields");
    // managedFields a client sends are taken as they are (kubectl hands client-side apply's
    // fields to server-side apply so); left out, the stored ones stay; [] resets them.
    boolean sent =
        given.isArray() && (old == null || !given.equals(old.at("/metadata/managedFields")));
    List<Entry> entries =
        given.isArray() && given.isEmpty()
            ? new ArrayList<>()
            : entries(old == null || sent ? updated : old);
    if (given.isArray() && given.isEmpty()) {
      old = null; // reset: the updater owns everything it leaves
    }
    String subresource = status ? "status" : "";
    Map<String, JsonNode> before = old == null ? Map.of() : leaves(old, status);
    Map<String, JsonNode> after = leaves(updated, status);
    Set<String> changed = new LinkedHashSet<>();
    after.forEach(
        (path, value) -> {
          if (!Objects.equals(before.get(path), value)) {
            changed.add(path);
          }
        });
    Set<String> removed = new LinkedHashSet<>(before.keySet());
    removed.removeAll(after.keySet());
    List<Entry> kept = new ArrayList<>();
    Set<String> own = new LinkedHashSet<>();
    for (Entry e : entries) {
      Set<String> paths = new LinkedHashSet<>(e.paths());
      if (e.subresource().equals(subresource)) {
        paths.removeAll(removed);
        if (e.manager().equals(manager) && e.operation().equals("Update")) {
          own.addAll(paths);
          continue;
        }
        paths.removeAll(changed);
      }
      kept.add(
          new Entry(e.manager(), e.operation(), e.apiVersion(), e.time(), e.subresource(), paths));
    }
    own.addAll(changed);
    if (!own.isEmpty()) {
      kept.add(
          new Entry(manager, "Update", resource.groupVersion(), now.toString(), subresource, own));
    }
    write(updated, kept);
  }

  /** Whether others own fields inside the list element a path marks ({@code ...k:{..}/.}). */
  private static boolean partlyOwned(String path, Set<String> others) {
    if (!path.endsWith(SEP + ".")) {
      return false;
    }
    String element = path.substring(0, path.length() - 1);
    return others.stream().anyMatch(p -> p.startsWith(element));
  }

  // --- merging ---

  private ObjectNode merge(ObjectNode base, ObjectNode applied, boolean status) {
    ObjectNode patch = applied.deepCopy();
    patch.remove("apiVersion");
    patch.remove("kind");
    if (patch.get("metadata") instanceof ObjectNode metadata) {
      SERVER_METADATA.forEach(metadata::remove);
    }
    if (status) {
      JsonNode newStatus = patch.get("status");
      patch.removeAll();
      if (newStatus != null) {
        patch.set("status", newStatus);
      }
    } else if (resource.hasStatus()) {
      patch.remove("status");
    }
    if (resource.crd() == null && StrategicMerge.knows(resource.group(), resource.kind())) {
      return (ObjectNode) StrategicMerge.apply(base, patch, resource.group(), resource.kind());
    }
    return (ObjectNode) mergeKeyed(base, patch, new ArrayList<>());
  }

  /** A merge of an applied configuration: maps merged, keyed lists by key, other lists replaced. */
  private JsonNode mergeKeyed(JsonNode base, JsonNode patch, List<String> names) {
    if (patch instanceof ObjectNode p && base instanceof ObjectNode b) {
      for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        names.add(field.getKey());
        b.set(field.getKey(), mergeKeyed(b.get(field.getKey()), field.getValue(), names));
        names.remove(names.size() - 1);
      }
      return b;
    }
    List<String> keys = patch instanceof ArrayNode ? listKeys(names) : null;
    if (keys != null && base instanceof ArrayNode b) {
      ArrayNode result = b.deepCopy();
      for (JsonNode item : patch) {
        int at = indexOf(result, keys, item);
        if (at < 0) {
          result.add(item.deepCopy());
        } else if (!keys.isEmpty()) {
          result.set(at, mergeKeyed(result.get(at), item, names));
        }
      }
      return result;
    }
    return patch.deepCopy();
  }

  /** Where a list holds the item with the same keys (the same value, in a set); -1 if nowhere. */
  private static int indexOf(ArrayNode list, List<String> keys, JsonNode item) {
    for (int i = 0; i < list.size(); i++) {
      if (keys.isEmpty() ? list.get(i).equals(item) : sameKeys(list.get(i), item, keys)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean sameKeys(JsonNode left, JsonNode right, List<String> keys) {
    for (String key : keys) {
      if (!Objects.equals(left.get(key), right.get(key))) {
        return false;
      }
    }
    return true;
  }

  // --- field sets ---

  /** Every owned leaf of an object (the status only, or all but the status) and its value. */
  private Map<String, JsonNode> leaves(JsonNode object, boolean status) {
    Map<String, JsonNode> leaves = new LinkedHashMap<>();
    if (!(object instanceof ObjectNode root)) {
      return leaves;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      boolean isStatus = name.equals("status") && resource.hasStatus();
      if (name.equals("apiVersion") || name.equals("kind") || isStatus != status) {
        continue;
      }
      if (name.equals("metadata") && field.getValue() instanceof ObjectNode metadata) {
        for (Iterator<Map.Entry<String, JsonNode>> m = metadata.fields(); m.hasNext(); ) {
          Map.Entry<String, JsonNode> meta = m.next();
          if (!SERVER_METADATA.contains(meta.getKey())) {
            walk(
                meta.getValue(),
                "f:metadata" + SEP + "f:" + meta.getKey(),
                new ArrayList<>(List.of("metadata", meta.getKey())),
                leaves);
          }
        }
        continue;
      }
      walk(field.getValue(), "f:" + name, new ArrayList<>(List.of(name)), leaves);
    }
    return leaves;
  }

  private void walk(JsonNode value, String path, List<String> names, Map<String, JsonNode> out) {
    if (value instanceof ObjectNode object && !object.isEmpty() && !atomic(names)) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        names.add(field.getKey());
        walk(field.getValue(), path + SEP + "f:" + field.getKey(), names, out);
        names.remove(names.size() - 1);
      }
      return;
    }
    List<String> keys = value instanceof ArrayNode ? listKeys(names) : null;
    if (keys == null) {
      out.put(path, value);
    } else if (keys.isEmpty()) {
      for (JsonNode item : value) {
        out.put(path + SEP + "v:" + item, item);
      }
    } else {
      for (JsonNode item : value) {
        ObjectNode id = JSON.createObjectNode();
        for (String key : keys) {
          if (item.has(key)) {
            id.set(key, item.get(key));
          }
        }
        String element = path + SEP + "k:" + id;
        out.put(element + SEP + ".", id);
        walk(item, element, names, out);
      }
    }
  }

  /**
   * Lists keyed otherwise for server-side apply than for a strategic merge patch (the types' {@code
   * listMapKey} tags): ports are told apart by their protocol too.
   */
  private static final Map<String, List<String>> APPLY_KEYS =
      Map.of(
          "ports/containerPort", List.of("containerPort", "protocol"),
          "ports/port", List.of("port", "protocol"));

  /** A workload's label selector is one value (atomic), owned whole, as its type marks it. */
  private boolean atomic(List<String> names) {
    return resource.crd() == null
        && names.size() == 2
        && names.get(0).equals("spec")
        && names.get(1).equals("selector")
        && List.of("apps", "batch", "policy").contains(resource.group());
  }

  /** A list's keys at a path of field names: none for a set, null for an atomic list. */
  private List<String> listKeys(List<String> names) {
    if (names.size() == 2 && names.get(0).equals("metadata")) {
      // ObjectMeta's lists, whatever the kind (a CRD's schema says nothing of metadata).
      return switch (names.get(1)) {
        case "finalizers" -> List.of();
        case "ownerReferences" -> List.of("uid");
        default -> null;
      };
    }
    if (resource.crd() == null) {
      String key = StrategicMerge.listKey(resource.group(), resource.kind(), names);
      if (key == null || key.isEmpty()) {
        return key == null ? null : List.of();
      }
      return APPLY_KEYS.getOrDefault(names.get(names.size() - 1) + "/" + key, List.of(key));
    }
    JsonNode schema = null;
    for (JsonNode v : resource.crd().at("/spec/versions")) {
      if (v.path("name").asText().equals(resource.version())) {
        schema = v.at("/schema/openAPIV3Schema");
      }
    }
    for (String name : names) {
      if (schema == null) {
        return null;
      }
      if (schema.path("type").asText().equals("array")) {
        schema = schema.get("items");
      }
      schema = schema == null ? null : schema.path("properties").get(name);
    }
    if (schema == null) {
      return null;
    }
    return switch (schema.path("x-kubernetes-list-type").asText("atomic")) {
      case "set" -> List.of();
      case "map" -> {
        List<String> keys = new ArrayList<>();
        schema.path("x-kubernetes-list-map-keys").forEach(k -> keys.add(k.asText()));
        yield keys.isEmpty() ? null : keys;
      }
      default -> null;
    };
  }

  /** Removes the field at a path from an object (a keyed list's element when the path ends "."). */
  private static void remove(JsonNode object, String path) {
    String[] segments = path.split(SEP);
    JsonNode parent = object;
    for (int i = 0; i < segments.length - 1 && parent != null; i++) {
      parent = step(parent, segments[i]);
    }
    String last = segments[segments.length - 1];
    if (parent instanceof ObjectNode o && last.startsWith("f:")) {
      o.remove(last.substring(2));
    } else if (parent instanceof ArrayNode a && last.startsWith("v:")) {
      for (int i = 0; i < a.size(); i++) {
        if (("v:" + a.get(i)).equals(last)) {
          a.remove(i);
          break;
        }
      }
    } else if (last.equals(".") && segments.length >= 2) {
      JsonNode list = object;
      for (int i = 0; i < segments.length - 2 && list != null; i++) {
        list = step(list, segments[i]);
      }
      if (list instanceof ArrayNode a) {
        for (int i = 0; i < a.size(); i++) {
          if (matches(a.get(i), segments[segments.length - 2])) {
            a.remove(i);
            break;
          }
        }
      }
    }
  }

  private static JsonNode step(JsonNode node, String segment) {
    if (segment.startsWith("f:")) {
      return node.get(segment.substring(2));
    }
    if (segment.startsWith("k:") && node instanceof ArrayNode a) {
      for (JsonNode item : a) {
        if (matches(item, segment)) {
          return item;
        }
      }
    }
    return null;
  }

  private static boolean matches(JsonNode item, String keySegment) {
    try {
      JsonNode id = JSON.readTree(keySegment.substring(2));
      for (Iterator<Map.Entry<String, JsonNode>> it = id.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> key = it.next();
        if (!Objects.equals(item.get(key.getKey()), key.getValue())) {
          return false;
        }
      }
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  // --- managedFields, as stored ---

  private static List<Entry> entries(JsonNode object) {
    List<Entry> entries = new ArrayList<>();
    for (JsonNode e : object.at("/metadata/managedFields")) {
      Set<String> paths = new LinkedHashSet<>();
      paths(e.path("fieldsV1"), "", paths);
      entries.add(
          new Entry(
              e.path("manager").asText(),
              e.path("operation").asText(),
              e.path("apiVersion").asText(),
              e.path("time").asText(),
              e.path("subresource").asText(""),
              paths));
    }
    return entries;
  }

  /** The leaf paths of a fieldsV1 trie. */
  private static void paths(JsonNode trie, String prefix, Set<String> out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = trie.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String path = prefix.isEmpty() ? field.getKey() : prefix + SEP + field.getKey();
      if (field.getValue().isEmpty()) {
        out.add(path);
      } else {
        paths(field.getValue(), path, out);
      }
    }
  }

  private static void write(ObjectNode object, List<Entry> entries) {
    ArrayNode list = JSON.createArrayNode();
    for (Entry e : entries) {
      if (e.paths().isEmpty()) {
        continue;
      }
      ObjectNode trie = JSON.createObjectNode();
      for (String path : e.paths()) {
        ObjectNode node = trie;
        for (String segment : path.split(SEP)) {
          node = node.with(segment);
        }
      }
      ObjectNode entry =
          list.addObject()
              .put("manager", e.manager())
              .put("operation", e.operation())
              .put("apiVersion", e.apiVersion())
              .put("time", e.time())
              .put("fieldsType", "FieldsV1");
      entry.set("fieldsV1", trie);
      if (!e.subresource().isEmpty()) {
        entry.put("subresource", e.subresource());
      }
    }
    if (list.isEmpty()) {
      object.with("metadata").remove("managedFields");
    } else {
      object.with("metadata").set("managedFields", list);
    }
  }

  /** The 409 of a refused apply, in the words kubectl shows. */
  private static ObjectNode conflictStatus(
      Map<String, List<String>> conflicts, Map<String, String> versions) {
    int total = conflicts.values().stream().mapToInt(List::size).sum();
    List<String> parts = new ArrayList<>();
    ObjectNode details = JSON.createObjectNode();
    ArrayNode causes = details.putArray("causes");
    conflicts.forEach(
        (manager, paths) -> {
          String who = "\"" + manager + "\" using " + versions.get(manager);
          if (paths.size() == 1) {
            parts.add("conflict with " + who + ": " + display(paths.get(0)));
          } else {
            StringBuilder part = new StringBuilder("conflicts with " + who + ":");
            paths.forEach(p -> part.append("\n- ").append(display(p)));
            parts.add(part.toString());
          }
          paths.forEach(
              p ->
                  causes
                      .addObject()
                      .put("reason", "FieldManagerConflict")
                      .put("message", "conflict with " + who)
                      .put("field", display(p)));
        });
    return ApiDocuments.status(
        409,
        "Conflict",
        "Apply failed with "
            + total
            + " conflict"
            + (total == 1 ? "" : "s")
            + ": "
            + String.join("\n", parts),
        details);
  }

  /** {@code .spec.containers[name="a"].image}, as the server names a field in a conflict. */
  static String display(String path) {
    StringBuilder out = new StringBuilder();
    for (String segment : path.split(SEP)) {
      if (segment.startsWith("f:")) {
        out.append('.').append(segment.substring(2));
      } else if (segment.startsWith("v:")) {
        out.append("[=").append(segment.substring(2)).append(']');
      } else if (segment.startsWith("k:")) {
        try {
          JsonNode id = JSON.readTree(segment.substring(2));
          List<String> keys = new ArrayList<>();
          id.fields().forEachRemaining(e -> keys.add(e.getKey() + "=" + e.getValue()));
          out.append('[').append(String.join(",", keys)).append(']');
        } catch (java.io.IOException e) {
          out.append(segment);
        }
      }
    }
    return out.toString();
  }
}
