package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How far a drain is. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MaintenanceProgress {

  @JsonPropertyDescription("VMs moved off by this maintenance.")
  private Integer moved;

  @JsonPropertyDescription(
      "VMs that ran on the host when the drain began, and any that arrived since.")
  private Integer total;

  @JsonPropertyDescription("VMs that cannot move now.")
  private Integer blocked;

  @JsonPropertyDescription(
      "VMs no longer on the host (moved or stopped), as a percentage of total.")
  private Integer percent;

  public Integer getMoved() {
    return moved;
  }

  public void setMoved(Integer moved) {
    this.moved = moved;
  }

  public Integer getTotal() {
    return total;
  }

  public void setTotal(Integer total) {
    this.total = total;
  }

  public Integer getBlocked() {
    return blocked;
  }

  public void setBlocked(Integer blocked) {
    this.blocked = blocked;
  }

  public Integer getPercent() {
    return percent;
  }

  public void setPercent(Integer percent) {
    this.percent = percent;
  }
}
