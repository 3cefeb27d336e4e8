package io.xenmigration.sandbox;

import static io.xenmigration.sandbox.ApiDocuments.JSON;
import static java.util.Map.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Turns the Kubernetes protobuf encoding that client-go and kubectl send (helm's release Secrets,
 * {@code kubectl create ...}) into the JSON a JSON client would have sent, by walking one table of
 * message descriptions taken from the k8s.io/api and apimachinery {@code generated.proto} files.
 */
final class ProtobufObjects {

  /** The envelope's first bytes: "k8s" and a zero. */
  private static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};

  /** How a field's value is read off the wire and written as JSON. */
  private enum Type {
    STRING,
    BOOL,
    INT32,
    INT64,
    /** Base64 in JSON, as Go's encoding/json writes a []byte. */
    BYTES,
    MESSAGE,
    /** meta/v1 Time: seconds precision, RFC 3339, null when unset. */
    TIME,
    /** meta/v1 MicroTime: microseconds precision, RFC 3339, null when unset. */
    MICRO_TIME,
    /** A JSON number or string, after the message's type tag. */
    INT_OR_STRING,
    /** A JSON string such as "500m". */
    QUANTITY,
    /** meta/v1 Duration: nanoseconds, written the way Go's time.Duration prints itself. */
    DURATION;

    boolean isVarint() {
      return this == BOOL || this == INT32 || this == INT64;
    }
  }

  /** How often a field occurs in its message. */
  private enum Shape {
    ONE,
    LIST,
    /** A protobuf map: repeated entries of key 1 (a string) and value 2. */
    MAP,
    /** An embedded Go struct: its fields sit in the enclosing JSON object. */
    INLINE
  }

  /**
   * One field of a message. Go's generated marshalers write every non-pointer scalar even when it
   * is zero, while encoding/json leaves out the zero ones tagged omitempty; so a zero scalar is
   * dropped unless {@code evenIfZero} says the JSON would carry it (a pointer, or no omitempty).
   */
  private record Field(
      int number, String json, Shape shape, Type type, String message, boolean evenIfZero) {}

  /** The types of the table's notation that are not messages of the table. */
  private static final Map<String, Type> SCALARS =
      Map.of(
          "string", Type.STRING,
          "bool", Type.BOOL,
          "int32", Type.INT32,
          "int64", Type.INT64,
          "bytes", Type.BYTES,
          "time", Type.TIME,
          "microTime", Type.MICRO_TIME,
          "intOrString", Type.INT_OR_STRING,
          "quantity", Type.QUANTITY,
          "duration", Type.DURATION);

  /**
   * A message in the table's notation, close to generated.proto's: fields separated by commas, each
   * "NUMBER NAME TYPE" with NAME the JSON name, followed by "!" when the JSON keeps a zero value;
   * TYPE may be left out for a string, is otherwise one of {@link #SCALARS} or a message of the
   * table, with "[]" before it for a list or "map[string]" for a map; "NUMBER ...Message" is an
   * embedded Go struct, whose fields the JSON holds in place.
   */
  private static Map.Entry<String, Map<Integer, Field>> type(String name, String fields) {
    Map<Integer, Field> byNumber = new HashMap<>();
    for (String text : fields.split(",")) {
      Field field = field(name, text.trim());
      if (byNumber.put(field.number(), field) != null) {
        throw new IllegalArgumentException(name + " has field " + field.number() + " twice");
      }
    }
    return entry(name, Map.copyOf(byNumber));
  }

  private static Field field(String message, String text) {
    String[] words = text.split(" ");
    int number = Integer.parseInt(words[0]);
    if (words.length == 2 && words[1].startsWith("...")) {
      return new Field(number, null, Shape.INLINE, Type.MESSAGE, words[1].substring(3), false);
    }
    if (words.length < 2 || words.length > 3) {
      throw new IllegalArgumentException("not a field of " + message + ": " + text);
    }
    boolean evenIfZero = words[1].endsWith("!");
    String json = evenIfZero ? words[1].substring(0, words[1].length() - 1) : words[1];
    String type = words.length == 3 ? words[2] : "string";
    Shape shape = Shape.ONE;
    if (type.startsWith("[]")) {
      shape = Shape.LIST;
      type = type.substring(2);
    } else if (type.startsWith("map[string]")) {
      shape = Shape.MAP;
      type = type.substring("map[string]".length());
    }
    Type scalar = SCALARS.get(type);
    if (scalar != null) {
      return new Field(number, json, shape, scalar, null, evenIfZero);
    }
    if (shape == Shape.MAP || !Character.isUpperCase(type.charAt(0))) {
      throw new IllegalArgumentException("no type " + type + " for " + message + ": " + text);
    }
    return new Field(number, json, shape, Type.MESSAGE, type, evenIfZero);
  }

  /**
   * Every message read, by its name in generated.proto (all names used are unique across the
   * packages); the fields left out are skipped like unknown ones.
   */
  private static final Map<String, Map<Integer, Field>> MESSAGES =
      Map.ofEntries(
          // k8s.io/apimachinery: the special types, read as messages and then converted.
          type("Time", "1 seconds! int64, 2 nanos! int32"),
          type("MicroTime", "1 seconds! int64, 2 nanos! int32"),
          type("Duration", "1 duration! int64"),
          type("IntOrString", "1 type! int64, 2 intVal! int32, 3 strVal!"),
          type("Quantity", "1 string!"),
          // meta/v1
          type(
              "ObjectMeta",
              "1 name, 2 generateName, 3 namespace, 4 selfLink, 5 uid, 6 resourceVersion, "
                  + "7 generation int64, 8 creationTimestamp time, 9 deletionTimestamp time, "
                  + "10 deletionGracePeriodSeconds! int64, 11 labels map[string]string, "
                  + "12 annotations map[string]string, 13 ownerReferences []OwnerReference, "
                  + "14 finalizers []string"),
          type(
              "OwnerReference",
              "5 apiVersion!, 1 kind!, 3 name!, 4 uid!, 6 controller! bool, "
                  + "7 blockOwnerDeletion! bool"),
          type(
              "LabelSelector",
              "1 matchLabels map[string]string, 2 matchExpressions []LabelSelectorRequirement"),
          type("LabelSelectorRequirement", "1 key!, 2 operator!, 3 values []string"),
          type(
              "Condition",
              "1 type!, 2 status!, 3 observedGeneration int64, 4 lastTransitionTime time, "
                  + "5 reason!, 6 message!"),
          // core/v1: the objects
          type(
              "Namespace", "1 metadata ObjectMeta, 2 spec NamespaceSpec, 3 status NamespaceStatus"),
          type("NamespaceSpec", "1 finalizers []string"),
          type("NamespaceStatus", "1 phase, 2 conditions []NamespaceCondition"),
          type(
              "NamespaceCondition",
              "1 type!, 2 status!, 4 lastTransitionTime time, 5 reason, 6 message"),
          type(
              "Secret",
              "1 metadata ObjectMeta, 5 immutable! bool, 2 data map[string]bytes, "
                  + "4 stringData map[string]string, 3 type"),
          type(
              "ConfigMap",
              "1 metadata ObjectMeta, 4 immutable! bool, 2 data map[string]string, "
                  + "3 binaryData map[string]bytes"),
          type(
              "ServiceAccount",
              "1 metadata ObjectMeta, 2 secrets []ObjectReference, "
                  + "3 imagePullSecrets []LocalObjectReference, "
                  + "4 automountServiceAccountToken! bool"),
          type(
              "ResourceQuota",
              "1 metadata ObjectMeta, 2 spec ResourceQuotaSpec, 3 status ResourceQuotaStatus"),
          type(
              "ResourceQuotaSpec",
              "1 hard map[string]quantity, 2 scopes []string, 3 scopeSelector ScopeSelector"),
          type("ScopeSelector", "1 matchExpressions []ScopedResourceSelectorRequirement"),
          type("ScopedResourceSelectorRequirement", "1 scopeName!, 2 operator!, 3 values []string"),
          type("ResourceQuotaStatus", "1 hard map[string]quantity, 2 used map[string]quantity"),
          type("Service", "1 metadata ObjectMeta, 2 spec ServiceSpec, 3 status ServiceStatus"),
          type(
              "ServiceSpec",
              "1 ports []ServicePort, 2 selector map[string]string, 3 clusterIP, "
                  + "18 clusterIPs []string, 4 type, 5 externalIPs []string, 7 sessionAffinity, "
                  + "8 loadBalancerIP, 9 loadBalancerSourceRanges []string, 10 externalName, "
                  + "11 externalTrafficPolicy, 12 healthCheckNodePort int32, "
                  + "13 publishNotReadyAddresses bool, "
                  + "14 sessionAffinityConfig SessionAffinityConfig, 19 ipFamilies []string, "
                  + "17 ipFamilyPolicy!, 20 allocateLoadBalancerNodePorts! bool, "
                  + "21 loadBalancerClass!, 22 internalTrafficPolicy!, 23 trafficDistribution!"),
          type(
              "ServicePort",
              "1 name, 2 protocol, 6 appProtocol!, 3 port! int32, 4 targetPort intOrString, "
                  + "5 nodePort int32"),
          type("SessionAffinityConfig", "1 clientIP ClientIPConfig"),
          type("ClientIPConfig", "1 timeoutSeconds! int32"),
          type("ServiceStatus", "1 loadBalancer LoadBalancerStatus, 2 conditions []Condition"),
          type("LoadBalancerStatus", "1 ingress []LoadBalancerIngress"),
          type("LoadBalancerIngress", "1 ip, 2 hostname, 3 ipMode!, 4 ports []PortStatus"),
          type("PortStatus", "1 port! int32, 2 protocol!, 3 error!"),
          type("PersistentVolumeClaim", "1 metadata ObjectMeta, 2 spec PersistentVolumeClaimSpec"),
          type(
              "PersistentVolumeClaimSpec",
              "1 accessModes []string, 4 selector LabelSelector, "
                  + "2 resources VolumeResourceRequirements, 3 volumeName, 5 storageClassName!, "
                  + "6 volumeMode!, 7 dataSource TypedLocalObjectReference, "
                  + "8 dataSourceRef TypedObjectReference, 9 volumeAttributesClassName!"),
          type(
              "VolumeResourceRequirements",
              "1 limits map[string]quantity, 2 requests map[string]quantity"),
          type(
              "PersistentVolumeClaimTemplate",
              "1 metadata ObjectMeta, 2 spec PersistentVolumeClaimSpec"),
          type(
              "ObjectReference",
              "1 kind, 2 namespace, 3 name, 4 uid, 5 apiVersion, 6 resourceVersion, 7 fieldPath"),
          type("LocalObjectReference", "1 name"),
          type("TypedLocalObjectReference", "1 apiGroup!, 2 kind!, 3 name!"),
          type("TypedObjectReference", "1 apiGroup!, 2 kind!, 3 name!, 4 namespace!"),
          // core/v1: pods and what they are made of
          type("Pod", "1 metadata ObjectMeta, 2 spec PodSpec, 3 status PodStatus"),
          type("PodTemplateSpec", "1 metadata ObjectMeta, 2 spec PodSpec"),
          type(
              "PodSpec",
              "1 volumes []Volume, 20 initContainers []Container, 2 containers []Container, "
                  + "3 restartPolicy, 4 terminationGracePeriodSeconds! int64, "
                  + "5 activeDeadlineSeconds! int64, 6 dnsPolicy, "
                  + "7 nodeSelector map[string]string, 8 serviceAccountName, 9 serviceAccount, "
                  + "21 automountServiceAccountToken! bool, 10 nodeName, 11 hostNetwork bool, "
                  + "12 hostPID bool, 13 hostIPC bool, 27 shareProcessNamespace! bool, "
                  + "14 securityContext PodSecurityContext, "
                  + "15 imagePullSecrets []LocalObjectReference, 16 hostname, 17 subdomain, "
                  + "18 affinity Affinity, 19 schedulerName, 22 tolerations []Toleration, "
                  + "23 hostAliases []HostAlias, 24 priorityClassName, 25 priority! int32, "
                  + "26 dnsConfig PodDNSConfig, 28 readinessGates []PodReadinessGate, "
                  + "29 runtimeClassName!, 30 enableServiceLinks! bool, 31 preemptionPolicy!, "
                  + "32 overhead map[string]quantity, "
                  + "33 topologySpreadConstraints []TopologySpreadConstraint, "
                  + "35 setHostnameAsFQDN! bool, 36 os PodOS, 37 hostUsers! bool, "
                  + "38 schedulingGates []PodSchedulingGate, "
                  + "39 resourceClaims []PodResourceClaim, 40 resources ResourceRequirements, "
                  + "41 hostnameOverride!"),
          type(
              "PodStatus",
              "17 observedGeneration int64, 1 phase, 2 conditions []PodCondition, 3 message, "
                  + "4 reason, 11 nominatedNodeName, 5 hostIP, 6 podIP, 7 startTime time, "
                  + "9 qosClass"),
          type(
              "PodCondition",
              "1 type!, 7 observedGeneration int64, 2 status!, 3 lastProbeTime time, "
                  + "4 lastTransitionTime time, 5 reason, 6 message"),
          type(
              "Container",
              "1 name!, 2 image, 3 command []string, 4 args []string, 5 workingDir, "
                  + "6 ports []ContainerPort, 19 envFrom []EnvFromSource, 7 env []EnvVar, "
                  + "8 resources ResourceRequirements, 23 resizePolicy []ContainerResizePolicy, "
                  + "24 restartPolicy!, 25 restartPolicyRules []ContainerRestartRule, "
                  + "9 volumeMounts []VolumeMount, 21 volumeDevices []VolumeDevice, "
                  + "10 livenessProbe Probe, 11 readinessProbe Probe, 22 startupProbe Probe, "
                  + "12 lifecycle Lifecycle, 13 terminationMessagePath, "
                  + "20 terminationMessagePolicy, 14 imagePullPolicy, "
                  + "15 securityContext SecurityContext, 16 stdin bool, 17 stdinOnce bool, "
                  + "18 tty bool"),
          type(
              "ContainerPort",
              "1 name, 2 hostPort int32, 3 containerPort! int32, 4 protocol, 5 hostIP"),
          type("ContainerResizePolicy", "1 resourceName!, 2 restartPolicy!"),
          type("ContainerRestartRule", "1 action, 2 exitCodes ContainerRestartRuleOnExitCodes"),
          type("ContainerRestartRuleOnExitCodes", "1 operator, 2 values []int32"),
          type(
              "EnvFromSource",
              "1 prefix, 2 configMapRef ConfigMapEnvSource, 3 secretRef SecretEnvSource"),
          type("ConfigMapEnvSource", "1 ...LocalObjectReference, 2 optional! bool"),
          type("SecretEnvSource", "1 ...LocalObjectReference, 2 optional! bool"),
          type("EnvVar", "1 name!, 2 value, 3 valueFrom EnvVarSource"),
          type(
              "EnvVarSource",
              "1 fieldRef ObjectFieldSelector, 2 resourceFieldRef ResourceFieldSelector, "
                  + "3 configMapKeyRef ConfigMapKeySelector, 4 secretKeyRef SecretKeySelector, "
                  + "5 fileKeyRef FileKeySelector"),
          type("ObjectFieldSelector", "1 apiVersion, 2 fieldPath!"),
          type("ResourceFieldSelector", "1 containerName, 2 resource!, 3 divisor quantity"),
          type("ConfigMapKeySelector", "1 ...LocalObjectReference, 2 key!, 3 optional! bool"),
          type("SecretKeySelector", "1 ...LocalObjectReference, 2 key!, 3 optional! bool"),
          type("FileKeySelector", "1 volumeName!, 2 path!, 3 key!, 4 optional! bool"),
          type(
              "ResourceRequirements",
              "1 limits map[string]quantity, 2 requests map[string]quantity, "
                  + "3 claims []ResourceClaim"),
          type("ResourceClaim", "1 name!, 2 request"),
          type(
              "VolumeMount",
              "1 name!, 2 readOnly bool, 7 recursiveReadOnly!, 3 mountPath!, 4 subPath, "
                  + "5 mountPropagation!, 6 subPathExpr, 8 bindMountOptions []string"),
          type("VolumeDevice", "1 name!, 2 devicePath!"),
          type(
              "Probe",
              "1 ...ProbeHandler, 2 initialDelaySeconds int32, 3 timeoutSeconds int32, "
                  + "4 periodSeconds int32, 5 successThreshold int32, 6 failureThreshold int32, "
                  + "7 terminationGracePeriodSeconds! int64"),
          type(
              "ProbeHandler",
              "1 exec ExecAction, 2 httpGet HTTPGetAction, 3 tcpSocket TCPSocketAction, "
                  + "4 grpc GRPCAction"),
          type(
              "Lifecycle",
              "1 postStart LifecycleHandler, 2 preStop LifecycleHandler, 3 stopSignal!"),
          type(
              "LifecycleHandler",
              "1 exec ExecAction, 2 httpGet HTTPGetAction, 3 tcpSocket TCPSocketAction, "
                  + "4 sleep SleepAction"),
          type("SleepAction", "1 seconds! int64"),
          type("ExecAction", "1 command []string"),
          type(
              "HTTPGetAction",
              "1 path, 2 port intOrString, 3 host, 4 scheme, 5 httpHeaders []HTTPHeader, "
                  + "6 protocol!"),
          type("HTTPHeader", "1 name!, 2 value!"),
          type("TCPSocketAction", "1 port intOrString, 2 host"),
          type("GRPCAction", "1 port! int32, 2 service!, 3 mode!"),
          type(
              "SecurityContext",
              "1 capabilities Capabilities, 2 privileged! bool, "
                  + "3 seLinuxOptions SELinuxOptions, "
                  + "10 windowsOptions WindowsSecurityContextOptions, 4 runAsUser! int64, "
                  + "8 runAsGroup! int64, 5 runAsNonRoot! bool, 6 readOnlyRootFilesystem! bool, "
                  + "7 allowPrivilegeEscalation! bool, 9 procMount!, "
                  + "11 seccompProfile SeccompProfile, 12 appArmorProfile AppArmorProfile"),
          type("Capabilities", "1 add []string, 2 drop []string"),
          type("SELinuxOptions", "1 user, 2 role, 3 type, 4 level"),
          type(
              "WindowsSecurityContextOptions",
              "1 gmsaCredentialSpecName!, 2 gmsaCredentialSpec!, 3 runAsUserName!, "
                  + "4 hostProcess! bool"),
          type("SeccompProfile", "1 type!, 2 localhostProfile!"),
          type("AppArmorProfile", "1 type!, 2 localhostProfile!"),
          type(
              "PodSecurityContext",
              "1 seLinuxOptions SELinuxOptions, 8 windowsOptions WindowsSecurityContextOptions, "
                  + "2 runAsUser! int64, 6 runAsGroup! int64, 3 runAsNonRoot! bool, "
                  + "4 supplementalGroups []int64, 12 supplementalGroupsPolicy!, "
                  + "5 fsGroup! int64, 7 sysctls []Sysctl, 9 fsGroupChangePolicy!, "
                  + "10 seccompProfile SeccompProfile, 11 appArmorProfile AppArmorProfile, "
                  + "13 seLinuxChangePolicy!"),
          type("Sysctl", "1 name!, 2 value!"),
          type("Toleration", "1 key, 2 operator, 3 value, 4 effect, 5 tolerationSeconds! int64"),
          type("HostAlias", "1 ip!, 2 hostnames []string"),
          type(
              "PodDNSConfig",
              "1 nameservers []string, 2 searches []string, 3 options []PodDNSConfigOption"),
          type("PodDNSConfigOption", "1 name, 2 value!"),
          type("PodReadinessGate", "1 conditionType!"),
          type("PodOS", "1 name!"),
          type("PodSchedulingGate", "1 name!"),
          type("PodResourceClaim", "1 name!, 3 resourceClaimName!, 4 resourceClaimTemplateName!"),
          type(
              "TopologySpreadConstraint",
              "1 maxSkew! int32, 2 topologyKey!, 3 whenUnsatisfiable!, "
                  + "4 labelSelector LabelSelector, 5 minDomains! int32, 6 nodeAffinityPolicy!, "
                  + "7 nodeTaintsPolicy!, 8 matchLabelKeys []string"),
          type(
              "Affinity",
              "1 nodeAffinity NodeAffinity, 2 podAffinity PodAffinity, "
                  + "3 podAntiAffinity PodAntiAffinity"),
          type(
              "NodeAffinity",
              "1 requiredDuringSchedulingIgnoredDuringExecution NodeSelector, "
                  + "2 preferredDuringSchedulingIgnoredDuringExecution []PreferredSchedulingTerm"),
          type("NodeSelector", "1 nodeSelectorTerms []NodeSelectorTerm"),
          type(
              "NodeSelectorTerm",
              "1 matchExpressions []NodeSelectorRequirement, "
                  + "2 matchFields []NodeSelectorRequirement"),
          type("NodeSelectorRequirement", "1 key!, 2 operator!, 3 values []string"),
          type("PreferredSchedulingTerm", "1 weight! int32, 2 preference NodeSelectorTerm"),
          type(
              "PodAffinity",
              "1 requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm, "
                  + "2 preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm"),
          type(
              "PodAntiAffinity",
              "1 requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm, "
                  + "2 preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm"),
          type(
              "PodAffinityTerm",
              "1 labelSelector LabelSelector, 2 namespaces []string, 3 topologyKey!, "
                  + "4 namespaceSelector LabelSelector, 5 matchLabelKeys []string, "
                  + "6 mismatchLabelKeys []string"),
          type("WeightedPodAffinityTerm", "1 weight! int32, 2 podAffinityTerm PodAffinityTerm"),
          // core/v1: volumes, those a workload here plausibly mounts
          type("Volume", "1 name!, 2 ...VolumeSource"),
          type(
              "VolumeSource",
              "1 hostPath HostPathVolumeSource, 2 emptyDir EmptyDirVolumeSource, "
                  + "6 secret SecretVolumeSource, 7 nfs NFSVolumeSource, "
                  + "10 persistentVolumeClaim PersistentVolumeClaimVolumeSource, "
                  + "16 downwardAPI DownwardAPIVolumeSource, "
                  + "19 configMap ConfigMapVolumeSource, 26 projected ProjectedVolumeSource, "
                  + "28 csi CSIVolumeSource, 29 ephemeral EphemeralVolumeSource, "
                  + "30 image ImageVolumeSource"),
          type("HostPathVolumeSource", "1 path!, 2 type!"),
          type("EmptyDirVolumeSource", "1 medium, 2 sizeLimit quantity, 3 mode! int32"),
          type(
              "SecretVolumeSource",
              "1 secretName, 2 items []KeyToPath, 3 defaultMode! int32, 4 optional! bool, "
                  + "5 defaultUser! int64"),
          type(
              "ConfigMapVolumeSource",
              "1 ...LocalObjectReference, 2 items []KeyToPath, 3 defaultMode! int32, "
                  + "4 optional! bool, 5 defaultUser! int64"),
          type("KeyToPath", "1 key!, 2 path!, 3 mode! int32, 4 user! int64"),
          type("NFSVolumeSource", "1 server!, 2 path!, 3 readOnly bool"),
          type("PersistentVolumeClaimVolumeSource", "1 claimName!, 2 readOnly bool"),
          type(
              "DownwardAPIVolumeSource",
              "1 items []DownwardAPIVolumeFile, 2 defaultMode! int32, 3 defaultUser! int64"),
          type(
              "DownwardAPIVolumeFile",
              "1 path!, 2 fieldRef ObjectFieldSelector, "
                  + "3 resourceFieldRef ResourceFieldSelector, 4 mode! int32, 5 user! int64"),
          type(
              "ProjectedVolumeSource",
              "1 sources []VolumeProjection, 2 defaultMode! int32, 3 defaultUser! int64"),
          type(
              "VolumeProjection",
              "1 secret SecretProjection, 2 downwardAPI DownwardAPIProjection, "
                  + "3 configMap ConfigMapProjection, "
                  + "4 serviceAccountToken ServiceAccountTokenProjection, "
                  + "5 clusterTrustBundle ClusterTrustBundleProjection"),
          type(
              "SecretProjection",
              "1 ...LocalObjectReference, 2 items []KeyToPath, 4 optional! bool"),
          type(
              "ConfigMapProjection",
              "1 ...LocalObjectReference, 2 items []KeyToPath, 4 optional! bool"),
          type("DownwardAPIProjection", "1 items []DownwardAPIVolumeFile"),
          type(
              "ServiceAccountTokenProjection",
              "1 audience, 2 expirationSeconds! int64, 3 path!, 4 user! int64"),
          type(
              "ClusterTrustBundleProjection",
              "1 name!, 2 signerName!, 3 labelSelector LabelSelector, 5 optional! bool, "
                  + "4 path!, 6 user! int64"),
          type(
              "CSIVolumeSource",
              "1 driver!, 2 readOnly! bool, 3 fsType!, 4 volumeAttributes map[string]string, "
                  + "5 nodePublishSecretRef LocalObjectReference"),
          type("EphemeralVolumeSource", "1 volumeClaimTemplate PersistentVolumeClaimTemplate"),
          type("ImageVolumeSource", "1 reference, 2 pullPolicy"),
          // apps/v1
          type(
              "Deployment",
              "1 metadata ObjectMeta, 2 spec DeploymentSpec, 3 status DeploymentStatus"),
          type(
              "DeploymentSpec",
              "1 replicas! int32, 2 selector LabelSelector, 3 template PodTemplateSpec, "
                  + "4 strategy DeploymentStrategy, 5 minReadySeconds int32, "
                  + "6 revisionHistoryLimit! int32, 7 paused bool, "
                  + "9 progressDeadlineSeconds! int32"),
          type("DeploymentStrategy", "1 type, 2 rollingUpdate RollingUpdateDeployment"),
          type("RollingUpdateDeployment", "1 maxUnavailable intOrString, 2 maxSurge intOrString"),
          type(
              "DeploymentStatus",
              "1 observedGeneration int64, 2 replicas int32, 3 updatedReplicas int32, "
                  + "7 readyReplicas int32, 4 availableReplicas int32, "
                  + "5 unavailableReplicas int32, 9 terminatingReplicas! int32, "
                  + "6 conditions []DeploymentCondition, 8 collisionCount! int32"),
          type(
              "DeploymentCondition",
              "1 type!, 2 status!, 6 lastUpdateTime time, 7 lastTransitionTime time, 4 reason, "
                  + "5 message"),
          type(
              "ReplicaSet",
              "1 metadata ObjectMeta, 2 spec ReplicaSetSpec, 3 status ReplicaSetStatus"),
          type(
              "ReplicaSetSpec",
              "1 replicas! int32, 4 minReadySeconds int32, 2 selector LabelSelector, "
                  + "3 template PodTemplateSpec"),
          type(
              "ReplicaSetStatus",
              "1 replicas! int32, 2 fullyLabeledReplicas int32, 4 readyReplicas int32, "
                  + "5 availableReplicas int32, 7 terminatingReplicas! int32, "
                  + "3 observedGeneration int64, 6 conditions []ReplicaSetCondition"),
          type(
              "ReplicaSetCondition",
              "1 type!, 2 status!, 3 lastTransitionTime time, 4 reason, 5 message"),
          type(
              "StatefulSet",
              "1 metadata ObjectMeta, 2 spec StatefulSetSpec, 3 status StatefulSetStatus"),
          type(
              "StatefulSetSpec",
              "1 replicas! int32, 2 selector LabelSelector, 3 template PodTemplateSpec, "
                  + "4 volumeClaimTemplates []PersistentVolumeClaim, 5 serviceName!, "
                  + "6 podManagementPolicy, 7 updateStrategy StatefulSetUpdateStrategy, "
                  + "8 revisionHistoryLimit! int32, 9 minReadySeconds int32, "
                  + "10 persistentVolumeClaimRetentionPolicy "
                  + "StatefulSetPersistentVolumeClaimRetentionPolicy, "
                  + "11 ordinals StatefulSetOrdinals"),
          type(
              "StatefulSetUpdateStrategy",
              "1 type, 2 rollingUpdate RollingUpdateStatefulSetStrategy"),
          type(
              "RollingUpdateStatefulSetStrategy",
              "1 partition! int32, 2 maxUnavailable intOrString"),
          type("StatefulSetPersistentVolumeClaimRetentionPolicy", "1 whenDeleted, 2 whenScaled"),
          type("StatefulSetOrdinals", "1 start! int32"),
          type(
              "StatefulSetStatus",
              "1 observedGeneration int64, 2 replicas! int32, 3 readyReplicas int32, "
                  + "4 currentReplicas int32, 5 updatedReplicas int32, 6 currentRevision, "
                  + "7 updateRevision, 9 collisionCount! int32, "
                  + "10 conditions []StatefulSetCondition, 11 availableReplicas! int32"),
          type(
              "StatefulSetCondition",
              "1 type!, 2 status!, 3 lastTransitionTime time, 4 reason, 5 message"),
          type(
              "DaemonSet", "1 metadata ObjectMeta, 2 spec DaemonSetSpec, 3 status DaemonSetStatus"),
          type(
              "DaemonSetSpec",
              "1 selector LabelSelector, 2 template PodTemplateSpec, "
                  + "3 updateStrategy DaemonSetUpdateStrategy, 4 minReadySeconds int32, "
                  + "6 revisionHistoryLimit! int32"),
          type("DaemonSetUpdateStrategy", "1 type, 2 rollingUpdate RollingUpdateDaemonSet"),
          type("RollingUpdateDaemonSet", "1 maxUnavailable intOrString, 2 maxSurge intOrString"),
          type(
              "DaemonSetStatus",
              "1 currentNumberScheduled! int32, 2 numberMisscheduled! int32, "
                  + "3 desiredNumberScheduled! int32, 4 numberReady! int32, "
                  + "5 observedGeneration int64, 6 updatedNumberScheduled int32, "
                  + "7 numberAvailable int32, 8 numberUnavailable int32, "
                  + "9 collisionCount! int32, 10 conditions []DaemonSetCondition"),
          type(
              "DaemonSetCondition",
              "1 type!, 2 status!, 3 lastTransitionTime time, 4 reason, 5 message"),
          // batch/v1
          type("Job", "1 metadata ObjectMeta, 2 spec JobSpec, 3 status JobStatus"),
          type(
              "JobSpec",
              "1 parallelism! int32, 2 completions! int32, 3 activeDeadlineSeconds! int64, "
                  + "11 podFailurePolicy PodFailurePolicy, 16 successPolicy SuccessPolicy, "
                  + "7 backoffLimit! int32, 12 backoffLimitPerIndex! int32, "
                  + "13 maxFailedIndexes! int32, 4 selector LabelSelector, "
                  + "5 manualSelector! bool, 6 template PodTemplateSpec, "
                  + "8 ttlSecondsAfterFinished! int32, 9 completionMode!, 10 suspend! bool, "
                  + "14 podReplacementPolicy!, 15 managedBy!"),
          type("PodFailurePolicy", "1 rules []PodFailurePolicyRule"),
          type(
              "PodFailurePolicyRule",
              "1 action!, 2 onExitCodes PodFailurePolicyOnExitCodesRequirement, "
                  + "3 onPodConditions []PodFailurePolicyOnPodConditionsPattern"),
          type(
              "PodFailurePolicyOnExitCodesRequirement",
              "1 containerName!, 2 operator!, 3 values []int32"),
          type("PodFailurePolicyOnPodConditionsPattern", "1 type!, 2 status!"),
          type("SuccessPolicy", "1 rules []SuccessPolicyRule"),
          type("SuccessPolicyRule", "1 succeededIndexes!, 2 succeededCount! int32"),
          type(
              "JobStatus",
              "1 conditions []JobCondition, 2 startTime time, 3 completionTime time, "
                  + "4 active int32, 5 succeeded int32, 6 failed int32, 11 terminating! int32, "
                  + "7 completedIndexes, 10 failedIndexes!, "
                  + "8 uncountedTerminatedPods UncountedTerminatedPods, 9 ready! int32"),
          type(
              "JobCondition",
              "1 type!, 2 status!, 3 lastProbeTime time, 4 lastTransitionTime time, 5 reason, "
                  + "6 message"),
          type("UncountedTerminatedPods", "1 succeeded []string, 2 failed []string"),
          type("CronJob", "1 metadata ObjectMeta, 2 spec CronJobSpec, 3 status CronJobStatus"),
          type(
              "CronJobSpec",
              "1 schedule!, 8 timeZone!, 2 startingDeadlineSeconds! int64, 3 concurrencyPolicy, "
                  + "4 suspend! bool, 5 jobTemplate JobTemplateSpec, "
                  + "6 successfulJobsHistoryLimit! int32, 7 failedJobsHistoryLimit! int32"),
          type("JobTemplateSpec", "1 metadata ObjectMeta, 2 spec JobSpec"),
          type(
              "CronJobStatus",
              "1 active []ObjectReference, 4 lastScheduleTime time, 5 lastSuccessfulTime time"),
          // rbac/v1
          type("Role", "1 metadata ObjectMeta, 2 rules []PolicyRule"),
          type(
              "ClusterRole",
              "1 metadata ObjectMeta, 2 rules []PolicyRule, 3 aggregationRule AggregationRule"),
          type(
              "PolicyRule",
              "1 verbs []string, 2 apiGroups []string, 3 resources []string, "
                  + "4 resourceNames []string, 5 nonResourceURLs []string"),
          type("AggregationRule", "1 clusterRoleSelectors []LabelSelector"),
          type("RoleBinding", "1 metadata ObjectMeta, 2 subjects []Subject, 3 roleRef RoleRef"),
          type(
              "ClusterRoleBinding",
              "1 metadata ObjectMeta, 2 subjects []Subject, 3 roleRef RoleRef"),
          type("Subject", "1 kind!, 2 apiGroup, 3 name!, 4 namespace"),
          type("RoleRef", "1 apiGroup!, 2 kind!, 3 name!"),
          // policy/v1
          type(
              "PodDisruptionBudget",
              "1 metadata ObjectMeta, 2 spec PodDisruptionBudgetSpec, "
                  + "3 status PodDisruptionBudgetStatus"),
          type(
              "PodDisruptionBudgetSpec",
              "1 minAvailable intOrString, 2 selector LabelSelector, "
                  + "3 maxUnavailable intOrString, 4 unhealthyPodEvictionPolicy!"),
          type(
              "PodDisruptionBudgetStatus",
              "1 observedGeneration int64, 2 disruptedPods map[string]time, "
                  + "3 disruptionsAllowed! int32, 4 currentHealthy! int32, "
                  + "5 desiredHealthy! int32, 6 expectedPods! int32, 7 conditions []Condition"),
          // scheduling/v1
          type(
              "PriorityClass",
              "1 metadata ObjectMeta, 2 value! int32, 3 globalDefault bool, 4 description, "
                  + "5 preemptionPolicy!"),
          // networking/v1
          type("Ingress", "1 metadata ObjectMeta, 2 spec IngressSpec, 3 status IngressStatus"),
          type(
              "IngressSpec",
              "4 ingressClassName!, 1 defaultBackend IngressBackend, 2 tls []IngressTLS, "
                  + "3 rules []IngressRule"),
          type(
              "IngressBackend",
              "4 service IngressServiceBackend, 3 resource TypedLocalObjectReference"),
          type("IngressServiceBackend", "1 name!, 2 port ServiceBackendPort"),
          type("ServiceBackendPort", "1 name, 2 number int32"),
          type("IngressTLS", "1 hosts []string, 2 secretName"),
          type("IngressRule", "1 host, 2 ...IngressRuleValue"),
          type("IngressRuleValue", "1 http HTTPIngressRuleValue"),
          type("HTTPIngressRuleValue", "1 paths []HTTPIngressPath"),
          type("HTTPIngressPath", "1 path, 3 pathType!, 2 backend IngressBackend"),
          type("IngressStatus", "1 loadBalancer IngressLoadBalancerStatus"),
          type("IngressLoadBalancerStatus", "1 ingress []IngressLoadBalancerIngress"),
          type("IngressLoadBalancerIngress", "1 ip, 2 hostname, 4 ports []IngressPortStatus"),
          type("IngressPortStatus", "1 port! int32, 2 protocol!, 3 error!"));

  /** The kinds a body may hold, by "apiVersion kind", and the message each is read as. */
  private static final Map<String, String> KINDS =
      Map.ofEntries(
          entry("v1 Namespace", "Namespace"),
          entry("v1 Secret", "Secret"),
          entry("v1 ConfigMap", "ConfigMap"),
          entry("v1 ServiceAccount", "ServiceAccount"),
          entry("v1 ResourceQuota", "ResourceQuota"),
          entry("v1 Service", "Service"),
          entry("v1 PersistentVolumeClaim", "PersistentVolumeClaim"),
          entry("v1 Pod", "Pod"),
          entry("apps/v1 Deployment", "Deployment"),
          entry("apps/v1 ReplicaSet", "ReplicaSet"),
          entry("apps/v1 StatefulSet", "StatefulSet"),
          entry("apps/v1 DaemonSet", "DaemonSet"),
          entry("batch/v1 Job", "Job"),
          entry("batch/v1 CronJob", "CronJob"),
          entry("rbac.authorization.k8s.io/v1 Role", "Role"),
          entry("rbac.authorization.k8s.io/v1 ClusterRole", "ClusterRole"),
          entry("rbac.authorization.k8s.io/v1 RoleBinding", "RoleBinding"),
          entry("rbac.authorization.k8s.io/v1 ClusterRoleBinding", "ClusterRoleBinding"),
          entry("policy/v1 PodDisruptionBudget", "PodDisruptionBudget"),
          entry("scheduling.k8s.io/v1 PriorityClass", "PriorityClass"),
          entry("networking.k8s.io/v1 Ingress", "Ingress"));

  static {
    // A dangling message name would otherwise surface only when a client sends that field.
    Stream.concat(
            KINDS.values().stream(),
            MESSAGES.values().stream()
                .flatMap(fields -> fields.values().stream())
                .filter(field -> field.type() == Type.MESSAGE)
                .map(Field::message))
        .filter(name -> !MESSAGES.containsKey(name))
        .findAny()
        .ifPresent(
            name -> {
              throw new IllegalStateException("no protobuf table entry for " + name);
            });
  }

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MICROSECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private ProtobufObjects() {}

  static boolean isProtobuf(String contentType) {
    return contentType != null && contentType.startsWith("application/vnd.kubernetes.protobuf");
  }

  /** The object as JSON; an IOException for a body that is no envelope or of a kind not known. */
  static ObjectNode decode(byte[] body) throws IOException {
    if (body.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(body, 4), MAGIC)) {
      throw new IOException("not a Kubernetes protobuf envelope");
    }
    // The envelope is a runtime.Unknown: typeMeta 1 {apiVersion 1, kind 2}, raw 2,
    // contentEncoding 3.
    CodedInputStream unknown = CodedInputStream.newInstance(body, 4, body.length - 4);
    String apiVersion = "";
    String kind = "";
    String encoding = "";
    byte[] raw = new byte[0];
    for (int tag = unknown.readTag(); tag != 0; tag = unknown.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> {
          CodedInputStream typeMeta = unknown.readBytes().newCodedInput();
          for (int t = typeMeta.readTag(); t != 0; t = typeMeta.readTag()) {
            switch (WireFormat.getTagFieldNumber(t)) {
              case 1 -> apiVersion = typeMeta.readString();
              case 2 -> kind = typeMeta.readString();
              default -> typeMeta.skipField(t);
            }
          }
        }
        case 2 -> raw = unknown.readByteArray();
        case 3 -> encoding = unknown.readString();
        default -> unknown.skipField(tag);
      }
    }
    if (!encoding.isEmpty()) {
      throw new IOException("protobuf bodies with content encoding " + encoding + " are not read");
    }
    String message = KINDS.get(apiVersion + " " + kind);
    if (message == null) {
      throw new IOException(
          "protobuf bodies of kind " + kind + " (" + apiVersion + ") are not supported");
    }
    ObjectNode object = JSON.createObjectNode().put("apiVersion", apiVersion).put("kind", kind);
    CodedInputStream in = CodedInputStream.newInstance(raw);
    readFields(message, in, object);
    return object;
  }

  /** Reads a message's fields, up to the end of the stream or of its limit, into an object. */
  private static void readFields(String message, CodedInputStream in, ObjectNode into)
      throws IOException {
    Map<Integer, Field> fields = MESSAGES.get(message);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      Field field = fields.get(WireFormat.getTagFieldNumber(tag));
      if (field == null) {
        in.skipField(tag);
        continue;
      }
      int wireType = WireFormat.getTagWireType(tag);
      switch (field.shape()) {
        case ONE -> {
          expectWireType(message, field, wireType, wireTypeOf(field.type()));
          JsonNode value = value(field.type(), field.message(), in, field.evenIfZero());
          if (value != null) {
            into.set(field.json(), value);
          }
        }
        case INLINE -> {
          expectWireType(message, field, wireType, WireFormat.WIRETYPE_LENGTH_DELIMITED);
          delimited(in, nested -> readFields(field.message(), nested, into));
        }
        case LIST -> {
          ArrayNode list =
              into.get(field.json()) instanceof ArrayNode existing
                  ? existing
                  : into.putArray(field.json());
          if (field.type().isVarint() && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            // Packed numbers: proto2 writers do not pack, but a reader must accept both.
            delimited(
                in,
                packed -> {
                  while (!packed.isAtEnd()) {
                    list.add(value(field.type(), null, packed, true));
                  }
                });
          } else {
            expectWireType(message, field, wireType, wireTypeOf(field.type()));
            list.add(value(field.type(), field.message(), in, true));
          }
        }
        case MAP -> {
          expectWireType(message, field, wireType, WireFormat.WIRETYPE_LENGTH_DELIMITED);
          ObjectNode map =
              into.get(field.json()) instanceof ObjectNode existing
                  ? existing
                  : into.putObject(field.json());
          delimited(in, entry -> mapEntry(field, entry, map));
        }
      }
    }
  }

  /** One map entry, key 1 and value 2; a missing value is the zero of its type, as in Go. */
  private static void mapEntry(Field field, CodedInputStream in, ObjectNode map)
      throws IOException {
    String key = "";
    JsonNode value = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> key = in.readString();
        case 2 -> {
          expectWireType(
              "an entry of " + field.json(),
              field,
              WireFormat.getTagWireType(tag),
              wireTypeOf(field.type()));
          value = value(field.type(), null, in, true);
        }
        default -> in.skipField(tag);
      }
    }
    // A single zero byte decodes as the zero of every type: "", 0, false, or an empty message.
    map.set(
        key,
        value != null
            ? value
            : value(field.type(), null, CodedInputStream.newInstance(new byte[1]), true));
  }

  /** One value of a type, or null for a zero that the JSON would leave out. */
  private static JsonNode value(Type type, String message, CodedInputStream in, boolean evenIfZero)
      throws IOException {
    return switch (type) {
      case STRING -> {
        String text = in.readString();
        yield text.isEmpty() && !evenIfZero ? null : TextNode.valueOf(text);
      }
      case BOOL -> {
        boolean flag = in.readBool();
        yield !flag && !evenIfZero ? null : BooleanNode.valueOf(flag);
      }
      case INT32 -> {
        int number = in.readInt32();
        yield number == 0 && !evenIfZero ? null : IntNode.valueOf(number);
      }
      case INT64 -> {
        long number = in.readInt64();
        yield number == 0 && !evenIfZero ? null : LongNode.valueOf(number);
      }
      case BYTES -> {
        byte[] bytes = in.readByteArray();
        yield bytes.length == 0 && !evenIfZero
            ? null
            : TextNode.valueOf(Base64.getEncoder().encodeToString(bytes));
      }
      case MESSAGE -> message(message, in);
      case TIME -> timestamp(message("Time", in), SECONDS);
      case MICRO_TIME -> timestamp(message("MicroTime", in), MICROSECONDS);
      case INT_OR_STRING -> {
        ObjectNode parts = message("IntOrString", in);
        // Type 1 is a string; anything else, the unset 0 included, is an int.
        yield parts.path("type").asLong() == 1
            ? TextNode.valueOf(parts.path("strVal").asText(""))
            : IntNode.valueOf(parts.path("intVal").asInt());
      }
      case QUANTITY -> TextNode.valueOf(message("Quantity", in).path("string").asText("0"));
      case DURATION ->
          TextNode.valueOf(goDuration(message("Duration", in).path("duration").asLong()));
    };
  }

  private static ObjectNode message(String message, CodedInputStream in) throws IOException {
    ObjectNode object = JSON.createObjectNode();
    delimited(in, nested -> readFields(message, nested, object));
    return object;
  }

  /** An unset time is an empty message, which Go reads as the zero time and writes as null. */
  private static JsonNode timestamp(ObjectNode parts, DateTimeFormatter format) throws IOException {
    if (parts.isEmpty()) {
      return NullNode.getInstance();
    }
    try {
      Instant instant =
          Instant.ofEpochSecond(parts.path("seconds").asLong(), parts.path("nanos").asInt());
      return TextNode.valueOf(format.format(instant));
    } catch (DateTimeException e) {
      throw new IOException("a protobuf time out of range: " + parts, e);
    }
  }

  /** Nanoseconds the way Go's time.Duration.String prints them, e.g. "1h0m0s" or "1.5s". */
  static String goDuration(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    String sign = nanos < 0 ? "-" : "";
    // Long.MIN_VALUE has no positive counterpart, so the magnitude is handled as unsigned.
    long magnitude = nanos < 0 ? -nanos : nanos;
    if (Long.compareUnsigned(magnitude, 1_000L) < 0) {
      return sign + magnitude + "ns";
    }
    if (Long.compareUnsigned(magnitude, 1_000_000L) < 0) {
      return sign + decimal(magnitude, 3) + "\u00b5s";
    }
    if (Long.compareUnsigned(magnitude, 1_000_000_000L) < 0) {
      return sign + decimal(magnitude, 6) + "ms";
    }
    long seconds = Long.divideUnsigned(magnitude, 1_000_000_000L);
    long fraction = Long.remainderUnsigned(magnitude, 1_000_000_000L);
    String secondsPart = decimal(seconds % 60 * 1_000_000_000L + fraction, 9) + "s";
    long minutes = seconds / 60;
    if (minutes == 0) {
      return sign + secondsPart;
    }
    if (minutes < 60) {
      return sign + minutes + "m" + secondsPart;
    }
    return sign + minutes / 60 + "h" + minutes % 60 + "m" + secondsPart;
  }

  /** A fixed-point value with its trailing fractional zeros, and a bare point, removed. */
  private static String decimal(long scaled, int digits) {
    long unit = (long) Math.pow(10, digits);
    long whole = scaled / unit;
    long fraction = scaled % unit;
    if (fraction == 0) {
      return Long.toString(whole);
    }
    String padded = String.format("%0" + digits + "d", fraction);
    return whole + "." + padded.replaceAll("0+$", "");
  }

  private static int wireTypeOf(Type type) {
    return type.isVarint() ? WireFormat.WIRETYPE_VARINT : WireFormat.WIRETYPE_LENGTH_DELIMITED;
  }

  /** A known field in another wire type would be misread, so the body is refused instead. */
  private static void expectWireType(String message, Field field, int actual, int expected)
      throws IOException {
    if (actual != expected) {
      throw new IOException(
          "field " + field.number() + " of " + message + " has wire type " + actual);
    }
  }

  @FunctionalInterface
  private interface Body {
    void read(CodedInputStream in) throws IOException;
  }

  /** Reads a length-delimited value in place: the pushed limit ends the nested reader there. */
  private static void delimited(CodedInputStream in, Body body) throws IOException {
    int outer = in.pushLimit(in.readRawVarint32());
    body.read(in);
    in.skipRawBytes(in.getBytesUntilLimit());
    in.popLimit(outer);
  }
}
