package io.xenmigration.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Applies a strategic merge patch to an object of a built-in kind as the API server's apimachinery
 * does, with the list merge keys and patch strategies of the k8s.io/api struct tags.
 */
final class StrategicMerge {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String PATCH = "$patch";
  private static final String RETAIN_KEYS = "$retainKeys";
  private static final String SET_ELEMENT_ORDER = "$setElementOrder";
  private static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";

  private StrategicMerge() {}

  /**
   * The patched copy of {@code object} (never modified); kind as in the object's "kind", group ""
   * for core, e.g. "apps".
   *
   * @throws IllegalArgumentException for a patch apimachinery refuses, or a kind {@link #knows}
   *     nothing of
   */
  static JsonNode apply(JsonNode object, JsonNode patch, String group, String kind) {
    Schema schema = KINDS.get(kindKey(group, kind));
    if (schema == null) {
      throw new IllegalArgumentException("strategic merge patch format is not supported");
    }
    if (patch == null || !patch.isObject()) {
      throw new IllegalArgumentException("invalid JSON document");
    }
    ObjectNode original = NODES.objectNode();
    if (object != null && object.isObject()) {
      original = object.deepCopy();
    }
    // Both copies are ours: the merge below edits them in place, as apimachinery edits its maps.
    return mergeMap(original, patch.deepCopy(), schema);
  }

  /**
   * Whether the embedded API has patch strategies for this kind (built-in kinds); custom resources
   * are refused a strategic merge patch by a real API server.
   */
  static boolean knows(String group, String kind) {
    return KINDS.containsKey(kindKey(group, kind));
  }

  /**
   * How the list at a path of field names (list items add no name) of a kind merges, for
   * server-side apply's field sets: its merge key, {@code ""} for a set of primitives, null when
   * the list is atomic (replaced whole).
   */
  static String listKey(String group, String kind, List<String> path) {
    Schema schema = KINDS.get(kindKey(group, kind));
    Field field = null;
    for (String name : path) {
      if (schema == null) {
        return null;
      }
      field = schema.field(name);
      schema = field.schema();
    }
    if (field == null
        || (field.strategy() != Strategy.MERGE && field.strategy() != Strategy.MERGE_RETAIN_KEYS)) {
      return null;
    }
    return field.mergeKey();
  }

  private static String kindKey(String group, String kind) {
    return (group == null ? "" : group) + "/" + kind;
  }

