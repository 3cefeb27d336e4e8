package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * The undo steps taken after a failed or cancelled migration, and whether the result was checked.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RollbackStatus {

  @JsonPropertyDescription("Each undo step, in the order taken.")
  private List<RollbackStep> steps = new ArrayList<>();

  @JsonPropertyDescription(
      "True once the operator checked that the VM runs on its source host again.")
  private Boolean verified;

  public List<RollbackStep> getSteps() {
    return steps;
  }

  public void setSteps(List<RollbackStep> steps) {
    this.steps = steps;
  }

  public Boolean getVerified() {
    return verified;
  }

  public void setVerified(Boolean verified) {
    this.verified = verified;
  }
}
