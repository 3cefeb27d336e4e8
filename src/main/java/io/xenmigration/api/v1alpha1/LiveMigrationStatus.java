package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What happened to a migration so far. The operator records its intent here before each XenAPI side
 * effect, so a restarted operator can tell work already issued from work still to do.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LiveMigrationStatus {

  @JsonPropertyDescription("Where the migration is in its life cycle.")
  private MigrationPhase phase;

  @JsonPropertyDescription(
      "Condition 'Progressing' is True while the operator works on the migration; 'Succeeded'"
          + " becomes True or False when it ends. Each has a reason and a message.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("UUID of the VM, once resolved.")
  private String vmUuid;

  @JsonPropertyDescription("Name-label of the VM, once resolved.")
  private String vmName;

  @JsonPropertyDescription("Name-label of the host the VM ran on when the migration was prepared.")
  private String sourceHost;

  @JsonPropertyDescription("UUID of the host the VM ran on when the migration was prepared.")
  private String sourceHostUuid;

  @JsonPropertyDescription("Name-label of the host chosen for the VM.")
  private String destinationHost;

  @JsonPropertyDescription("UUID of the host chosen for the VM.")
  private String destinationHostUuid;

  @JsonPropertyDescription("UUID of the pool the VM leaves: the identity its limits are kept by.")
  private String sourcePoolUuid;

  @JsonPropertyDescription("UUID of the pool the VM goes to, when it is another pool.")
  private String destinationPoolUuid;

  @JsonPropertyDescription(
      "Memory the VM takes on a host (bytes): what its destination holds for it while it arrives.")
  private Long memoryBytes;

  @JsonPropertyDescription("Bytes of disk the migration copies (0 when the disks stay).")
  private Long diskBytes;

  @JsonPropertyDescription("The XenAPI operation used to move the VM.")
  private MigrationMode mode;

  @Min(0)
  @Max(100)
  @JsonPropertyDescription(
      "Percent done, from 0 to 100; it never goes down, not even when another host is tried"
          + " (status.attempts[].progress is each attempt's own).")
  private Integer progress;

  @JsonPropertyDescription("Number of the destination being tried, from 1 to spec.maxAttempts.")
  private Integer attempt;

  @JsonPropertyDescription("Every destination tried, in order, with how it went.")
  private List<MigrationAttempt> attempts = new ArrayList<>();

  @JsonPropertyDescription("How the destination was chosen.")
  private Placement placement;

  @JsonPropertyDescription("XenAPI task of the current attempt (its reference).")
  private String taskRef;

  @JsonPropertyDescription("UUID of the current attempt's XenAPI task.")
  private String taskUuid;

  @JsonPropertyDescription(
      "The XenAPI side effect in flight: written before it is made, cleared when its result is"
          + " recorded.")
  private MigrationIntent intent;

  @JsonPropertyDescription(
      "When progress last rose (RFC 3339); the progress timeout counts from it.")
  private String progressTime;

  @JsonPropertyDescription("Name-label of the SR the VM's disks are copied to, when they are.")
  @com.fasterxml.jackson.annotation.JsonProperty("destinationSR")
  private String destinationSR;

  @JsonPropertyDescription("UUID of the SR the VM's disks are copied to, when they are.")
  @com.fasterxml.jackson.annotation.JsonProperty("destinationSRUuid")
  private String destinationSRUuid;

  @JsonPropertyDescription("When the migration entered each phase (RFC 3339), by phase name.")
  private Map<String, String> phaseTimestamps = new LinkedHashMap<>();

  @JsonPropertyDescription("When the operator first saw the migration (RFC 3339).")
  private String startTime;

  @JsonPropertyDescription("When the migration reached a terminal phase (RFC 3339).")
  private String completionTime;

  @JsonPropertyDescription("Machine-readable reason for the current phase, in CamelCase.")
  private String reason;

  @JsonPropertyDescription("What happened, for a person, with XenAPI error codes where any.")
  private String message;

  @JsonPropertyDescription("What was undone after a failure or a cancel.")
  private RollbackStatus rollback;

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  public MigrationPhase getPhase() {
    return phase;
  }

  public void setPhase(MigrationPhase phase) {
    this.phase = phase;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public String getVmUuid() {
    return vmUuid;
  }

  public void setVmUuid(String vmUuid) {
    this.vmUuid = vmUuid;
  }

  public String getVmName() {
    return vmName;
  }

  public void setVmName(String vmName) {
    this.vmName = vmName;
  }

  public String getSourceHost() {
    return sourceHost;
  }

  public void setSourceHost(String sourceHost) {
    this.sourceHost = sourceHost;
  }

  public String getDestinationHost() {
    return destinationHost;
  }

  public void setDestinationHost(String destinationHost) {
    this.destinationHost = destinationHost;
  }

  public MigrationMode getMode() {
    return mode;
  }

  public void setMode(MigrationMode mode) {
    this.mode = mode;
  }

  public Integer getProgress() {
    return progress;
  }

  public void setProgress(Integer progress) {
    this.progress = progress;
  }

  public Integer getAttempt() {
    return attempt;
  }

  public void setAttempt(Integer attempt) {
    this.attempt = attempt;
  }

  public List<MigrationAttempt> getAttempts() {
    return attempts;
  }

  public void setAttempts(List<MigrationAttempt> attempts) {
    this.attempts = attempts;
  }

  public Placement getPlacement() {
    return placement;
  }

  public void setPlacement(Placement placement) {
    this.placement = placement;
  }

  public String getTaskRef() {
    return taskRef;
  }

  public void setTaskRef(String taskRef) {
    this.taskRef = taskRef;
  }

  public String getProgressTime() {
    return progressTime;
  }

  public void setProgressTime(String progressTime) {
    this.progressTime = progressTime;
  }

  @com.fasterxml.jackson.annotation.JsonProperty("destinationSR")
  public String getDestinationSR() {
    return destinationSR;
  }

  @com.fasterxml.jackson.annotation.JsonProperty("destinationSR")
  public void setDestinationSR(String destinationSR) {
    this.destinationSR = destinationSR;
  }

  public Map<String, String> getPhaseTimestamps() {
    return phaseTimestamps;
  }

  public void setPhaseTimestamps(Map<String, String> phaseTimestamps) {
    this.phaseTimestamps = phaseTimestamps;
  }

  public String getStartTime() {
    return startTime;
  }

  public void setStartTime(String startTime) {
    this.startTime = startTime;
  }

  public String getCompletionTime() {
    return completionTime;
  }

  public void setCompletionTime(String completionTime) {
    this.completionTime = completionTime;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public RollbackStatus getRollback() {
    return rollback;
  }

  public void setRollback(RollbackStatus rollback) {
    this.rollback = rollback;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getSourceHostUuid() {
    return sourceHostUuid;
  }

  public void setSourceHostUuid(String sourceHostUuid) {
    this.sourceHostUuid = sourceHostUuid;
  }

  public String getDestinationHostUuid() {
    return destinationHostUuid;
  }

  public void setDestinationHostUuid(String destinationHostUuid) {
    this.destinationHostUuid = destinationHostUuid;
  }

  public String getSourcePoolUuid() {
    return sourcePoolUuid;
  }

  public void setSourcePoolUuid(String sourcePoolUuid) {
    this.sourcePoolUuid = sourcePoolUuid;
  }

  public String getDestinationPoolUuid() {
    return destinationPoolUuid;
  }

  public void setDestinationPoolUuid(String destinationPoolUuid) {
    this.destinationPoolUuid = destinationPoolUuid;
  }

  public Long getMemoryBytes() {
    return memoryBytes;
  }

  public void setMemoryBytes(Long memoryBytes) {
    this.memoryBytes = memoryBytes;
  }

  public Long getDiskBytes() {
    return diskBytes;
  }

  public void setDiskBytes(Long diskBytes) {
    this.diskBytes = diskBytes;
  }

  public String getTaskUuid() {
    return taskUuid;
  }

  public void setTaskUuid(String taskUuid) {
    this.taskUuid = taskUuid;
  }

  public MigrationIntent getIntent() {
    return intent;
  }

  public void setIntent(MigrationIntent intent) {
    this.intent = intent;
  }

  @com.fasterxml.jackson.annotation.JsonProperty("destinationSRUuid")
  public String getDestinationSRUuid() {
    return destinationSRUuid;
  }

  @com.fasterxml.jackson.annotation.JsonProperty("destinationSRUuid")
  public void setDestinationSRUuid(String destinationSRUuid) {
    this.destinationSRUuid = destinationSRUuid;
  }
}