  private static ObjectNode mergeMap(ObjectNode original, ObjectNode patch, Schema schema) {
    JsonNode directive = patch.get(PATCH);
    if (directive != null) {
      return mapDirective(directive, patch);
    }
    retainKeys(original, patch);
    setElementOrders(original, patch, schema);
    List<String> deletions = new ArrayList<>();
    for (String key : keys(patch)) {
      if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
        deletions.add(key);
      } else {
        mergeField(original, key, patch.get(key), schema, false);
      }
    }
    // apimachinery visits keys in Go's random map order; deleting last keeps a patch that adds and
    // deletes one value deterministic, and matches the $setElementOrder path, which merges first.
    for (String key : deletions) {
      String list =
          listName(key, DELETE_FROM_PRIMITIVE_LIST, "invalid patch format of primitive list");
      mergeField(original, list, patch.get(key), schema, true);
    }
    return original;
  }

  private static ObjectNode mapDirective(JsonNode directive, ObjectNode patch) {
    if (isText(directive, "replace")) {
      patch.remove(PATCH);
      return (ObjectNode) clean(patch);
    }
    if (isText(directive, "delete")) {
      // An emptied map, not a removed key: apimachinery leaves {} where the map was.
      return NODES.objectNode();
    }
    throw unknownPatchType(directive, patch);
  }

  /** Honoured wherever the patch has it, as apimachinery does, whatever the field's strategy. */
  private static void retainKeys(ObjectNode original, ObjectNode patch) {
    JsonNode retained = patch.remove(RETAIN_KEYS);
    if (retained == null) {
      return;
    }
    if (!retained.isArray()) {
      throw new IllegalArgumentException("invalid patch format of retainKeys");
    }
    Set<String> kept = new HashSet<>();
    for (JsonNode key : retained) {
      if (key.isTextual()) {
        kept.add(key.textValue());
      }
    }
    for (String key : keys(patch)) {
      if (!patch.get(key).isNull() && !isParallelList(key) && !kept.contains(key)) {
        throw new IllegalArgumentException("invalid patch format of retainKeys");
      }
    }
    original.retain(kept);
  }

  /**
   * Merges each list that has a {@code $setElementOrder} and puts the result in that order; the
   * order may come without the list, to reorder only.
   */
  private static void setElementOrders(ObjectNode original, ObjectNode patch, Schema schema) {
    for (String key : keys(patch)) {
      if (!key.startsWith(SET_ELEMENT_ORDER)) {
        continue;
      }
      JsonNode order = patch.remove(key);
      if (!order.isArray()) {
        throw badArgType(GoType.SLICE, order);
      }
      String name =
          listName(key, SET_ELEMENT_ORDER, "invalid patch format of setElementOrder list");
      JsonNode current = original.get(name);
      JsonNode patchList = patch.get(name);
      if (current != null && !current.isArray()) {
        throw badArgType(GoType.SLICE, current);
      }
      if (patchList != null && !patchList.isArray()) {
        throw badArgType(GoType.SLICE, patchList);
      }
      Field field = schema.field(name);
      String mergeKey = field.mergeKey();
      checkOrderMatchesPatch(items(patchList), items(order), mergeKey);
      if (current == null && patchList == null) {
        continue;
      }
      List<JsonNode> live = items(current);
      List<JsonNode> merged = live;
      if (current == null || (patchList != null && !field.strategy().mergesLists())) {
        merged = items(clean(patchList));
      } else if (patchList != null) {
        Merged both = mergeSlice(live, items(patchList), field, false);
        merged = both.items();
        live = both.live();
      }
      Partition parts = partition(merged, items(order), mergeKey);
      GoType kind = elementType(items(current), items(patchList));
      List<JsonNode> ordered = normalizeOrder(parts, items(order), live, mergeKey, kind);
      original.set(name, array(ordered));
      patch.remove(name);
    }
  }

  /** Every item of the patch list must be named in the order, in the same relative order. */
  private static void checkOrderMatchesPatch(
      List<JsonNode> patchList, List<JsonNode> order, String mergeKey) {
    if (patchList.isEmpty() || order.isEmpty()) {
      return;
    }
    List<JsonNode> kept = patchList;
    if (!mergeKey.isEmpty()) {
      kept = new ArrayList<>();
      for (JsonNode item : patchList) {
        if (!item.isObject()) {
          throw badArgType(GoType.MAP, item);
        }
        if (!isText(item.get(PATCH), "delete")) {
          kept.add(item);
        }
      }
    }
    int inPatch = 0;
    int inOrder = 0;
    while (inPatch < kept.size() && inOrder < order.size()) {
      JsonNode item = kept.get(inPatch);
      if (item.isObject() && item.has(PATCH)) {
        inPatch++;
        continue;
      }
      if (sameMergeKey(item, order.get(inOrder), mergeKey)) {
        inPatch++;
      }
      inOrder++;
    }
    if (inPatch < kept.size()) {
      throw new IllegalArgumentException(
          "The order in patch list:\n"
              + goString(array(patchList))
              + "\n doesn't match $setElementOrder list:\n"
              + goString(array(order))
              + "\n");
    }
  }

  private static void mergeField(
      ObjectNode original, String key, JsonNode patchValue, Schema schema, boolean deletion) {
    if (patchValue.isNull()) {
      original.remove(key);
      return;
    }
    JsonNode current = original.get(key);
    if (current == null || GoType.of(current) != GoType.of(patchValue)) {
      if (!deletion) {
        putCleaned(original, key, patchValue);
      }
      return;
    }
    Field field = schema.field(key);
    if (current.isObject() && field.strategy() == Strategy.REPLACE) {
      putCleaned(original, key, patchValue);
    } else if (current.isObject()) {
      original.set(key, mergeMap((ObjectNode) current, (ObjectNode) patchValue, field.schema()));
    } else if (current.isArray()) {
      original.set(key, mergeList((ArrayNode) current, (ArrayNode) patchValue, field, deletion));
    } else {
      original.set(key, patchValue);
    }
  }

  private static void putCleaned(ObjectNode original, String key, JsonNode patchValue) {
    JsonNode cleaned = clean(patchValue);
    if (cleaned == null) {
      original.remove(key);
    } else {
      original.set(key, cleaned);
    }
  }

  private static JsonNode mergeList(
      ArrayNode current, ArrayNode patch, Field field, boolean deletion) {
    // A deletion list deletes whatever the field's strategy, as in apimachinery.
    if (!field.strategy().mergesLists() && !deletion) {
      return clean(patch);
    }
    return array(mergeSlice(items(current), items(patch), field, deletion).items());
  }

  /** A merged list, and the live list as apimachinery reads it once the merge is done. */
  private record Merged(List<JsonNode> items, List<JsonNode> live) {}

  private static Merged mergeSlice(
      List<JsonNode> original, List<JsonNode> patch, Field field, boolean deletion) {
    if (original.isEmpty() && patch.isEmpty()) {
      return new Merged(original, original);
    }
    GoType kind = elementType(original, patch);
    if (kind == GoType.MAP) {
      return mergeByKey(original, patch, field);
    }
    if (deletion) {
      return new Merged(without(original, patch), original);
    }
    List<JsonNode> both = new ArrayList<>(original);
    both.addAll(patch);
    Partition parts = partition(distinct(both), patch, field.mergeKey());
    return new Merged(normalizeOrder(parts, patch, original, field.mergeKey(), kind), original);
  }

  private static Merged mergeByKey(List<JsonNode> original, List<JsonNode> patch, Field field) {
    String mergeKey = field.mergeKey();
    if (mergeKey.isEmpty()) {
      throw new IllegalArgumentException(
          "cannot merge lists without merge key for " + field.schema().name());
    }
    List<JsonNode> kept = new ArrayList<>(original);
    List<JsonNode> plain = new ArrayList<>();
    boolean replace = false;
    for (JsonNode item : patch) {
      JsonNode directive = item.get(PATCH);
      if (directive == null) {
        plain.add(item);
      } else if (isText(directive, "delete")) {
        JsonNode value = item.get(mergeKey);
        if (value == null) {
          throw noMergeKey(item, mergeKey);
        }
        kept.removeIf(other -> other.has(mergeKey) && same(other.get(mergeKey), value));
      } else if (isText(directive, "replace")) {
        replace = true;
      } else if (isText(directive, "merge")) {
        throw new IllegalArgumentException("merging lists cannot yet be specified in the patch");
      } else {
        throw unknownPatchType(directive, item);
      }
    }
    List<JsonNode> survivors = kept;
    if (replace) {
      kept = items(clean(array(plain)));
      plain = List.of();
    }
    List<JsonNode> merged = new ArrayList<>(kept);
    for (JsonNode item : plain) {
      JsonNode value = item.get(mergeKey);
      if (value == null) {
        throw noMergeKey(item, mergeKey);
      }
      int at = indexOfKey(merged, mergeKey, value);
      if (at >= 0) {
        merged.set(at, mergeMap((ObjectNode) merged.get(at), (ObjectNode) item, field.schema()));
      } else {
        merged.add(clean(item));
      }
    }
    // apimachinery deletes and appends inside the live list's own Go array, so the live order that
    // $setElementOrder consults afterwards reads the surviving items and then as many appended
    // ones as were deleted; keeping that puts server-only items where a real API server puts them.
    List<JsonNode> live = replace ? survivors : merged;
    live = new ArrayList<>(live.subList(0, Math.min(original.size(), live.size())));
    Partition parts = partition(merged, plain, mergeKey);
    return new Merged(normalizeOrder(parts, plain, kept, mergeKey, GoType.MAP), live);
  }

  /** The items of a merged list that the patch (or its order) names, and the server-only rest. */
  private record Partition(List<JsonNode> named, List<JsonNode> serverOnly) {}

  private static Partition partition(List<JsonNode> merged, List<JsonNode> by, String mergeKey) {
    List<JsonNode> named = new ArrayList<>();
    List<JsonNode> serverOnly = new ArrayList<>();
    for (JsonNode item : merged) {
      boolean found;
      if (mergeKey.isEmpty()) {
        found = by.stream().anyMatch(other -> same(item, other));
      } else {
        if (!item.isObject()) {
          throw badArgType(GoType.MAP, item);
        }
        JsonNode value = item.get(mergeKey);
        if (value == null) {
          throw noMergeKey(item, mergeKey);
        }
        found = indexOfKey(by, mergeKey, value) >= 0;
      }
      (found ? named : serverOnly).add(item);
    }
    return new Partition(named, serverOnly);
  }

  /**
   * Sorts the named items by the patch's order and the server-only ones by the live list's, then
   * interleaves them: a server-only item goes before a named one only when the live list has both
   * and has it first, so a named item the live list lacks goes before every server-only item not
   * yet placed.
   */
  private static List<JsonNode> normalizeOrder(
      Partition parts,
      List<JsonNode> patchOrder,
      List<JsonNode> serverOrder,
      String mergeKey,
      GoType kind) {
    List<JsonNode> named = sortBy(parts.named(), patchOrder, mergeKey, kind);
    List<JsonNode> serverOnly = sortBy(parts.serverOnly(), serverOrder, mergeKey, kind);
    List<JsonNode> result = new ArrayList<>();
    int left = 0;
    int right = 0;
    while (left < serverOnly.size() || right < named.size()) {
      if (right >= named.size()) {
        result.add(serverOnly.get(left++));
      } else if (left >= serverOnly.size()) {
        result.add(named.get(right++));
      } else {
        int server = index(serverOrder, serverOnly.get(left), mergeKey, kind);
        int patch = index(serverOrder, named.get(right), mergeKey, kind);
        if (server >= 0 && patch >= 0 && server < patch) {
          result.add(serverOnly.get(left++));
        } else {
          result.add(named.get(right++));
        }
      }
    }
    return result;
  }

  private static List<JsonNode> sortBy(
      List<JsonNode> items, List<JsonNode> order, String mergeKey, GoType kind) {
    if (kind == GoType.MAP) {
      requireMergeKey(items, mergeKey);
      requireMergeKey(order, mergeKey);
    }
    List<JsonNode> sorted = new ArrayList<>(items);
    // List.sort is stable, so items sharing a key (duplicates) keep their relative order.
    sorted.sort(
        Comparator.comparingInt(
            item -> {
              int at = index(order, item, mergeKey, kind);
              return at < 0 ? Integer.MAX_VALUE : at;
            }));
    return sorted;
  }

  private static void requireMergeKey(List<JsonNode> items, String mergeKey) {
    for (JsonNode item : items) {
      if (!item.isObject()) {
        throw badArgType(GoType.MAP, item);
      }
      if (!item.has(mergeKey)) {
        throw noMergeKey(item, mergeKey);
      }
    }
  }

  /** Where a list has the item: by merge key value for maps (absent equals null), else by value. */
  private static int index(List<JsonNode> list, JsonNode item, String mergeKey, GoType kind) {
    JsonNode wanted = orderValue(item, mergeKey, kind);
    for (int at = 0; at < list.size(); at++) {
      if (same(wanted, orderValue(list.get(at), mergeKey, kind))) {
        return at;
      }
    }
    return -1;
  }

  private static JsonNode orderValue(JsonNode item, String mergeKey, GoType kind) {
    if (kind != GoType.MAP) {
      return item;
    }
    return item.isObject() ? item.get(mergeKey) : null;
  }

  /** The first map whose merge key has this value; every item must be a map. */
  private static int indexOfKey(List<JsonNode> list, String mergeKey, JsonNode value) {
    for (int at = 0; at < list.size(); at++) {
      JsonNode item = list.get(at);
      if (!item.isObject()) {
        throw new IllegalArgumentException("value for key " + at + " is not a map");
      }
      if (item.has(mergeKey) && same(item.get(mergeKey), value)) {
        return at;
      }
    }
    return -1;
  }

  private static boolean sameMergeKey(JsonNode left, JsonNode right, String mergeKey) {
    if (mergeKey.isEmpty()) {
      return same(left, right);
    }
    for (JsonNode side : List.of(left, right)) {
      if (!side.isObject()) {
        throw badArgType(GoType.MAP, side);
      }
      if (!side.has(mergeKey)) {
        throw noMergeKey(side, mergeKey);
      }
    }
    return same(left.get(mergeKey), right.get(mergeKey));
  }

  private static GoType elementType(List<JsonNode> first, List<JsonNode> second) {
    GoType found = null;
    for (List<JsonNode> list : List.of(first, second)) {
      for (JsonNode item : list) {
        GoType type = GoType.of(item);
        if (found == null && type == GoType.SLICE) {
          throw new IllegalArgumentException("lists of lists are not supported");
        } else if (found == null) {
          found = type;
        } else if (type != found) {
          throw new IllegalArgumentException(
              "list element types are not identical: "
                  + goString(array(first))
                  + " "
                  + goString(array(second)));
        }
      }
    }
    if (found == null) {
      throw new IllegalArgumentException("no elements in any of the given slices");
    }
    return found;
  }

  private static List<JsonNode> without(List<JsonNode> items, List<JsonNode> deleted) {
    List<JsonNode> kept = new ArrayList<>();
    for (JsonNode item : items) {
      if (deleted.stream().noneMatch(other -> same(item, other))) {
        kept.add(item);
      }
    }
    return kept;
  }

  private static List<JsonNode> distinct(List<JsonNode> items) {
    List<JsonNode> kept = new ArrayList<>();
    for (JsonNode item : items) {
      if (kept.stream().noneMatch(other -> same(item, other))) {
        kept.add(item);
      }
    }
    return kept;
  }

  /**
   * A patch value as it is stored when taken whole: nulls and maps carrying {@code $patch} dropped
   * as apimachinery drops them, and the other directive keys dropped as decoding into the typed
   * object drops them on a real API server; null when the value itself is to be dropped.
   */
  private static JsonNode clean(JsonNode value) {
    if (value.isObject()) {
      if (value.has(PATCH)) {
        return null;
      }
      ObjectNode cleaned = NODES.objectNode();
      for (String key : keys(value)) {
        JsonNode field = value.get(key);
        if (field.isNull() || key.equals(RETAIN_KEYS) || isParallelList(key)) {
          continue;
        }
        JsonNode kept = clean(field);
        if (kept != null) {
          cleaned.set(key, kept);
        }
      }
      return cleaned;
    }
    if (value.isArray()) {
      ArrayNode cleaned = NODES.arrayNode();
      for (JsonNode item : value) {
        JsonNode kept = clean(item);
        if (kept != null) {
          cleaned.add(kept);
        }
      }
      return cleaned;
    }
    return value;
  }

  private static boolean isParallelList(String key) {
    return key.startsWith(SET_ELEMENT_ORDER) || key.startsWith(DELETE_FROM_PRIMITIVE_LIST);
  }

  private static String listName(String directiveKey, String prefix, String error) {
    int slash = directiveKey.indexOf('/');
    if (slash < 0 || !directiveKey.substring(0, slash).equals(prefix)) {
      throw new IllegalArgumentException(error);
    }
    return directiveKey.substring(slash + 1);
  }

  /**
   * Equality as Go's {@code ==} on decoded JSON: integers and floats are different types, so 80 and
   * 80.0 differ, while 80 parsed as int or as long is the same.
   */
  private static boolean same(JsonNode left, JsonNode right) {
    GoType type = GoType.of(left);
    if (type != GoType.of(right)) {
      return false;
    }
    return switch (type) {
      case NIL -> true;
      case INT -> left.bigIntegerValue().equals(right.bigIntegerValue());
      case FLOAT -> left.doubleValue() == right.doubleValue();
      default -> left.equals(right);
    };
  }

  private static boolean isText(JsonNode node, String text) {
    return node != null && node.isTextual() && node.textValue().equals(text);
  }

  private static List<String> keys(JsonNode object) {
    List<String> keys = new ArrayList<>();
    object.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  private static List<JsonNode> items(JsonNode array) {
    List<JsonNode> items = new ArrayList<>();
    if (array != null) {
      array.forEach(items::add);
    }
    return items;
  }

  private static ArrayNode array(List<JsonNode> items) {
    ArrayNode array = NODES.arrayNode();
    items.forEach(array::add);
    return array;
  }

  private static IllegalArgumentException unknownPatchType(JsonNode directive, JsonNode map) {
    return new IllegalArgumentException(
        "unknown patch type: " + goString(directive) + " in map: " + goString(map));
  }

  private static IllegalArgumentException noMergeKey(JsonNode map, String mergeKey) {
    return new IllegalArgumentException(
        "map: " + goString(map) + " does not contain declared merge key: " + mergeKey);
  }

  private static IllegalArgumentException badArgType(GoType expected, JsonNode actual) {
    return new IllegalArgumentException(
        "expected a " + expected.goName + ", but received a " + GoType.of(actual).goName);
  }

  /** A value as Go's {@code %v} prints it, so messages read like the API server's. */
  private static String goString(JsonNode value) {
    if (value == null || value.isNull()) {
      return "<nil>";
    }
    if (value.isObject()) {
      Map<String, JsonNode> sorted = new TreeMap<>();
      keys(value).forEach(key -> sorted.put(key, value.get(key)));
      StringJoiner fields = new StringJoiner(" ", "map[", "]");
      sorted.forEach((key, field) -> fields.add(key + ":" + goString(field)));
      return fields.toString();
    }
    if (value.isArray()) {
      StringJoiner items = new StringJoiner(" ", "[", "]");
      value.forEach(item -> items.add(goString(item)));
      return items.toString();
    }
    return value.asText();
  }

  /** The Go type a JSON value decodes to, which decides between merging and taking the patch. */
  private enum GoType {
    MAP("map[string]interface {}"),
    SLICE("[]interface {}"),
    STRING("string"),
    INT("int64"),
    FLOAT("float64"),
    BOOL("bool"),
    NIL("<nil>");

    private final String goName;

    GoType(String goName) {
      this.goName = goName;
    }

    static GoType of(JsonNode value) {
      if (value == null || value.isNull() || value.isMissingNode()) {
        return NIL;
      } else if (value.isObject()) {
        return MAP;
      } else if (value.isArray()) {
        return SLICE;
      } else if (value.isIntegralNumber()) {
        return INT;
      } else if (value.isNumber()) {
        return FLOAT;
      } else if (value.isBoolean()) {
        return BOOL;
      }
      return STRING;
    }
  }

  /**
   * A field's {@code patchStrategy} tag; the retainKeys part only tells clients to send {@code
   * $retainKeys}, which applying honours wherever it appears, so it changes nothing here.
   */
  private enum Strategy {
    NONE,
    MERGE,
    MERGE_RETAIN_KEYS,
    RETAIN_KEYS,
    REPLACE;

    boolean mergesLists() {
      return this == MERGE || this == MERGE_RETAIN_KEYS;
    }
  }

  /** A field's strategy, its list merge key ("" for none), and the schema of its value or items. */
  private record Field(Strategy strategy, String mergeKey, Schema schema) {}

  /** The fields of an API type that have a strategy or lead to one; all others patch plainly. */
  private record Schema(String name, Map<String, Field> fields) {
    Field field(String key) {
      return fields.getOrDefault(key, PLAIN_FIELD);
    }
  }

  private static Field struct(Schema schema) {
    return new Field(Strategy.NONE, "", schema);
  }

  private static Field mergeBy(String mergeKey) {
    return mergeBy(mergeKey, PLAIN);
  }

  private static Field mergeBy(String mergeKey, Schema items) {
    return new Field(Strategy.MERGE, mergeKey, items);
  }

  private static Field mergeRetainingKeysBy(String mergeKey) {
    return new Field(Strategy.MERGE_RETAIN_KEYS, mergeKey, PLAIN);
  }

  private static Field mergePrimitives() {
    return new Field(Strategy.MERGE, "", PLAIN);
  }

  private static Schema resource(String name, Schema spec, Schema status) {
    return new Schema(
        name,
        Map.of("metadata", struct(OBJECT_META), "spec", struct(spec), "status", struct(status)));
  }

  private static Schema resource(String name) {
    return resource(name, PLAIN, PLAIN);
  }

  // The table below follows the struct tags of k8s.io/api (core, apps, batch, policy, autoscaling
  // and admissionregistration v1) and of ObjectMeta in k8s.io/apimachinery.

  private static final Schema PLAIN = new Schema("unknown", Map.of());
  private static final Field PLAIN_FIELD = struct(PLAIN);

  private static final Schema OBJECT_META =
      new Schema(
          "ObjectMeta", Map.of("finalizers", mergePrimitives(), "ownerReferences", mergeBy("uid")));

  private static final Schema CONTAINER =
      new Schema(
          "Container",
          Map.of(
              "ports", mergeBy("containerPort"),
              "env", mergeBy("name"),
              "volumeMounts", mergeBy("mountPath"),
              "volumeDevices", mergeBy("devicePath")));

  private static final Schema POD_SPEC =
      new Schema(
          "PodSpec",
          Map.of(
              "volumes", mergeRetainingKeysBy("name"),
              "initContainers", mergeBy("name", CONTAINER),
              "containers", mergeBy("name", CONTAINER),
              "ephemeralContainers", mergeBy("name", CONTAINER),
              "imagePullSecrets", mergeBy("name"),
              "hostAliases", mergeBy("ip"),
              "topologySpreadConstraints", mergeBy("topologyKey"),
              "resourceClaims", mergeRetainingKeysBy("name"),
              "schedulingGates", mergeBy("name")));

  private static final Schema POD_STATUS =
      new Schema(
          "PodStatus",
          Map.of(
              "conditions", mergeBy("type"),
              "hostIPs", mergeBy("ip"),
              "podIPs", mergeBy("ip"),
              "resourceClaimStatuses", mergeRetainingKeysBy("name")));

  private static final Schema POD_TEMPLATE =
      new Schema(
          "PodTemplateSpec", Map.of("metadata", struct(OBJECT_META), "spec", struct(POD_SPEC)));

  /** The spec of ReplicaSet, StatefulSet, DaemonSet, Job and ReplicationController. */
  private static final Schema TEMPLATED =
      new Schema("Spec", Map.of("template", struct(POD_TEMPLATE)));

  private static final Schema DEPLOYMENT_SPEC =
      new Schema(
          "DeploymentSpec",
          Map.of(
              "template",
              struct(POD_TEMPLATE),
              "strategy",
              new Field(Strategy.RETAIN_KEYS, "", PLAIN)));

  private static final Schema CRON_JOB_SPEC =
      new Schema(
          "CronJobSpec",
          Map.of(
              "jobTemplate",
              struct(
                  new Schema(
                      "JobTemplateSpec",
                      Map.of("metadata", struct(OBJECT_META), "spec", struct(TEMPLATED))))));

  /** The status of most kinds that have one: only its conditions merge, by type. */
  private static final Schema CONDITIONS =
      new Schema("Status", Map.of("conditions", mergeBy("type")));

  private static final Schema SERVICE_SPEC =
      new Schema("ServiceSpec", Map.of("ports", mergeBy("port")));

  private static final Schema NODE_SPEC =
      new Schema("NodeSpec", Map.of("podCIDRs", mergePrimitives()));

  private static final Schema NODE_STATUS =
      new Schema("NodeStatus", Map.of("conditions", mergeBy("type"), "addresses", mergeBy("type")));

  private static final Schema DISRUPTION_BUDGET_SPEC =
      new Schema(
          "PodDisruptionBudgetSpec", Map.of("selector", new Field(Strategy.REPLACE, "", PLAIN)));

  private static final Schema WEBHOOK =
      new Schema("Webhook", Map.of("matchConditions", mergeBy("name")));

  private static final Map<String, Schema> KINDS =
      Map.ofEntries(
          Map.entry("/Namespace", resource("Namespace", PLAIN, CONDITIONS)),
          Map.entry("/Secret", resource("Secret")),
          Map.entry("/ConfigMap", resource("ConfigMap")),
          Map.entry("/Event", resource("Event")),
          Map.entry(
              "/ServiceAccount",
              new Schema(
                  "ServiceAccount",
                  Map.of("metadata", struct(OBJECT_META), "secrets", mergeBy("name")))),
          Map.entry("/Service", resource("Service", SERVICE_SPEC, CONDITIONS)),
          Map.entry("/Pod", resource("Pod", POD_SPEC, POD_STATUS)),
          Map.entry(
              "/PodTemplate",
              new Schema(
                  "PodTemplate",
                  Map.of("metadata", struct(OBJECT_META), "template", struct(POD_TEMPLATE)))),
          Map.entry(
              "/ReplicationController", resource("ReplicationController", TEMPLATED, CONDITIONS)),
          Map.entry("/Node", resource("Node", NODE_SPEC, NODE_STATUS)),
          Map.entry("/Endpoints", resource("Endpoints")),
          Map.entry("/PersistentVolumeClaim", resource("PersistentVolumeClaim", PLAIN, CONDITIONS)),
          Map.entry("/PersistentVolume", resource("PersistentVolume")),
          Map.entry("/LimitRange", resource("LimitRange")),
          Map.entry("/ResourceQuota", resource("ResourceQuota")),
          Map.entry("apps/Deployment", resource("Deployment", DEPLOYMENT_SPEC, CONDITIONS)),
          Map.entry("apps/ReplicaSet", resource("ReplicaSet", TEMPLATED, CONDITIONS)),
          Map.entry("apps/StatefulSet", resource("StatefulSet", TEMPLATED, CONDITIONS)),
          Map.entry("apps/DaemonSet", resource("DaemonSet", TEMPLATED, CONDITIONS)),
          Map.entry("apps/ControllerRevision", resource("ControllerRevision")),
          Map.entry("batch/Job", resource("Job", TEMPLATED, CONDITIONS)),
          Map.entry("batch/CronJob", resource("CronJob", CRON_JOB_SPEC, PLAIN)),
          Map.entry("rbac.authorization.k8s.io/Role", resource("Role")),
          Map.entry("rbac.authorization.k8s.io/RoleBinding", resource("RoleBinding")),
          Map.entry("rbac.authorization.k8s.io/ClusterRole", resource("ClusterRole")),
          Map.entry("rbac.authorization.k8s.io/ClusterRoleBinding", resource("ClusterRoleBinding")),
          Map.entry("coordination.k8s.io/Lease", resource("Lease")),
          Map.entry(
              "policy/PodDisruptionBudget",
              resource("PodDisruptionBudget", DISRUPTION_BUDGET_SPEC, CONDITIONS)),
          Map.entry("networking.k8s.io/NetworkPolicy", resource("NetworkPolicy")),
          Map.entry("networking.k8s.io/Ingress", resource("Ingress")),
          Map.entry("networking.k8s.io/IngressClass", resource("IngressClass")),
          Map.entry(
              "apiextensions.k8s.io/CustomResourceDefinition",
              resource("CustomResourceDefinition")),
          Map.entry("events.k8s.io/Event", resource("Event")),
          Map.entry("discovery.k8s.io/EndpointSlice", resource("EndpointSlice")),
          Map.entry(
              "autoscaling/HorizontalPodAutoscaler",
              resource("HorizontalPodAutoscaler", PLAIN, CONDITIONS)),
          Map.entry("scheduling.k8s.io/PriorityClass", resource("PriorityClass")),
          Map.entry("storage.k8s.io/StorageClass", resource("StorageClass")),
          Map.entry(
              "admissionregistration.k8s.io/MutatingWebhookConfiguration",
              new Schema(
                  "MutatingWebhookConfiguration",
                  Map.of("metadata", struct(OBJECT_META), "webhooks", mergeBy("name", WEBHOOK)))),
          Map.entry(
              "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
              new Schema(
                  "ValidatingWebhookConfiguration",
                  Map.of("metadata", struct(OBJECT_META), "webhooks", mergeBy("name", WEBHOOK)))));
}
