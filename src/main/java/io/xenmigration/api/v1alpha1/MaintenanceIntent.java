package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A host call the operator decided and is about to make, written before it is made. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MaintenanceIntent {

  @JsonPropertyDescription("DisableHost or EnableHost.")
  private String action;

  @JsonPropertyDescription("When it was decided (RFC 3339).")
  private String at;

  public String getAction() {
    return action;
  }

  public void setAction(String action) {
    this.action = action;
  }

  public String getAt() {
    return at;
  }

  public void setAt(String at) {
    this.at = at;
  }
}
