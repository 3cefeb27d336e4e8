package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One action taken to undo a migration. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RollbackStep {

  @JsonPropertyDescription(
      "What was done, such as CancelTask, LetFinish, DestroyTask, RemoveLeftovers or"
          + " VerifySource.")
  private String action;

  @JsonPropertyDescription("The attempt it was done for (status.attempts, from 1).")
  private Integer attempt;

  @JsonPropertyDescription("Whether the step worked.")
  private Boolean succeeded;

  @JsonPropertyDescription("Details, with XenAPI error codes where any.")
  private String message;

  @JsonPropertyDescription("When the step ran (RFC 3339).")
  private String time;

  public String getAction() {
    return action;
  }

  public void setAction(String action) {
    this.action = action;
  }

  public Boolean getSucceeded() {
    return succeeded;
  }

  public void setSucceeded(Boolean succeeded) {
    this.succeeded = succeeded;
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

  public Integer getAttempt() {
    return attempt;
  }

  public void setAttempt(Integer attempt) {
    this.attempt = attempt;
  }
}
