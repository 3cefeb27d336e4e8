package io.xenmigration.sandbox;

import static io.xenmigration.sandbox.ApiDocuments.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import io.xenmigration.sandbox.ApiDocuments.Column;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The Table columns of the built-in kinds as the API server's printers make them ({@code kubectl
 * get deployments} shows READY, UP-TO-DATE, AVAILABLE; events show LAST SEEN, TYPE, REASON, OBJECT,
 * MESSAGE), from what the sandbox stores: where no controller fills a status, the counts it would
 * fill are zero.
 */
final class BuiltInTables {

  private BuiltInTables() {}

  static Column name() {
    return column("Name", "Name must be unique within a namespace.", o -> at(o, "/metadata/name"));
  }

  static Column age() {
    return new Column(
        "Age",
        "string",
        "CreationTimestamp is a timestamp representing the server time when this object was"
            + " created.",
        0,
        (o, now) -> text(ApiDocuments.age(o.at("/metadata/creationTimestamp").asText(), now)));
  }

  static List<Column> columns(String plural) {
    List<Column> cols = new ArrayList<>();
    switch (plural) {
      case "events" -> {
        cols.add(
            new Column(
                "Last Seen", "string", "Time of the last occurrence.", 0, BuiltInTables::seen));
        cols.add(column("Type", "The type of this event.", o -> at(o, "/type")));
        cols.add(column("Reason", "Why the event was made.", o -> at(o, "/reason")));
        cols.add(
            column(
                "Object",
                "The object this event is about.",
                o ->
                    text(
                        o.at("/involvedObject/kind").asText().toLowerCase(Locale.ROOT)
                            + "/"
                            + o.at("/involvedObject/name").asText())));
        cols.add(column("Message", "A human-readable description.", o -> at(o, "/message")));
        cols.add(wide(name()));
        return cols;
      }
      case "customresourcedefinitions", "roles", "clusterroles" -> {
        cols.add(name());
        cols.add(
            column(
                "Created At",
                "When the object was created.",
                o -> at(o, "/metadata/creationTimestamp")));
        return cols;
      }
      default -> cols.add(name());
    }
    switch (plural) {
      case "deployments" -> {
        cols.add(
            column(
                "Ready",
                "Ready pods of the wanted ones.",
                o -> text(count(o, "/status/readyReplicas") + "/" + replicas(o))));
        cols.add(
            column(
                "Up-to-date",
                "Pods of the newest template.",
                o -> num(o, "/status/updatedReplicas")));
        cols.add(
            column(
                "Available", "Pods available to serve.", o -> num(o, "/status/availableReplicas")));
      }
      case "replicasets" -> {
        cols.add(
            column("Desired", "Pods wanted.", o -> JSON.getNodeFactory().numberNode(replicas(o))));
        cols.add(column("Current", "Pods there.", o -> num(o, "/status/replicas")));
        cols.add(column("Ready", "Pods ready.", o -> num(o, "/status/readyReplicas")));
      }
      case "statefulsets" ->
          cols.add(
              column(
                  "Ready",
                  "Ready pods of the wanted ones.",
                  o -> text(count(o, "/status/readyReplicas") + "/" + replicas(o))));
      case "daemonsets" -> {
        cols.add(column("Desired", "Pods wanted.", o -> num(o, "/status/desiredNumberScheduled")));
        cols.add(column("Current", "Pods there.", o -> num(o, "/status/currentNumberScheduled")));
        cols.add(column("Ready", "Pods ready.", o -> num(o, "/status/numberReady")));
        cols.add(
            column("Up-to-date", "Pods updated.", o -> num(o, "/status/updatedNumberScheduled")));
        cols.add(column("Available", "Pods available.", o -> num(o, "/status/numberAvailable")));
        cols.add(
            column(
                "Node Selector",
                "Where the pods may run.",
                o -> text(selector(o.at("/spec/template/spec/nodeSelector")))));
      }
      case "pods" -> {
        cols.add(
            column(
                "Ready",
                "Ready containers of all.",
                o -> {
                  long ready = 0;
                  for (JsonNode c : o.at("/status/containerStatuses")) {
                    ready += c.path("ready").asBoolean() ? 1 : 0;
                  }
                  return text(ready + "/" + o.at("/spec/containers").size());
                }));
        cols.add(
            column(
                "Status",
                "The pod's phase, or why it is not running.",
                o -> text(o.at("/status/reason").asText(o.at("/status/phase").asText("Pending")))));
        cols.add(
            column(
                "Restarts",
                "Container restarts.",
                o -> {
                  long restarts = 0;
                  for (JsonNode c : o.at("/status/containerStatuses")) {
                    restarts += c.path("restartCount").asLong();
                  }
                  return JSON.getNodeFactory().numberNode(restarts);
                }));
      }
      case "services" -> {
        cols.add(
            column(
                "Type",
                "How the service is exposed.",
                o -> text(o.at("/spec/type").asText("ClusterIP"))));
        cols.add(
            column(
                "Cluster-IP",
                "The service's address in the cluster.",
                o -> text(o.at("/spec/clusterIP").asText("<none>"))));
        cols.add(
            column(
                "External-IP",
                "Addresses outside the cluster.",
                o -> {
                  List<String> ips = new ArrayList<>();
                  o.at("/spec/externalIPs").forEach(ip -> ips.add(ip.asText()));
                  return text(ips.isEmpty() ? "<none>" : String.join(",", ips));
                }));
        cols.add(
            column(
                "Port(s)",
                "The ports served.",
                o -> {
                  List<String> ports = new ArrayList<>();
                  for (JsonNode p : o.at("/spec/ports")) {
                    String node = p.has("nodePort") ? ":" + p.path("nodePort").asText() : "";
                    ports.add(
                        p.path("port").asText() + node + "/" + p.path("protocol").asText("TCP"));
                  }
                  return text(ports.isEmpty() ? "<none>" : String.join(",", ports));
                }));
      }
      case "secrets" -> {
        cols.add(column("Type", "The type of secret.", o -> at(o, "/type")));
        cols.add(
            column(
                "Data",
                "Keys in data.",
                o -> JSON.getNodeFactory().numberNode(o.path("data").size())));
      }
      case "configmaps" ->
          cols.add(
              column(
                  "Data",
                  "Keys in data and binaryData.",
                  o ->
                      JSON.getNodeFactory()
                          .numberNode(o.path("data").size() + o.path("binaryData").size())));
      case "namespaces" ->
          cols.add(column("Status", "The phase of the namespace.", o -> at(o, "/status/phase")));
      case "serviceaccounts" ->
          cols.add(
              column(
                  "Secrets",
                  "Secrets of the account.",
                  o -> JSON.getNodeFactory().numberNode(o.path("secrets").size())));
      case "leases" ->
          cols.add(column("Holder", "Who holds the lease.", o -> at(o, "/spec/holderIdentity")));
      case "rolebindings", "clusterrolebindings" ->
          cols.add(
              column(
                  "Role",
                  "The role bound.",
                  o ->
                      text(o.at("/roleRef/kind").asText() + "/" + o.at("/roleRef/name").asText())));
      case "jobs" -> {
        cols.add(
            column(
                "Completions",
                "Succeeded pods of the wanted ones.",
                o ->
                    text(
                        count(o, "/status/succeeded")
                            + "/"
                            + o.at("/spec/completions").asLong(1))));
      }
      case "cronjobs" -> {
        cols.add(column("Schedule", "When the job runs.", o -> at(o, "/spec/schedule")));
        cols.add(
            column(
                "Suspend",
                "Whether runs are suspended.",
                o -> text(Boolean.toString(o.at("/spec/suspend").asBoolean(false)))));
        cols.add(
            column(
                "Active",
                "Jobs running.",
                o -> JSON.getNodeFactory().numberNode(o.at("/status/active").size())));
      }
      default -> {}
    }
    cols.add(age());
    return cols;
  }

