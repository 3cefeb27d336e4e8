package io.xenmigration.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Strategic merge patches applied as apimachinery applies them, refusals included. */
class StrategicMergeTest {

  // Single quotes keep the JSON in these tests readable.
  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();

  private static final String OPERATOR_DEPLOYMENT =
      """
      {'apiVersion':'apps/v1','kind':'Deployment',
       'metadata':{'name':'op','namespace':'xen','labels':{'app':'op'}},
       'spec':{'replicas':1,'selector':{'matchLabels':{'app':'op'}},
        'template':{'metadata':{'labels':{'app':'op'}},
         'spec':{'serviceAccountName':'op','containers':[{
          'name':'op','image':'x:1',
          'env':[{'name':'A','value':'1'},{'name':'B','value':'1'}],
          'ports':[{'containerPort':8080,'name':'http','protocol':'TCP'}],
          'livenessProbe':{'httpGet':{'path':'/q/health/live','port':8080},'periodSeconds':10},
          'readinessProbe':{'httpGet':{'path':'/q/health/ready','port':8080}},
          'resources':{'limits':{'memory':'256Mi'},'requests':{'cpu':'100m','memory':'128Mi'}},
          'securityContext':{'runAsNonRoot':true,'allowPrivilegeEscalation':false,
                             'capabilities':{'drop':['ALL']}}}]}}}}
      """;

  @Test
  void helmUpgradeChangesOnlyTheImageAndOneVariable() {
    JsonNode patch =
        json(
            """
            {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"op"}],
             "containers":[{"$setElementOrder/env":[{"name":"A"},{"name":"B"}],
              "env":[{"name":"B","value":"2"}],"image":"x:2","name":"op"}]}}}}
            """);

    JsonNode result = apply(json(OPERATOR_DEPLOYMENT), patch, "apps", "Deployment");

    ObjectNode expected = (ObjectNode) json(OPERATOR_DEPLOYMENT);
    ObjectNode container = (ObjectNode) expected.at("/spec/template/spec/containers/0");
    container.put("image", "x:2");
    ((ObjectNode) container.at("/env/1")).put("value", "2");
    assertThat(result).isEqualTo(expected);
    assertThat(result.at("/spec/template/spec/containers/0/env"))
        .isEqualTo(json("[{'name':'A','value':'1'},{'name':'B','value':'2'}]"));
    assertThat(directiveKeys(result)).isEmpty();
  }

  @Test
  void helmAddingASidecarPutsItWhereTheOrderSays() {
    JsonNode patch =
        json(
            """
            {"spec":{"template":{"spec":{
             "$setElementOrder/containers":[{"name":"op"},{"name":"side"}],
             "containers":[{"name":"side","image":"s:1",
              "$setElementOrder/env":[{"name":"S"}],"env":[{"name":"S","value":"s"}]}]}}}}
            """);

    JsonNode result = apply(json(OPERATOR_DEPLOYMENT), patch, "apps", "Deployment");

    assertThat(names(result.at("/spec/template/spec/containers"))).containsExactly("op", "side");
    assertThat(result.at("/spec/template/spec/containers/1"))
        .isEqualTo(json("{'name':'side','image':'s:1','env':[{'name':'S','value':'s'}]}"));
    assertThat(result.at("/spec/template/spec/containers/0"))
        .isEqualTo(json(OPERATOR_DEPLOYMENT).at("/spec/template/spec/containers/0"));
    assertThat(directiveKeys(result)).isEmpty();
  }

  @Test
  void deleteDirectiveRemovesTheListItemWithThatKey() {
    JsonNode pod = pod("{'name':'c','env':[{'name':'A'},{'name':'B','value':'b'},{'name':'C'}]}");

    JsonNode result =
        apply(
            pod,
            json("{'spec':{'containers':[{'name':'c','env':[{'$patch':'delete','name':'B'}]}]}}"),
            "",
            "Pod");

    assertThat(result).isEqualTo(pod("{'name':'c','env':[{'name':'A'},{'name':'C'}]}"));
  }

  @Test
  void replaceDirectiveInAListKeepsOnlyThePatchItems() {
    JsonNode pod = pod("{'name':'a','image':'a'},{'name':'b','image':'b'}");

    JsonNode result =
        apply(
            pod,
            json("{'spec':{'containers':[{'$patch':'replace'},{'name':'c','image':'c'}]}}"),
            "",
            "Pod");

    assertThat(result).isEqualTo(pod("{'name':'c','image':'c'}"));
  }

