package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One destination host tried by a migration, and how that went. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MigrationAttempt {

  @JsonPropertyDescription("Name-label of the destination host tried.")
  private String host;

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
}