  /** An event's Last Seen: its age, and how often over how long when it happened again. */
  private static JsonNode seen(JsonNode event, Instant now) {
    String last =
        firstText(
            event,
            "/lastTimestamp",
            "/eventTime",
            "/firstTimestamp",
            "/metadata/creationTimestamp");
    String age = ApiDocuments.age(last, now);
    long times = event.path("count").asLong(1);
    String first = firstText(event, "/firstTimestamp", "/eventTime");
    if (times > 1 && !first.isEmpty()) {
      age += " (x" + times + " over " + ApiDocuments.age(first, now) + ")";
    }
    return text(age);
  }

  private static String firstText(JsonNode object, String... pointers) {
    for (String pointer : pointers) {
      String value = object.at(pointer).asText("");
      if (!value.isEmpty()) {
        return value;
      }
    }
    return "";
  }

  private static Column column(String name, String description, Function<JsonNode, JsonNode> cell) {
    BiFunction<JsonNode, Instant, JsonNode> cellAt = (o, now) -> cell.apply(o);
    return new Column(name, "string", description, 0, cellAt);
  }

  private static Column wide(Column c) {
    return new Column(c.name(), c.type(), c.description(), 1, c.cell());
  }

  private static long replicas(JsonNode object) {
    return object.at("/spec/replicas").asLong(1);
  }

  private static long count(JsonNode object, String pointer) {
    return object.at(pointer).asLong(0);
  }

  private static JsonNode num(JsonNode object, String pointer) {
    return JSON.getNodeFactory().numberNode(count(object, pointer));
  }

  private static JsonNode at(JsonNode object, String pointer) {
    JsonNode value = object.at(pointer);
    return value.isMissingNode() ? null : value;
  }

  private static JsonNode text(String value) {
    return JSON.getNodeFactory().textNode(value);
  }

  private static String selector(JsonNode labels) {
    List<String> pairs = new ArrayList<>();
    labels.fields().forEachRemaining(e -> pairs.add(e.getKey() + "=" + e.getValue().asText()));
    return pairs.isEmpty() ? "<none>" : String.join(",", pairs);
  }
}