  @Test
  void replaceDirectiveInAMapReplacesTheWholeMap() {
    JsonNode pod = pod("{'name':'a','securityContext':{'runAsUser':1,'runAsGroup':2}}");

    JsonNode result =
        apply(
            pod,
            json(
                """
                {'spec':{'containers':[{'name':'a',
                 'securityContext':{'$patch':'replace','runAsUser':3}}]}}
                """),
            "",
            "Pod");

    assertThat(result).isEqualTo(pod("{'name':'a','securityContext':{'runAsUser':3}}"));
  }

  @Test
  void deleteDirectiveInAMapLeavesAnEmptyMap() {
    JsonNode pod = pod("{'name':'a','securityContext':{'runAsUser':1}}");

    JsonNode result =
        apply(
            pod,
            json("{'spec':{'containers':[{'name':'a','securityContext':{'$patch':'delete'}}]}}"),
            "",
            "Pod");

    assertThat(result).isEqualTo(pod("{'name':'a','securityContext':{}}"));
  }

  @Test
  void retainKeysClearsTheFieldsOfTheOtherStrategy() {
    JsonNode deployment =
        json(
            """
            {'kind':'Deployment','spec':{'replicas':2,
             'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}}}}
            """);

    JsonNode result =
        apply(
            deployment,
            json("{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}"),
            "apps",
            "Deployment");

    assertThat(result)
        .isEqualTo(
            json("{'kind':'Deployment','spec':{'replicas':2,'strategy':{'type':'Recreate'}}}"));
  }

  @Test
  void retainKeysInAVolumeSwitchesItsSource() {
    JsonNode pod =
        json(
            """
            {'spec':{'volumes':[{'name':'data','emptyDir':{}},
             {'name':'other','secret':{'secretName':'s'}}]}}
            """);

    JsonNode result =
        apply(
            pod,
            json(
                """
                {'spec':{'volumes':[{'$retainKeys':['configMap','name'],
                 'name':'data','configMap':{'name':'cm'}}]}}
                """),
            "",
            "Pod");

    assertThat(result)
        .isEqualTo(
            json(
                """
                {'spec':{'volumes':[{'name':'data','configMap':{'name':'cm'}},
                 {'name':'other','secret':{'secretName':'s'}}]}}
                """));
  }

