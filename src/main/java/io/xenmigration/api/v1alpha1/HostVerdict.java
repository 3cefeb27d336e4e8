package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * A dry run's verdict on one candidate host: XenAPI's own pre-check, made without moving anything.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HostVerdict {

  @JsonPropertyDescription("Name-label of the host.")
  private String host;

  @JsonPropertyDescription("UUID of the host.")
  private String hostUuid;

  @JsonPropertyDescription("How the VM would move there.")
  private MigrationMode mode;

  @JsonPropertyDescription("Whether XenAPI's pre-check accepted the move.")
  private Boolean accepted;

  @JsonPropertyDescription("The XenAPI error code of a refusal.")
  private String code;

  @JsonPropertyDescription("What the pre-check said.")
  private String message;

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public String getHostUuid() {
    return hostUuid;
  }

  public void setHostUuid(String hostUuid) {
    this.hostUuid = hostUuid;
  }

  public MigrationMode getMode() {
    return mode;
  }

  public void setMode(MigrationMode mode) {
    this.mode = mode;
  }

  public Boolean getAccepted() {
    return accepted;
  }

  public void setAccepted(Boolean accepted) {
    this.accepted = accepted;
  }

  public String getCode() {
    return code;
  }

  public void setCode(String code) {
    this.code = code;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }
}
