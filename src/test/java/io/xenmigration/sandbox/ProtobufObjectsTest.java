package io.xenmigration.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The protobuf bodies of {@code kubectl create ...}, encoded the way Go's generated marshalers
 * write them (zero-valued non-pointer fields included), read back as the JSON kubectl would have
 * sent.
 */
class ProtobufObjectsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};
  private static final byte[] EMPTY = new byte[0];

  @Test
  void createNamespace() throws IOException {
    byte[] namespace =
        message(
            out -> {
              out.writeByteArray(1, objectMeta("x", ""));
              out.writeByteArray(2, EMPTY);
              out.writeByteArray(3, message(status -> status.writeString(1, "")));
            });

    assertThat(decoded(envelope("v1", "Namespace", namespace)))
        .isEqualTo(
            json(
                """
                {"kind":"Namespace","apiVersion":"v1",
                 "metadata":{"name":"x","creationTimestamp":null},"spec":{},"status":{}}
                """));
  }

  @Test
  void createDeploymentWithReplicasAndPort() throws IOException {
    byte[] port =
        message(
            out -> {
              out.writeString(1, "");
              out.writeInt32(2, 0);
              out.writeInt32(3, 80);
              emptyStrings(out, 4, 5);
            });
    byte[] container = container("nginx", "nginx:1.27", out -> out.writeByteArray(6, port));
    byte[] spec =
        message(
            out -> {
              out.writeInt32(1, 2);
              out.writeByteArray(2, message(selector -> entry(selector, 1, "app", "web")));
              out.writeByteArray(
                  3,
                  message(
                      template -> {
                        template.writeByteArray(1, objectMeta("", "", "app", "web"));
                        template.writeByteArray(2, podSpec("", container));
                      }));
              out.writeByteArray(4, message(strategy -> strategy.writeString(1, "")));
              zeros(out, 5, 7);
            });
    byte[] deployment =
        message(
            out -> {
              out.writeByteArray(1, objectMeta("web", "", "app", "web"));
              out.writeByteArray(2, spec);
              out.writeByteArray(3, message(status -> zeros(status, 1, 2, 3, 4, 5, 7)));
            });

    assertThat(decoded(envelope("apps/v1", "Deployment", deployment)))
        .isEqualTo(
            json(
                """
                {"kind":"Deployment","apiVersion":"apps/v1",
                 "metadata":{"name":"web","creationTimestamp":null,"labels":{"app":"web"}},
                 "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
                  "template":{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},
                   "spec":{"containers":[{"name":"nginx","image":"nginx:1.27",
                    "ports":[{"containerPort":80}],"resources":{}}]}},
                  "strategy":{}},
                 "status":{}}
                """));
  }

  @Test
  void createServiceClusterIpWithANumericTargetPort() throws IOException {
    byte[] port =
        message(
            out -> {
              out.writeString(1, "80-8080");
              out.writeString(2, "TCP");
              out.writeInt32(3, 80);
              out.writeByteArray(4, intOrString(8080));
              out.writeInt32(5, 0);
            });
    byte[] spec =
        message(
            out -> {
              out.writeByteArray(1, port);
              entry(out, 2, "app", "web");
              out.writeString(3, "");
              out.writeString(4, "ClusterIP");
              emptyStrings(out, 7, 8, 10, 11);
              zeros(out, 12, 13);
            });
    byte[] service =
        message(
            out -> {
              out.writeByteArray(1, objectMeta("web", "", "app", "web"));
              out.writeByteArray(2, spec);
              out.writeByteArray(3, message(status -> status.writeByteArray(1, EMPTY)));
            });

    assertThat(decoded(envelope("v1", "Service", service)))
        .isEqualTo(
            json(
                """
                {"kind":"Service","apiVersion":"v1",
                 "metadata":{"name":"web","creationTimestamp":null,"labels":{"app":"web"}},
                 "spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080}],
                  "selector":{"app":"web"},"type":"ClusterIP"},
                 "status":{"loadBalancer":{}}}
                """));
  }

  @Test
  void createClusterRoleKeepsTheCoreGroupAsAnEmptyString() throws IOException {
    byte[] rule =
        message(
            out -> {
              out.writeString(1, "get");
              out.writeString(2, "");
              out.writeString(3, "pods");
            });
    byte[] role =
        message(
            out -> {
              out.writeByteArray(1, objectMeta("r", ""));
              out.writeByteArray(2, rule);
            });

    assertThat(decoded(envelope("rbac.authorization.k8s.io/v1", "ClusterRole", role)))
        .isEqualTo(
            json(
                """
                {"kind":"ClusterRole","apiVersion":"rbac.authorization.k8s.io/v1",
                 "metadata":{"name":"r","creationTimestamp":null},
                 "rules":[{"verbs":["get"],"apiGroups":[""],"resources":["pods"]}]}
                """));
  }

  @Test
  void createRoleBindingForAServiceAccount() throws IOException {
    byte[] subject =
        message(
            out -> {
              out.writeString(1, "ServiceAccount");
              out.writeString(2, "");
              out.writeString(3, "sa");
              out.writeString(4, "ns");
            });
    byte[] roleRef =
        message(
            out -> {
              out.writeString(1, "rbac.authorization.k8s.io");
              out.writeString(2, "ClusterRole");
              out.writeString(3, "r");
            });
    byte[] binding =
        message(
            out -> {
              out.writeByteArray(1, objectMeta("rb", "ns"));
              out.writeByteArray(2, subject);
              out.writeByteArray(3, roleRef);
            });

    assertThat(decoded(envelope("rbac.authorization.k8s.io/v1", "RoleBinding", binding)))
        .isEqualTo(
            json(
                """
                {"kind":"RoleBinding","apiVersion":"rbac.authorization.k8s.io/v1",
                 "metadata":{"name":"rb","namespace":"ns","creationTimestamp":null},
                 "subjects":[{"kind":"ServiceAccount","name":"sa","namespace":"ns"}],
                 "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole",
                  "name":"r"}}
                """));
  }

  @Test
  void createCronJobWithACommand() throws IOException {
    byte[] container = container("nightly", "busybox", out -> out.writeString(3, "date"));
    byte[] jobSpec =
        message(
            out ->
                out.writeByteArray(
                    6,
                    message(
                        template -> {
                          template.writeByteArray(1, objectMeta("", ""));
                          template.writeByteArray(2, podSpec("OnFailure", container));
                        })));
    byte[] spec =
        message(
            out -> {
              out.writeString(1, "0 3 * * *");
              out.writeString(3, "");
              out.writeByteArray(
                  5,
                  message(
                      template -> {
                        template.writeByteArray(1, objectMeta("nightly", ""));
                        template.writeByteArray(2, jobSpec);
                      }));
            });
    byte[] cronJob =
        message(
            out -> {
              out.writeByteArray(1, objectMeta("nightly", ""));
              out.writeByteArray(2, spec);
              out.writeByteArray(3, EMPTY);
            });

    assertThat(decoded(envelope("batch/v1", "CronJob", cronJob)))
        .isEqualTo(
            json(
                """
                {"kind":"CronJob","apiVersion":"batch/v1",
                 "metadata":{"name":"nightly","creationTimestamp":null},
                 "spec":{"schedule":"0 3 * * *",
                  "jobTemplate":{"metadata":{"name":"nightly","creationTimestamp":null},
                   "spec":{"template":{"metadata":{"creationTimestamp":null},
                    "spec":{"containers":[{"name":"nightly","image":"busybox",
                     "command":["date"],"resources":{}}],"restartPolicy":"OnFailure"}}}}},
                 "status":{}}
                """));
  }

  @Test
  void createPodDisruptionBudgetKeepsTheStatusCountsThatJsonAlwaysCarries() throws IOException {
    byte[] spec =
        message(
            out -> {
              out.writeByteArray(1, intOrString(1));
              out.writeByteArray(2, message(selector -> entry(selector, 1, "app", "web")));
            });
    byte[] budget =
        message(
            out -> {
              out.writeByteArray(1, objectMeta("web", ""));
              out.writeByteArray(2, spec);
              out.writeByteArray(3, message(status -> zeros(status, 1, 3, 4, 5, 6)));
            });

    assertThat(decoded(envelope("policy/v1", "PodDisruptionBudget", budget)))
        .isEqualTo(
            json(
                """
                {"kind":"PodDisruptionBudget","apiVersion":"policy/v1",
                 "metadata":{"name":"web","creationTimestamp":null},
                 "spec":{"minAvailable":1,"selector":{"matchLabels":{"app":"web"}}},
                 "status":{"disruptionsAllowed":0,"currentHealthy":0,"desiredHealthy":0,
                  "expectedPods":0}}
                """));
  }

  @Test
  void aPercentageIntOrStringIsAJsonString() throws IOException {
    byte[] budget =
        message(
            out ->
                out.writeByteArray(2, message(spec -> spec.writeByteArray(3, intOrString("25%")))));

    assertThat(decoded(envelope("policy/v1", "PodDisruptionBudget", budget)).at("/spec"))
        .isEqualTo(json("{\"maxUnavailable\":\"25%\"}"));
  }

  @Test
  void createQuotaReadsAMapOfQuantities() throws IOException {
    byte[] spec =
        message(
            out -> {
              entry(out, 1, "cpu", quantity("1"));
              entry(out, 1, "memory", quantity("1Gi"));
              entry(out, 1, "pods", quantity("10"));
            });
    byte[] quota =
        message(
            out -> {
              out.writeByteArray(1, objectMeta("q", ""));
              out.writeByteArray(2, spec);
              out.writeByteArray(3, EMPTY);
            });

    assertThat(decoded(envelope("v1", "ResourceQuota", quota)))
        .isEqualTo(
            json(
                """
                {"kind":"ResourceQuota","apiVersion":"v1",
                 "metadata":{"name":"q","creationTimestamp":null},
                 "spec":{"hard":{"cpu":"1","memory":"1Gi","pods":"10"}},"status":{}}
                """));
  }

  @Test
  void embeddedStructsTimesAndPointerZerosAsJsonHasThem() throws IOException {
    byte[] configMapVolume =
        message(
            out -> {
              out.writeString(1, "web-config");
              byte[] reference = message(ref -> ref.writeString(1, "web"));
              byte[] configMap = message(source -> source.writeByteArray(1, reference));
              out.writeByteArray(2, message(source -> source.writeByteArray(19, configMap)));
            });
    byte[] probe =
        message(
            out -> {
              out.writeByteArray(
                  1,
                  message(
                      handler ->
                          handler.writeByteArray(
                              2,
                              message(
                                  get -> {
                                    get.writeString(1, "/healthz");
                                    get.writeByteArray(2, intOrString("http"));
                                    emptyStrings(get, 3, 4);
                                  }))));
              zeros(out, 2, 3, 4, 5, 6);
            });
    byte[] secretEnv =
        message(
            out -> {
              out.writeString(1, "TOKEN");
              out.writeString(2, "");
              out.writeByteArray(
                  3,
                  message(
                      source ->
                          source.writeByteArray(
                              4,
                              message(
                                  selector -> {
                                    selector.writeByteArray(
                                        1, message(ref -> ref.writeString(1, "web")));
                                    selector.writeString(2, "token");
                                    selector.writeBool(3, false);
                                  }))));
            });
    byte[] container =
        container(
            "web",
            "nginx",
            out -> {
              out.writeByteArray(7, secretEnv);
              out.writeByteArray(11, probe);
            });
    byte[] pod =
        message(
            out -> {
              out.writeByteArray(
                  1,
                  message(
                      meta -> {
                        meta.writeString(1, "web-0");
                        meta.writeByteArray(8, message(time -> time.writeInt64(1, 1767225600L)));
                      }));
              out.writeByteArray(
                  2,
                  message(
                      spec -> {
                        spec.writeByteArray(1, configMapVolume);
                        spec.writeByteArray(2, container);
                        spec.writeInt64(4, 0);
                        spec.writeBool(21, false);
                      }));
            });

    assertThat(decoded(envelope("v1", "Pod", pod)))
        .isEqualTo(
            json(
                """
                {"kind":"Pod","apiVersion":"v1",
                 "metadata":{"name":"web-0","creationTimestamp":"2026-01-01T00:00:00Z"},
                 "spec":{"volumes":[{"name":"web-config","configMap":{"name":"web"}}],
                  "containers":[{"name":"web","image":"nginx",
                   "env":[{"name":"TOKEN","valueFrom":{"secretKeyRef":{"name":"web",
                    "key":"token","optional":false}}}],
                   "readinessProbe":{"httpGet":{"path":"/healthz","port":"http"}},
                   "resources":{}}],
                  "terminationGracePeriodSeconds":0,"automountServiceAccountToken":false}}
                """));
  }

  @Test
  void unknownFieldNumbersAreSkipped() throws IOException {
    byte[] namespace =
        message(
            out -> {
              out.writeByteArray(
                  1,
                  message(
                      meta -> {
                        meta.writeString(1, "x");
                        meta.writeInt64(99, 7);
                        meta.writeString(98, "from a newer Kubernetes");
                      }));
              out.writeFixed64(97, 1);
              out.writeByteArray(2, message(spec -> spec.writeString(1, "kubernetes")));
            });

    assertThat(decoded(envelope("v1", "Namespace", namespace)))
        .isEqualTo(
            json(
                """
                {"kind":"Namespace","apiVersion":"v1","metadata":{"name":"x"},
                 "spec":{"finalizers":["kubernetes"]}}
                """));
  }

  @Test
  void aKindWithoutATableEntryIsRefused() {
    assertThatThrownBy(() -> ProtobufObjects.decode(envelope("v1", "Node", EMPTY)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Node");
  }

  @Test
  void aKnownKindOfAnotherGroupVersionIsRefused() {
    assertThatThrownBy(() -> ProtobufObjects.decode(envelope("apps/v1beta2", "Deployment", EMPTY)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("apps/v1beta2");
  }

  @Test
  void aBodyWithoutTheMagicIsRefused() {
    assertThatThrownBy(() -> ProtobufObjects.decode("{\"kind\":\"Secret\"}".getBytes()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("envelope");
  }

  @Test
  void aKnownFieldInTheWrongWireTypeIsRefused() {
    byte[] namespace =
        message(out -> out.writeByteArray(1, message(meta -> meta.writeInt64(1, 5))));

    assertThatThrownBy(() -> ProtobufObjects.decode(envelope("v1", "Namespace", namespace)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("ObjectMeta");
  }

  @Test
  void durationsPrintAsGoPrintsThem() {
    assertThat(ProtobufObjects.goDuration(0)).isEqualTo("0s");
    assertThat(ProtobufObjects.goDuration(1_500)).isEqualTo("1.5\u00b5s");
    assertThat(ProtobufObjects.goDuration(2_000_000)).isEqualTo("2ms");
    assertThat(ProtobufObjects.goDuration(1_500_000_000)).isEqualTo("1.5s");
    assertThat(ProtobufObjects.goDuration(90_000_000_000L)).isEqualTo("1m30s");
    assertThat(ProtobufObjects.goDuration(3_600_000_000_000L)).isEqualTo("1h0m0s");
    assertThat(ProtobufObjects.goDuration(-5_000_000_000L)).isEqualTo("-5s");
  }

  // --- encoding as Go's generated marshalers do ---

  @FunctionalInterface
  private interface Writer {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] message(Writer writer) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      writer.write(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The body: the magic, then a runtime.Unknown whose empty strings Go writes all the same. */
  private static byte[] envelope(String apiVersion, String kind, byte[] raw) {
    byte[] typeMeta =
        message(
            out -> {
              out.writeString(1, apiVersion);
              out.writeString(2, kind);
            });
    byte[] unknown =
        message(
            out -> {
              out.writeByteArray(1, typeMeta);
              out.writeByteArray(2, raw);
              emptyStrings(out, 3, 4);
            });
    byte[] body = new byte[MAGIC.length + unknown.length];
    System.arraycopy(MAGIC, 0, body, 0, MAGIC.length);
    System.arraycopy(unknown, 0, body, MAGIC.length, unknown.length);
    return body;
  }

  /** ObjectMeta with its always-written zero fields and an unset (empty) creation time. */
  private static byte[] objectMeta(String name, String namespace, String... labels) {
    return message(
        out -> {
          out.writeString(1, name);
          out.writeString(2, "");
          out.writeString(3, namespace);
          emptyStrings(out, 4, 5, 6);
          out.writeInt64(7, 0);
          out.writeByteArray(8, EMPTY);
          for (int i = 0; i < labels.length; i += 2) {
            entry(out, 11, labels[i], labels[i + 1]);
          }
        });
  }

  /** A container as kubectl builds it: {@code more} adds what the command line set. */
  private static byte[] container(String name, String image, Writer more) {
    return message(
        out -> {
          out.writeString(1, name);
          out.writeString(2, image);
          more.write(out);
          out.writeString(5, "");
          out.writeByteArray(8, EMPTY);
          emptyStrings(out, 13, 14);
          zeros(out, 16, 17, 18);
          out.writeString(20, "");
        });
  }

  private static byte[] podSpec(String restartPolicy, byte[] container) {
    return message(
        out -> {
          out.writeByteArray(2, container);
          out.writeString(3, restartPolicy);
          emptyStrings(out, 6, 8, 9, 10);
          zeros(out, 11, 12, 13);
          emptyStrings(out, 16, 17, 19, 24);
        });
  }

  private static byte[] intOrString(int value) {
    return message(
        out -> {
          out.writeInt64(1, 0);
          out.writeInt32(2, value);
          out.writeString(3, "");
        });
  }

  private static byte[] intOrString(String value) {
    return message(
        out -> {
          out.writeInt64(1, 1);
          out.writeInt32(2, 0);
          out.writeString(3, value);
        });
  }

  private static byte[] quantity(String value) {
    return message(out -> out.writeString(1, value));
  }

  private static void entry(CodedOutputStream out, int field, String key, String value)
      throws IOException {
    out.writeByteArray(
        field,
        message(
            pair -> {
              pair.writeString(1, key);
              pair.writeString(2, value);
            }));
  }

  private static void entry(CodedOutputStream out, int field, String key, byte[] value)
      throws IOException {
    out.writeByteArray(
        field,
        message(
            pair -> {
              pair.writeString(1, key);
              pair.writeByteArray(2, value);
            }));
  }

  private static void emptyStrings(CodedOutputStream out, int... fields) throws IOException {
    for (int field : fields) {
      out.writeString(field, "");
    }
  }

  /** Zero varints: a false bool, or a 0 of any integer type. */
  private static void zeros(CodedOutputStream out, int... fields) throws IOException {
    for (int field : fields) {
      out.writeInt32(field, 0);
    }
  }

  /** Through text, so that an int64 compares equal to the same number parsed from JSON. */
  private static JsonNode decoded(byte[] body) throws IOException {
    return JSON.readTree(ProtobufObjects.decode(body).toString());
  }

  private static JsonNode json(String text) throws IOException {
    return JSON.readTree(text);
  }
}