  @Test
  void retainKeysMustNameEveryPatchedField() {
    JsonNode deployment = json("{'spec':{'strategy':{'type':'RollingUpdate'}}}");
    JsonNode patch =
        json(
            """
            {'spec':{'strategy':{'$retainKeys':['type'],'type':'RollingUpdate',
             'rollingUpdate':{'maxSurge':1}}}}
            """);

    assertThatThrownBy(() -> apply(deployment, patch, "apps", "Deployment"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid patch format of retainKeys");
  }

  @Test
  void deleteFromPrimitiveListRemovesFinalizers() {
    JsonNode map = json("{'metadata':{'name':'m','finalizers':['a','b','c','b']}}");

    JsonNode result =
        apply(
            map,
            json("{'metadata':{'$deleteFromPrimitiveList/finalizers':['b']}}"),
            "",
            "ConfigMap");

    assertThat(result).isEqualTo(json("{'metadata':{'name':'m','finalizers':['a','c']}}"));
  }

  @Test
  void finalizersChangedTheWayKubectlSendsIt() {
    JsonNode map = json("{'metadata':{'finalizers':['a','b']}}");
    JsonNode patch =
        json(
            """
            {'metadata':{'$deleteFromPrimitiveList/finalizers':['a'],
             '$setElementOrder/finalizers':['b','c'],'finalizers':['c']}}
            """);

    assertThat(apply(map, patch, "", "ConfigMap"))
        .isEqualTo(json("{'metadata':{'finalizers':['b','c']}}"));
  }

  @Test
  void primitiveListsWithMergeStrategyAreUnited() {
    JsonNode map = json("{'metadata':{'finalizers':['a','b']}}");

    assertThat(apply(map, json("{'metadata':{'finalizers':['b','c']}}"), "", "ConfigMap"))
        .isEqualTo(json("{'metadata':{'finalizers':['a','b','c']}}"));
    // A value the live list lacks goes before the live values, as in apimachinery.
    assertThat(apply(map, json("{'metadata':{'finalizers':['z']}}"), "", "ConfigMap"))
        .isEqualTo(json("{'metadata':{'finalizers':['z','a','b']}}"));
  }

  @Test
  void setElementOrderAloneReordersAndKeepsServerOnlyItemsInPlace() {
    JsonNode pod =
        pod(
            """
            {'name':'c','env':[{'name':'a'},{'name':'b','value':'b'},{'name':'x'},
             {'name':'c'},{'name':'d'}]}
            """);
    JsonNode patch =
        json(
            """
            {'spec':{'containers':[{'name':'c','$setElementOrder/env':
             [{'name':'b'},{'name':'a'},{'name':'d'},{'name':'c'}]}]}}
            """);

    JsonNode result = apply(pod, patch, "", "Pod");

    assertThat(result)
        .isEqualTo(
            pod(
                """
                {'name':'c','env':[{'name':'b','value':'b'},{'name':'a'},{'name':'x'},
                 {'name':'d'},{'name':'c'}]}
                """));
  }

  @Test
  void mergedListItemsWithoutAnOrderComeFirstWhenNew() {
    JsonNode pod = pod("{'name':'c','env':[{'name':'A','value':'a'},{'name':'B'}]}");

    JsonNode result =
        apply(
            pod,
            json(
                """
                {'spec':{'containers':[{'name':'c',
                 'env':[{'name':'C','value':'c'},{'name':'A','value':'new'}]}]}}
                """),
            "",
            "Pod");

    assertThat(result)
        .isEqualTo(
            pod(
                """
                {'name':'c','env':[{'name':'C','value':'c'},{'name':'A','value':'new'},
                 {'name':'B'}]}
                """));
  }

  @Test
  void swappingAVariableLeavesAServerOnlyOneWhereApimachineryLeavesIt() {
    JsonNode pod =
        pod("{'name':'c','env':[{'name':'A'},{'name':'B','value':'b'},{'name':'INJECTED'}]}");
    JsonNode patch =
        json(
            """
            {'spec':{'containers':[{'name':'c',
             '$setElementOrder/env':[{'name':'B'},{'name':'C'}],
             'env':[{'name':'C','value':'c'},{'name':'A','$patch':'delete'}]}]}}
            """);

    JsonNode result = apply(pod, patch, "", "Pod");

    // Not B, C, INJECTED: the added C takes the deleted A's slot in the live order apimachinery
    // consults, which puts INJECTED before C.
    assertThat(result)
        .isEqualTo(
            pod(
                """
                {'name':'c','env':[{'name':'B','value':'b'},{'name':'INJECTED'},
                 {'name':'C','value':'c'}]}
                """));
  }

  @Test
  void listsWithoutAStrategyAreReplaced() {
    JsonNode pod =
        json(
            """
            {'spec':{'tolerations':[{'key':'a','operator':'Exists'},{'key':'b'}],
             'containers':[{'name':'c','args':['--a','--b']}]}}
            """);

    JsonNode result =
        apply(
            pod,
            json(
                """
                {'spec':{'tolerations':[{'key':'c','effect':'NoSchedule'}],
                 'containers':[{'name':'c','args':['--c']}]}}
                """),
            "",
            "Pod");

    assertThat(result)
        .isEqualTo(
            json(
                """
                {'spec':{'tolerations':[{'key':'c','effect':'NoSchedule'}],
                 'containers':[{'name':'c','args':['--c']}]}}
                """));
  }

  @Test
  void nullDeletesAKey() {
    JsonNode pod =
        json(
            """
            {'metadata':{'labels':{'app':'op','tier':'x'}},
             'spec':{'containers':[{'name':'c','image':'i','resources':{'limits':{'cpu':'1'}}}]}}
            """);

    JsonNode result =
        apply(
            pod,
            json(
                """
                {'metadata':{'labels':{'tier':null,'absent':null}},
                 'spec':{'containers':[{'name':'c','resources':null}]}}
                """),
            "",
            "Pod");

    assertThat(result)
        .isEqualTo(
            json(
                """
                {'metadata':{'labels':{'app':'op'}},
                 'spec':{'containers':[{'name':'c','image':'i'}]}}
                """));
  }

  @Test
  void newValuesAreStoredWithoutNullsOrDirectives() {
    JsonNode result =
        apply(
            json("{'metadata':{'name':'p'}}"),
            json(
                """
                {'spec':{'$setElementOrder/containers':[{'name':'c'}],
                 'containers':[{'name':'c','image':null,'$retainKeys':['name'],
                  'env':[{'name':'gone','$patch':'delete'},{'name':'kept'}]}]}}
                """),
            "",
            "Pod");

    assertThat(result)
        .isEqualTo(
            json(
                """
                {'metadata':{'name':'p'},
                 'spec':{'containers':[{'name':'c','env':[{'name':'kept'}]}]}}
                """));
  }

  @Test
  void inputsAreNeverModified() {
    JsonNode object = json(OPERATOR_DEPLOYMENT);
    JsonNode patch =
        json(
            """
            {'metadata':{'labels':{'app':null}},'spec':{'template':{'spec':{
             '$setElementOrder/containers':[{'name':'op'}],
             'containers':[{'name':'op','$setElementOrder/env':[{'name':'B'}],
              'env':[{'name':'A','$patch':'delete'}]}]}}}}
            """);
    JsonNode objectBefore = object.deepCopy();
    JsonNode patchBefore = patch.deepCopy();

    JsonNode result = apply(object, patch, "apps", "Deployment");

    assertThat(object).isEqualTo(objectBefore);
    assertThat(patch).isEqualTo(patchBefore);
    assertThat(names(result.at("/spec/template/spec/containers/0/env"))).containsExactly("B");
    ((ObjectNode) result.at("/spec/template/spec/containers/0")).put("image", "changed");
    assertThat(object).isEqualTo(objectBefore);
    assertThat(patch).isEqualTo(patchBefore);
  }

  @Test
  void anUnknownPatchDirectiveIsRefused() {
    JsonNode pod = pod("{'name':'a'}");

    assertThatThrownBy(
            () ->
                apply(
                    pod,
                    json("{'spec':{'containers':[{'$patch':'bogus','name':'a'}]}}"),
                    "",
                    "Pod"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown patch type: bogus in map: map[$patch:bogus name:a]");
    // In a map, apimachinery takes only replace and delete.
    assertThatThrownBy(() -> apply(pod, json("{'spec':{'$patch':'merge'}}"), "", "Pod"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown patch type: merge in map: map[$patch:merge]");
    assertThatThrownBy(
            () -> apply(pod, json("{'spec':{'containers':[{'$patch':'merge'}]}}"), "", "Pod"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("merging lists cannot yet be specified in the patch");
  }

  @Test
  void aListItemWithoutItsMergeKeyIsRefused() {
    assertThatThrownBy(
            () ->
                apply(
                    pod("{'name':'a'}"),
                    json("{'spec':{'containers':[{'image':'x'}]}}"),
                    "",
                    "Pod"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("map: map[image:x] does not contain declared merge key: name");
  }

  @Test
  void aSetElementOrderThatIsNotAListIsRefused() {
    assertThatThrownBy(
            () ->
                apply(
                    pod("{'name':'a'}"),
                    json("{'spec':{'$setElementOrder/containers':'a'}}"),
                    "",
                    "Pod"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected a []interface {}, but received a string");
  }

  @Test
  void aSetElementOrderContradictingThePatchListIsRefused() {
    JsonNode patch =
        json(
            """
            {'spec':{'$setElementOrder/containers':[{'name':'a'},{'name':'b'}],
             'containers':[{'name':'b'},{'name':'a'}]}}
            """);

    assertThatThrownBy(() -> apply(pod("{'name':'a'},{'name':'b'}"), patch, "", "Pod"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("doesn't match $setElementOrder list");
  }

  @Test
  void otherMergeKeysAndStrategies() {
    JsonNode service =
        json("{'spec':{'ports':[{'port':80,'targetPort':8080,'name':'http'},{'port':443}]}}");
    assertThat(
            apply(
                service, json("{'spec':{'ports':[{'port':80,'targetPort':9090}]}}"), "", "Service"))
        .isEqualTo(
            json("{'spec':{'ports':[{'port':80,'targetPort':9090,'name':'http'},{'port':443}]}}"));

    JsonNode owned = json("{'metadata':{'ownerReferences':[{'uid':'u1','kind':'K','name':'k'}]}}");
    assertThat(
            apply(
                owned,
                json("{'metadata':{'ownerReferences':[{'uid':'u1','controller':true}]}}"),
                "",
                "ConfigMap"))
        .isEqualTo(
            json(
                """
                {'metadata':{'ownerReferences':
                 [{'uid':'u1','kind':'K','name':'k','controller':true}]}}
                """));

    JsonNode status =
        json(
            """
            {'status':{'phase':'Running','conditions':[{'type':'Initialized','status':'True'},
             {'type':'Ready','status':'False','reason':'Starting'}]}}
            """);
    assertThat(
            apply(
                status,
                json("{'status':{'conditions':[{'type':'Ready','status':'True','reason':null}]}}"),
                "",
                "Pod"))
        .isEqualTo(
            json(
                """
                {'status':{'phase':'Running','conditions':[{'type':'Initialized','status':'True'},
                 {'type':'Ready','status':'True'}]}}
                """));

    JsonNode budget = json("{'spec':{'minAvailable':1,'selector':{'matchLabels':{'app':'op'}}}}");
    assertThat(
            apply(
                budget,
                json(
                    "{'spec':{'selector':{'matchExpressions':[{'key':'k','operator':'Exists'}]}}}"),
                "policy",
                "PodDisruptionBudget"))
        .isEqualTo(
            json(
                """
                {'spec':{'minAvailable':1,
                 'selector':{'matchExpressions':[{'key':'k','operator':'Exists'}]}}}
                """));

    JsonNode secret = json("{'data':{'a':'YQ==','b':'Yg=='},'type':'Opaque'}");
    assertThat(apply(secret, json("{'data':{'b':'Qg==','c':'Yw=='}}"), "", "Secret"))
        .isEqualTo(json("{'data':{'a':'YQ==','b':'Qg==','c':'Yw=='},'type':'Opaque'}"));
  }

  @ParameterizedTest
  @CsvSource({
    ",Pod,/spec",
    "apps,Deployment,/spec/template/spec",
    "apps,ReplicaSet,/spec/template/spec",
    "apps,StatefulSet,/spec/template/spec",
    "apps,DaemonSet,/spec/template/spec",
    "batch,Job,/spec/template/spec",
    ",ReplicationController,/spec/template/spec",
    "batch,CronJob,/spec/jobTemplate/spec/template/spec"
  })
  void containersMergeByNameInEveryPodSpec(String group, String kind, String podSpecPath) {
    String podSpec = "{'containers':[{'name':'c','image':'i:1','ports':[{'containerPort':80}]}]}";
    String patchedSpec = "{'containers':[{'name':'c','image':'i:2'}]}";
    String resultSpec =
        "{'containers':[{'name':'c','image':'i:2','ports':[{'containerPort':80}]}]}";
    String apiGroup = group == null ? "" : group;

    JsonNode result = apply(at(podSpecPath, podSpec), at(podSpecPath, patchedSpec), apiGroup, kind);

    assertThat(result).isEqualTo(at(podSpecPath, resultSpec));
  }

  @Test
  void knowsBuiltInKindsButNotCustomResources() {
    assertThat(StrategicMerge.knows("", "Pod")).isTrue();
    assertThat(StrategicMerge.knows("apps", "Deployment")).isTrue();
    assertThat(StrategicMerge.knows("coordination.k8s.io", "Lease")).isTrue();
    assertThat(StrategicMerge.knows("", "Deployment")).isFalse();
    assertThat(StrategicMerge.knows("xenmigration.io", "LiveMigration")).isFalse();
    assertThatThrownBy(
            () -> apply(json("{}"), json("{'spec':{}}"), "xenmigration.io", "LiveMigration"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("strategic merge patch format is not supported");
  }

  private static JsonNode apply(JsonNode object, JsonNode patch, String group, String kind) {
    return StrategicMerge.apply(object, patch, group, kind);
  }

  private static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  /** A pod whose containers are the given JSON objects. */
  private static JsonNode pod(String containers) {
    return json("{'kind':'Pod','spec':{'containers':[" + containers + "]}}");
  }

  /** The JSON {@code value} nested under a pointer such as /spec/template/spec. */
  private static JsonNode at(String pointer, String value) {
    JsonNode nested = json(value);
    List<String> names = List.of(pointer.substring(1).split("/"));
    for (int at = names.size() - 1; at >= 0; at--) {
      nested = MAPPER.createObjectNode().set(names.get(at), nested);
    }
    return nested;
  }

  private static List<String> names(JsonNode list) {
    List<String> names = new ArrayList<>();
    list.forEach(item -> names.add(item.path("name").asText()));
    return names;
  }

  /** Every key anywhere in {@code node} that starts with "$". */
  private static List<String> directiveKeys(JsonNode node) {
    List<String> found = new ArrayList<>();
    if (node.isObject()) {
      node.fieldNames()
          .forEachRemaining(
              key -> {
                if (key.startsWith("$")) {
                  found.add(key);
                }
                found.addAll(directiveKeys(node.get(key)));
              });
    } else if (node.isArray()) {
      node.forEach(item -> found.addAll(directiveKeys(item)));
    }
    return found;
  }
}
