package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** The scheduler's decision for a migration, with the reason each other host was turned down. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Placement {

  @JsonPropertyDescription("Name-label of the host chosen.")
  private String chosen;

  @JsonPropertyDescription("How many hosts passed every filter.")
  private Integer candidates;

  @JsonPropertyDescription("Hosts turned down, each with why.")
  private List<HostRejection> rejected = new ArrayList<>();

  @JsonPropertyDescription(
      "A dry run's verdict on each candidate host, best first (at most 10): XenAPI's pre-check"
          + " made against it.")
  private List<HostVerdict> verdicts;

  public List<HostVerdict> getVerdicts() {
    return verdicts;
  }

  public void setVerdicts(List<HostVerdict> verdicts) {
    this.verdicts = verdicts;
  }

  public String getChosen() {
    return chosen;
  }

  public void setChosen(String chosen) {
    this.chosen = chosen;
  }

  public Integer getCandidates() {
    return candidates;
  }

  public void setCandidates(Integer candidates) {
    this.candidates = candidates;
  }

  public List<HostRejection> getRejected() {
    return rejected;
  }

  public void setRejected(List<HostRejection> rejected) {
    this.rejected = rejected;
  }
}
