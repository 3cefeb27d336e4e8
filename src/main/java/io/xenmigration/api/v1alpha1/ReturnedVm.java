package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What became of a VM moved back to its host when the maintenance ended. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReturnedVm {

  @JsonPropertyDescription("Name-label of the VM.")
  private String vm;

  @JsonPropertyDescription("UUID of the VM.")
  private String uuid;

  @JsonPropertyDescription("The LiveMigration that moved it back.")
  private String migration;

  @JsonPropertyDescription("Returned, Skipped (it no longer fits, or is gone) or Failed.")
  private String outcome;

  @JsonPropertyDescription("Why, in words.")
  private String message;

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

  public String getMigration() {
    return migration;
  }

  public void setMigration(String migration) {
    this.migration = migration;
  }

  public String getOutcome() {
    return outcome;
  }

  public void setOutcome(String outcome) {
    this.outcome = outcome;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }
}
