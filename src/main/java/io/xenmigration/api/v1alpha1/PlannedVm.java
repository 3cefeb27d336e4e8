package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One VM a maintenance moves off its host, and where the scheduler would put it now. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PlannedVm {

  @JsonPropertyDescription("Name-label of the VM.")
  private String vm;

  @JsonPropertyDescription("UUID of the VM.")
  private String uuid;

  @JsonPropertyDescription("Memory the VM takes on a host (bytes); the largest go first.")
  private Long memoryBytes;

  @JsonPropertyDescription("Name-label of the host the scheduler would choose now, if any.")
  private String destination;

  @JsonPropertyDescription("UUID of that host.")
  private String destinationUuid;

  @JsonPropertyDescription(
      "Whether reaching that host copies the VM's disks (a storage migration).")
  private Boolean copiesDisks;

  @JsonPropertyDescription("Why that host, or why none: the scheduler's or xapi's words.")
  private String reason;

  public String getVm() {
    return vm;
  }

  public void setVm(String vm) {
    this.vm = vm;
  }

  public String getUuid() {
    return uuid;
  }

  public void setUuid(String uuid) {
    this.uuid = uuid;
  }

  public Long getMemoryBytes() {
    return memoryBytes;
  }

  public void setMemoryBytes(Long memoryBytes) {
    this.memoryBytes = memoryBytes;
  }

  public String getDestination() {
    return destination;
  }

  public void setDestination(String destination) {
    this.destination = destination;
  }

  public String getDestinationUuid() {
    return destinationUuid;
  }

  public void setDestinationUuid(String destinationUuid) {
    this.destinationUuid = destinationUuid;
  }

  public Boolean getCopiesDisks() {
    return copiesDisks;
  }

  public void setCopiesDisks(Boolean copiesDisks) {
    this.copiesDisks = copiesDisks;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }
}
