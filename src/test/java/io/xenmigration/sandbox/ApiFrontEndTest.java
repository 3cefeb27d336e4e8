package io.xenmigration.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.xenmigration.testing.ProjectFiles;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The embedded API's front end over HTTP, in front of a real mock store with our CRDs: what kubectl
 * and helm rely on, request by request; and its pure parts (JSONPath, ages, patches, selectors,
 * protobuf) on their own.
 */
class ApiFrontEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static KubernetesMockServer store;
  private static ApiFrontEnd api;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    store =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    store.init(InetAddress.getLoopbackAddress(), 0);
    KubernetesClient client = store.createClient();
    for (String plural : List.of("livemigrations", "xenpools")) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .resource(
              Serialization.unmarshal(
                  Files.readString(ProjectFiles.crd(plural)), CustomResourceDefinition.class))
          .create();
    }
    api = ApiFrontEnd.start(store.url("/"), 0);
  }

  @AfterAll
  static void stop() {
    api.close();
    store.destroy();
  }

  private static HttpResponse<String> call(String method, String path, String type, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path));
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (type != null) {
      request.header("Content-Type", type);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static final String LM = "/apis/xenmigration.io/v1alpha1/namespaces/ns/livemigrations";

  private static String migration(String name, String specYaml) throws Exception {
    return JSON.writeValueAsString(
        new YAMLMapper()
            .readTree(
                """
                apiVersion: xenmigration.io/v1alpha1
                kind: LiveMigration
                metadata: {name: %s, namespace: ns}
                spec:
                %s
                """
                    .formatted(name, specYaml.indent(2))));
  }

  @Test
  void discoveryNamesOurKindsWithShortNamesAndCategories() throws Exception {
    JsonNode groups = JSON.readTree(call("GET", "/apis", null, null).body());
    assertThat(groups.findValuesAsText("name")).contains("xenmigration.io", "apps");
    JsonNode ours = JSON.readTree(call("GET", "/apis/xenmigration.io/v1alpha1", null, null).body());
    JsonNode lm = ours.path("resources").get(0);
    assertThat(ours.toString())
        .contains("\"shortNames\":[\"lm\"]")
        .contains("\"categories\":[\"xen\"]");
    assertThat(lm.path("namespaced").asBoolean()).isTrue();
    JsonNode openApi =
        JSON.readTree(call("GET", "/openapi/v3/apis/xenmigration.io/v1alpha1", null, null).body());
    assertThat(openApi.toString()).contains("fieldValidation").contains("LiveMigration");
  }

  @Test
  void createDefaultsValidatesAndRefusesDuplicatesAndBadManifests() throws Exception {
    HttpResponse<String> created =
        call("POST", LM, "application/json", migration("ok", "pool: pool-a\nvm: vm-01"));
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(JSON.readTree(created.body()).at("/spec/maxAttempts").asInt()).isEqualTo(3);

    HttpResponse<String> again =
        call("POST", LM, "application/json", migration("ok", "pool: pool-a\nvm: vm-01"));
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(JSON.readTree(again.body()).path("reason").asText()).isEqualTo("AlreadyExists");

    HttpResponse<String> invalid =
        call("POST", LM, "application/json", migration("bad", "pool: pool-a\nmaxAttempts: 0"));
    assertThat(invalid.statusCode()).isEqualTo(422);
    JsonNode status = JSON.readTree(invalid.body());
    assertThat(status.path("reason").asText()).isEqualTo("Invalid");
    assertThat(status.at("/details/kind").asText()).isEqualTo("LiveMigration");
    assertThat(status.at("/details/causes").findValuesAsText("field"))
        .contains("spec.vm", "spec.maxAttempts");
    assertThat(call("GET", LM + "/bad", null, null).statusCode()).isEqualTo(404);

    HttpResponse<String> changed =
        call("PATCH", LM + "/ok", "application/merge-patch+json", "{\"spec\":{\"vm\":\"vm-02\"}}");
    assertThat(changed.statusCode()).isEqualTo(422);
    assertThat(changed.body()).contains("spec.vm cannot be changed after creation");
  }

  @Test
  void notFoundListsAndTablesLookLikeKubernetes() throws Exception {
    HttpResponse<String> missing = call("GET", LM + "/nope", null, null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(missing.body()).path("message").asText())
        .isEqualTo("livemigrations.xenmigration.io \"nope\" not found");

    call("POST", LM, "application/json", migration("listed", "pool: pool-a\nvm: vm-03"));
    JsonNode list = JSON.readTree(call("GET", LM, null, null).body());
    assertThat(list.path("kind").asText()).isEqualTo("LiveMigrationList");
    assertThat(list.path("items").get(0).path("kind").asText()).isEqualTo("LiveMigration");

    HttpResponse<String> tableResponse =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + LM + "/listed"))
                .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode table = JSON.readTree(tableResponse.body());
    assertThat(table.path("kind").asText()).isEqualTo("Table");
    assertThat(table.path("columnDefinitions").findValuesAsText("name"))
        .containsExactly("Name", "PHASE", "VM", "SOURCE", "DESTINATION", "PROGRESS", "AGE");
    assertThat(table.at("/rows/0/cells/0").asText()).isEqualTo("listed");
    assertThat(table.at("/rows/0/cells/2").asText()).isEqualTo("vm-03");
    assertThat(table.at("/rows/0/object/kind").asText()).isEqualTo("PartialObjectMetadata");
  }

  @Test
  void removingTheLastFinalizerOfADeletedObjectAnswersWithTheObject() throws Exception {
    KubernetesMockServer own =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), new SandboxStore(), false);
    own.init(InetAddress.getLoopbackAddress(), 0);
    try {
      String url = own.url("/api/v1/namespaces/ns/configmaps");
      HTTP.send(
          HttpRequest.newBuilder(URI.create(url))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":"
                          + "{\"name\":\"a\",\"namespace\":\"ns\",\"finalizers\":[\"x/y\"]}}"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      HTTP.send(
          HttpRequest.newBuilder(URI.create(url + "/a")).DELETE().build(),
          HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> patched =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url + "/a"))
                  .header("Content-Type", "application/json-patch+json")
                  .method(
                      "PATCH",
                      HttpRequest.BodyPublishers.ofString(
                          "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers/0\"}]"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(patched.statusCode()).isEqualTo(200);
      JsonNode object = JSON.readTree(patched.body());
      assertThat(object.at("/metadata/name").asText()).isEqualTo("a");
      assertThat(object.at("/metadata/finalizers")).isEmpty();
      assertThat(
              HTTP.send(
                      HttpRequest.newBuilder(URI.create(url + "/a")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(404);
    } finally {
      own.destroy();
    }
  }

  @Test
  void aPatchNamingAnOldVersionIsRefusedAndOneWithoutAVersionApplies() throws Exception {
    call("POST", LM, "application/json", migration("versioned", "pool: pool-a\nvm: vm-05"));
    HttpResponse<String> stale =
        call(
            "PATCH",
            LM + "/versioned",
            "application/merge-patch+json",
            "{\"metadata\":{\"resourceVersion\":\"1\"},\"spec\":{\"cancel\":true}}");
    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(JSON.readTree(stale.body()).path("reason").asText()).isEqualTo("Conflict");
    HttpResponse<String> plain =
        call(
            "PATCH",
            LM + "/versioned",
            "application/merge-patch+json",
            "{\"spec\":{\"cancel\":true}}");
    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(plain.body()).at("/spec/cancel").asBoolean()).isTrue();
  }

  @Test
  void theStatusSubresourceChangesOnlyTheStatus() throws Exception {
    call("POST", LM, "application/json", migration("st", "pool: pool-a\nvm: vm-04"));
    HttpResponse<String> patched =
        call(
            "PATCH",
            LM + "/st/status",
            "application/merge-patch+json",
            "{\"spec\":{\"vm\":\"other\"},\"status\":{\"phase\":\"Queued\"}}");
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    JsonNode stored = JSON.readTree(call("GET", LM + "/st", null, null).body());
    assertThat(stored.at("/status/phase").asText()).isEqualTo("Queued");
    assertThat(stored.at("/spec/vm").asText()).isEqualTo("vm-04");
  }

  @Test
  void helmInstallsTheChartWithItsCrdsIntoAnEmptyApiAndUninstallsIt() throws Exception {
    KubernetesMockServer empty =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    empty.init(InetAddress.getLoopbackAddress(), 0);
    try (ApiFrontEnd front = ApiFrontEnd.start(empty.url("/"), 0)) {
      java.nio.file.Path kubeconfig = Files.createTempFile("kubeconfig", ".yaml");
      Files.writeString(
          kubeconfig,
          """
          apiVersion: v1
          kind: Config
          clusters: [{name: c, cluster: {server: "http://127.0.0.1:%d"}}]
          users: [{name: u, user: {}}]
          contexts: [{name: x, context: {cluster: c, user: u}}]
          current-context: x
          """
              .formatted(front.port()));
      com.marcnuri.helm.Release release =
          new com.marcnuri.helm.Helm(ProjectFiles.chart())
              .install()
              .withName("xmo")
              .withNamespace("xmo-system")
              .createNamespace()
              .withKubeConfig(kubeconfig)
              .call();
      assertThat(release.getStatus()).isEqualTo("deployed");
      KubernetesClient client = empty.createClient();
      assertThat(client.apiextensions().v1().customResourceDefinitions().list().getItems())
          .extracting(c -> c.getMetadata().getName())
          .containsExactlyInAnyOrder(
              "hostmaintenances.xenmigration.io",
              "livemigrations.xenmigration.io",
              "xenpools.xenmigration.io");
      assertThat(client.apps().deployments().inNamespace("xmo-system").list().getItems())
          .hasSize(1);
      assertThat(
              client
                  .secrets()
                  .inNamespace("xmo-system")
                  .withLabel("owner", "helm")
                  .list()
                  .getItems())
          .hasSize(1);
      com.marcnuri.helm.Helm.uninstall("xmo")
          .withNamespace("xmo-system")
          .withKubeConfig(kubeconfig)
          .call();
      assertThat(client.apps().deployments().inNamespace("xmo-system").list().getItems()).isEmpty();
      assertThat(
              client
                  .secrets()
                  .inNamespace("xmo-system")
                  .withLabel("owner", "helm")
                  .list()
                  .getItems())
          .isEmpty();
      // Helm leaves CRDs behind on uninstall, as it does on a real cluster.
      assertThat(client.apiextensions().v1().customResourceDefinitions().list().getItems())
          .hasSize(3);
    } finally {
      empty.destroy();
    }
  }

  @ParameterizedTest
  @CsvSource({
    "'.status.phase', 'Running'",
    "'.status.conditions[?(@.type==\"Ready\")].status', 'True'",
    "'.status.conditions[1].type', 'Ready'",
    "'.spec.missing', ''",
  })
  void printerColumnPaths(String path, String expected) throws Exception {
    JsonNode object =
        JSON.readTree(
            "{\"spec\":{},\"status\":{\"phase\":\"Running\",\"conditions\":"
                + "[{\"type\":\"Progressing\",\"status\":\"False\"},{\"type\":\"Ready\",\"status\":\"True\"}]}}");
    assertThat(ApiDocuments.at(object, path).asText()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "45, 45s",
    "119, 119s",
    "330, 5m30s",
    "3660, 61m",
    "11100, 3h5m",
    "72000, 20h",
    "183600, 2d3h",
    "59788800, 692d"
  })
  void agesAsKubernetesWritesThem(long seconds, String age) {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(ApiDocuments.age(now.minusSeconds(seconds).toString(), now)).isEqualTo(age);
  }

  @Test
  void patchesOfEveryKind() throws Exception {
    JsonNode doc =
        JSON.readTree("{\"metadata\":{\"finalizers\":[\"a\",\"b\"]},\"spec\":{\"x\":1}}");
    assertThat(
            JsonPatches.apply(
                    doc,
                    JSON.readTree("{\"spec\":{\"x\":null,\"y\":2}}"),
                    "application/merge-patch+json")
                .toString())
        .isEqualTo("{\"metadata\":{\"finalizers\":[\"a\",\"b\"]},\"spec\":{\"y\":2}}");
    assertThat(
            JsonPatches.apply(
                    doc,
                    JSON.readTree(
                        "[{\"op\":\"test\",\"path\":\"/spec/x\",\"value\":1},"
                            + "{\"op\":\"remove\",\"path\":\"/metadata/finalizers/0\"},"
                            + "{\"op\":\"add\",\"path\":\"/spec/z\",\"value\":3}]"),
                    "application/json-patch+json")
                .toString())
        .isEqualTo("{\"metadata\":{\"finalizers\":[\"b\"]},\"spec\":{\"x\":1,\"z\":3}}");
    assertThatThrownBy(
            () ->
                JsonPatches.apply(
                    doc,
                    JSON.readTree("[{\"op\":\"test\",\"path\":\"/spec/x\",\"value\":2}]"),
                    "application/json-patch+json"))
        .isInstanceOf(JsonPatches.PatchConflict.class);
    assertThat(doc.at("/spec/x").asInt()).isEqualTo(1); // the original is untouched
  }

  @Test
  void fieldSelectorsAsDescribeAndWaitSendThem() throws Exception {
    JsonNode event =
        JSON.readTree(
            "{\"metadata\":{\"name\":\"e1\",\"namespace\":\"n\"},\"involvedObject\":"
                + "{\"name\":\"m1\",\"kind\":\"LiveMigration\"},\"source\":{\"component\":\"op\"}}");
    ApiResources.Resource events =
        ApiResources.find(ApiResources.all(List.of()), "v1", "events").orElseThrow();
    assertThat(
            FieldSelector.parse("involvedObject.name=m1,involvedObject.kind=LiveMigration", events)
                .matches(event))
        .isTrue();
    assertThat(FieldSelector.parse("metadata.name==e1", events).matches(event)).isTrue();
    assertThat(FieldSelector.parse("source=op", events).matches(event)).isTrue();
    assertThat(FieldSelector.parse("involvedObject.name=m2", events).matches(event)).isFalse();
    assertThat(FieldSelector.parse("involvedObject.name!=m1", events).matches(event)).isFalse();
    assertThat(FieldSelector.parse(null, events).matches(event)).isTrue();
    assertThat(FieldSelector.parse("metadata.name=a\\,b", events).name()).isEqualTo("a,b");
    assertThatThrownBy(() -> FieldSelector.parse("spec.x=1", events))
        .hasMessage("field label not supported: spec.x");
    ApiResources.Resource secrets =
        ApiResources.find(ApiResources.all(List.of()), "v1", "secrets").orElseThrow();
    assertThat(FieldSelector.parse("type=Opaque", secrets).terms()).hasSize(1);
    assertThatThrownBy(() -> FieldSelector.parse("reason=x", secrets))
        .isInstanceOf(FieldSelector.Invalid.class);
  }

  @Test
  void labelSelectorsInTheFullGrammar() throws Exception {
    JsonNode infra = JSON.readTree("{\"metadata\":{\"labels\":{\"team\":\"infra\",\"n\":\"3\"}}}");
    JsonNode bare = JSON.readTree("{\"metadata\":{}}");
    assertThat(LabelSelector.parse("team in (infra, apps)").matches(infra)).isTrue();
    assertThat(LabelSelector.parse("team in (apps)").matches(infra)).isFalse();
    assertThat(LabelSelector.parse("team notin (apps)").matches(bare)).isTrue();
    assertThat(LabelSelector.parse("!team").matches(bare)).isTrue();
    assertThat(LabelSelector.parse("!team").matches(infra)).isFalse();
    assertThat(LabelSelector.parse("team").matches(bare)).isFalse();
    assertThat(LabelSelector.parse("team=infra,n>2").matches(infra)).isTrue();
    assertThat(LabelSelector.parse("team==infra,n<3").matches(infra)).isFalse();
    assertThat(LabelSelector.parse("team!=infra").matches(bare)).isTrue();
    assertThat(LabelSelector.parse("").matches(bare)).isTrue();
    for (String bad : List.of("team in infra", "te am", "n>x", "=x", "team=(", "a,,b")) {
      assertThatThrownBy(() -> LabelSelector.parse(bad))
          .as(bad)
          .isInstanceOf(LabelSelector.Invalid.class);
    }
  }

  @Test
  void queryBooleansAsTheApiServerConvertsThem() {
    for (String yes : List.of("true", "True", "TRUE", "1", "t", "yes", "")) {
      assertThat(ListOptions.bool(java.util.Map.of("watch", yes), "watch")).as(yes).isTrue();
    }
    for (String no : List.of("false", "False", "FALSE", "0")) {
      assertThat(ListOptions.bool(java.util.Map.of("watch", no), "watch")).as(no).isFalse();
    }
    assertThat(ListOptions.bool(java.util.Map.of(), "watch")).isFalse();
  }

  @Test
  void aSecretsStringDataIsStoredBase64InDataAndNeverReadBack() throws Exception {
    String secrets = "/api/v1/namespaces/ns/secrets";
    HttpResponse<String> created =
        call(
            "POST",
            secrets,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"creds\"},"
                + "\"data\":{\"username\":\"b2xk\",\"keep\":\"eA==\"},"
                + "\"stringData\":{\"username\":\"root\",\"password\":\"s3cr\u00e9t\"}}");
    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode read = JSON.readTree(call("GET", secrets + "/creds", null, null).body());
    assertThat(read.has("stringData")).isFalse();
    // stringData wins over data for the same key; the other keys of data stay.
    assertThat(read.at("/data/username").asText()).isEqualTo("cm9vdA==");
    assertThat(read.at("/data/password").asText()).isEqualTo("czNjcsOpdA==");
    assertThat(read.at("/data/keep").asText()).isEqualTo("eA==");

    // An apply that gives stringData only changes the keys it names (forced: the creator owns
    // data.password).
    HttpResponse<String> applied =
        call(
            "PATCH",
            secrets + "/creds?fieldManager=kubectl&force=true",
            "application/apply-patch+yaml",
            "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"creds\"},"
                + "\"stringData\":{\"password\":\"new\"}}");
    assertThat(applied.statusCode()).isEqualTo(200);
    read = JSON.readTree(call("GET", secrets + "/creds", null, null).body());
    assertThat(read.has("stringData")).isFalse();
    assertThat(read.at("/data/password").asText()).isEqualTo("bmV3");
    assertThat(read.at("/data/username").asText()).isEqualTo("cm9vdA==");

    // With data null, and a null value: stored as an empty string. A number is refused.
    HttpResponse<String> nulls =
        call(
            "POST",
            secrets,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"nulls\"},"
                + "\"data\":null,\"stringData\":{\"empty\":null,\"user\":\"u\"}}");
    assertThat(nulls.statusCode()).isEqualTo(201);
    read = JSON.readTree(call("GET", secrets + "/nulls", null, null).body());
    assertThat(read.at("/data/empty").asText()).isEmpty();
    assertThat(read.at("/data/user").asText()).isEqualTo("dQ==");
    HttpResponse<String> number =
        call(
            "POST",
            secrets,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"num\"},"
                + "\"stringData\":{\"port\":443}}");
    assertThat(number.statusCode()).isEqualTo(422);
    assertThat(number.body()).contains("stringData.port");
    assertThat(call("GET", secrets + "/num", null, null).statusCode()).isEqualTo(404);
  }

  @Test
  void aProtobufSecretAsHelmWritesItReadsAsJson() throws Exception {
    byte[] typeMeta =
        message(
            out -> {
              out.writeString(1, "v1");
              out.writeString(2, "Secret");
            });
    byte[] label =
        message(
            out -> {
              out.writeString(1, "owner");
              out.writeString(2, "helm");
            });
    byte[] metadata =
        message(
            out -> {
              out.writeString(1, "sh.helm.release.v1.xmo.v1");
              out.writeString(3, "xmo-system");
              out.writeByteArray(11, label);
            });
    byte[] data =
        message(
            out -> {
              out.writeString(1, "release");
              out.writeBytes(2, ByteString.copyFromUtf8("H4sI"));
            });
    byte[] secret =
        message(
            out -> {
              out.writeByteArray(1, metadata);
              out.writeByteArray(2, data);
              out.writeString(3, "helm.sh/release.v1");
            });
    byte[] unknown =
        message(
            out -> {
              out.writeByteArray(1, typeMeta);
              out.writeByteArray(2, secret);
            });
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(new byte[] {0x6b, 0x38, 0x73, 0x00});
    body.write(unknown);
    JsonNode decoded = ProtobufObjects.decode(body.toByteArray());
    assertThat(decoded.toString())
        .isEqualTo(
            "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"sh.helm.release.v1.xmo.v1\","
                + "\"namespace\":\"xmo-system\",\"labels\":{\"owner\":\"helm\"}},"
                + "\"data\":{\"release\":\"SDRzSQ==\"},\"type\":\"helm.sh/release.v1\"}");
  }

  @FunctionalInterface
  private interface Writer {
    void write(CodedOutputStream out) throws Exception;
  }

  private static byte[] message(Writer writer) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    writer.write(out);
    out.flush();
    return bytes.toByteArray();
  }
}
