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
      "True once the operator checked that the VM runs on a live source host again; false with"
          + " status.rollback.verification saying why when it could not.")
  private Boolean verified;

  @JsonPropertyDescription("What the check of where the VM runs found.")
  private String verification;

  @JsonPropertyDescription(
      "What the failed attempt may have left that the operator kept (not provably its own, or"
          + " in use), for a person to look at.")
  private List<Leftover> leftovers = new ArrayList<>();

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

  public String getVerification() {
    return verification;
  }

  public void setVerification(String verification) {
    this.verification = verification;
  }

  public List<Leftover> getLeftovers() {
    return leftovers;
  }

  public void setLeftovers(List<Leftover> leftovers) {
    this.leftovers = leftovers;
  }
}
