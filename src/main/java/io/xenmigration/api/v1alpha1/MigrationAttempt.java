package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One destination host tried by a migration, and how that went. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MigrationAttempt {

  @JsonPropertyDescription("Name-label of the destination host tried.")
  private String host;

  @JsonPropertyDescription("UUID of the destination host tried.")
  private String hostUuid;

  @JsonPropertyDescription(
      "The attempt's mark, put on its XenAPI task (other_config xenmigration.io/attempt): only a"
          + " task carrying it is this attempt's.")
  private String token;

  @JsonPropertyDescription("UUID of the attempt's XenAPI task, once it is known.")
  private String taskUuid;

  @JsonPropertyDescription("This attempt's own progress, from 0 to 100.")
  private Integer progress;

  @JsonPropertyDescription(
      "UUIDs of the VDIs on the destination SR that looked like copies of the VM's disks before"
          + " the attempt started: never taken for this attempt's leftovers.")
  private java.util.List<String> existingDisks;

  @JsonPropertyDescription("How the try ended; empty while it is still going.")
  private AttemptOutcome outcome;

  @JsonPropertyDescription("Machine-readable reason, such as the XenAPI error code.")
  private String reason;

  @JsonPropertyDescription("What happened, for a person.")
  private String message;

  @JsonPropertyDescription("When the try started (RFC 3339).")
  private String time;

  @JsonPropertyDescription(
      "True when the failure lay with this destination host, so another host may succeed.")
  private Boolean destinationFault;

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public AttemptOutcome getOutcome() {
    return outcome;
  }

  public void setOutcome(AttemptOutcome outcome) {
    this.outcome = outcome;
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

  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
  }

  public Boolean getDestinationFault() {
    return destinationFault;
  }

  public void setDestinationFault(Boolean destinationFault) {
    this.destinationFault = destinationFault;
  }

  public String getHostUuid() {
    return hostUuid;
  }

  public void setHostUuid(String hostUuid) {
    this.hostUuid = hostUuid;
  }

  public String getToken() {
    return token;
  }

  public void setToken(String token) {
    this.token = token;
  }

  public String getTaskUuid() {
    return taskUuid;
  }

  public void setTaskUuid(String taskUuid) {
    this.taskUuid = taskUuid;
  }

  public Integer getProgress() {
    return progress;
  }

  public void setProgress(Integer progress) {
    this.progress = progress;
  }

  public java.util.List<String> getExistingDisks() {
    return existingDisks;
  }

  public void setExistingDisks(java.util.List<String> existingDisks) {
    this.existingDisks = existingDisks;
  }
}
