package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * The XenAPI side effect in flight: written before the operator makes it and cleared once its
 * result is recorded, so that an operator restarted in between knows what may have happened.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MigrationIntent {

  @JsonPropertyDescription("What the operator is about to do.")
  private IntentAction action;

  @JsonPropertyDescription("The attempt it belongs to (status.attempts, from 1).")
  private Integer attempt;

  @JsonPropertyDescription("UUIDs of the VDIs it concerns (DestroyDisks).")
  private List<String> disks = new ArrayList<>();

  @JsonPropertyDescription("When the intent was written (RFC 3339).")
  private String time;

  public IntentAction getAction() {
    return action;
  }

  public void setAction(IntentAction action) {
    this.action = action;
  }

  public Integer getAttempt() {
    return attempt;
  }

  public void setAttempt(Integer attempt) {
    this.attempt = attempt;
  }

  public List<String> getDisks() {
    return disks;
  }

  public void setDisks(List<String> disks) {
    this.disks = disks;
  }

  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
  }
}
