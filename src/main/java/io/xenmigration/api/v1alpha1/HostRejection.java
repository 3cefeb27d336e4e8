package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A host the scheduler did not choose, and why. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HostRejection {

  @JsonPropertyDescription("Name-label of the host.")
  private String host;

  @JsonPropertyDescription("Why the host was turned down, such as NotEnoughMemory.")
  private String reason;

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }
}
