package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * What a maintenance found and did so far; the operator writes its intent here before each host
 * call.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HostMaintenanceStatus {

  @JsonPropertyDescription("Where the maintenance is in its life cycle.")
  private MaintenancePhase phase;

  @JsonPropertyDescription("Why it is in this phase, in one word.")
  private String reason;

  @JsonPropertyDescription("What it does now or why it stopped, in words.")
  private String message;

  @JsonPropertyDescription(
      "Condition 'InMaintenance' is True while the host is disabled and empty; 'Progressing'"
          + " is True while the operator works on it.")
  private java.util.List<io.fabric8.kubernetes.api.model.Condition> conditions =
      new java.util.ArrayList<>();

  @JsonPropertyDescription("UUID of the host, once resolved.")
  private String hostUuid;

  @JsonPropertyDescription("Name-label of the host, once resolved.")
  private String hostName;

  @JsonPropertyDescription("UUID of the pool that holds the host.")
  private String poolUuid;

  @JsonPropertyDescription("Whether XenAPI reported the host enabled at the last look.")
  private Boolean hostEnabled;

  @JsonPropertyDescription(
      "Whether this maintenance disabled the host: only then does it enable it again at the end (a"
          + " host that was already disabled stays so).")
  private Boolean disabledHere;

  @JsonPropertyDescription(
      "Every VM to move off, largest first, with the destination the scheduler would choose.")
  private java.util.List<PlannedVm> plan = new java.util.ArrayList<>();

  @JsonPropertyDescription("VMs that cannot move now, with the reason.")
  private java.util.List<BlockedVm> blocked = new java.util.ArrayList<>();

  @JsonPropertyDescription("How far the drain is.")
  private MaintenanceProgress progress;

  @JsonPropertyDescription("The LiveMigrations this maintenance created, in order.")
  private java.util.List<String> children = new java.util.ArrayList<>();

  @JsonPropertyDescription("With returnVMs: what became of each VM moved back.")
  private java.util.List<ReturnedVm> returned = new java.util.ArrayList<>();

  @JsonPropertyDescription("When each phase was entered (RFC 3339), by phase.")
  private java.util.Map<String, String> phaseTimes = new java.util.LinkedHashMap<>();

  @JsonPropertyDescription(
      "A host call decided and not yet recorded as done: a restarted operator looks at the host"
          + " before going on.")
  private MaintenanceIntent intent;

  @JsonPropertyDescription("While Exiting: the phase it ends in, Failed or Cancelled.")
  private MaintenancePhase exitTo;

  @JsonPropertyDescription("While Exiting or after: why the maintenance ended.")
  private String exitReason;

  @JsonPropertyDescription("Why it ended, in words.")
  private String exitMessage;

  @JsonPropertyDescription("When xapi's blockers were last read (RFC 3339).")
  private String blockersReadAt;

  public MaintenancePhase getPhase() {
    return phase;
  }

  public void setPhase(MaintenancePhase phase) {
    this.phase = phase;
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

  public java.util.List<io.fabric8.kubernetes.api.model.Condition> getConditions() {
    return conditions;
  }

  public void setConditions(java.util.List<io.fabric8.kubernetes.api.model.Condition> conditions) {
    this.conditions = conditions;
  }

  public String getHostUuid() {
    return hostUuid;
  }

  public void setHostUuid(String hostUuid) {
    this.hostUuid = hostUuid;
  }

  public String getHostName() {
    return hostName;
  }

  public void setHostName(String hostName) {
    this.hostName = hostName;
  }

  public String getPoolUuid() {
    return poolUuid;
  }

  public void setPoolUuid(String poolUuid) {
    this.poolUuid = poolUuid;
  }

  public Boolean getHostEnabled() {
    return hostEnabled;
  }

  public void setHostEnabled(Boolean hostEnabled) {
    this.hostEnabled = hostEnabled;
  }

  public Boolean getDisabledHere() {
    return disabledHere;
  }

  public void setDisabledHere(Boolean disabledHere) {
    this.disabledHere = disabledHere;
  }

  public java.util.List<PlannedVm> getPlan() {
    return plan;
  }

  public void setPlan(java.util.List<PlannedVm> plan) {
    this.plan = plan;
  }

  public java.util.List<BlockedVm> getBlocked() {
    return blocked;
  }

  public void setBlocked(java.util.List<BlockedVm> blocked) {
    this.blocked = blocked;
  }

  public MaintenanceProgress getProgress() {
    return progress;
  }

  public void setProgress(MaintenanceProgress progress) {
    this.progress = progress;
  }

  public java.util.List<String> getChildren() {
    return children;
  }

  public void setChildren(java.util.List<String> children) {
    this.children = children;
  }

  public java.util.List<ReturnedVm> getReturned() {
    return returned;
  }

  public void setReturned(java.util.List<ReturnedVm> returned) {
    this.returned = returned;
  }

  public java.util.Map<String, String> getPhaseTimes() {
    return phaseTimes;
  }

  public void setPhaseTimes(java.util.Map<String, String> phaseTimes) {
    this.phaseTimes = phaseTimes;
  }

  public MaintenanceIntent getIntent() {
    return intent;
  }

  public void setIntent(MaintenanceIntent intent) {
    this.intent = intent;
  }

  public MaintenancePhase getExitTo() {
    return exitTo;
  }

  public void setExitTo(MaintenancePhase exitTo) {
    this.exitTo = exitTo;
  }

  public String getExitReason() {
    return exitReason;
  }

  public void setExitReason(String exitReason) {
    this.exitReason = exitReason;
  }

  public String getExitMessage() {
    return exitMessage;
  }

  public void setExitMessage(String exitMessage) {
    this.exitMessage = exitMessage;
  }

  public String getBlockersReadAt() {
    return blockersReadAt;
  }

  public void setBlockersReadAt(String blockersReadAt) {
    this.blockersReadAt = blockersReadAt;
  }
}
