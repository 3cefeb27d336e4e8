package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Something a failed attempt may have left in a pool that the operator kept: it could not prove it
 * its own, or something still uses it. A person decides what to do with it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Leftover {

  @JsonPropertyDescription("What it is: Disk (a VDI) or Task.")
  private String kind;

  @JsonPropertyDescription("Its UUID.")
  private String uuid;

  @JsonPropertyDescription("Its name-label.")
  private String name;

  @JsonPropertyDescription("Name-label of the SR holding it (Disk).")
  private String sr;

  @JsonPropertyDescription("UUID of the SR holding it (Disk).")
  private String srUuid;

  @JsonPropertyDescription("Why the operator kept it.")
  private String reason;

  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  public String getUuid() {
    return uuid;
  }

  public void setUuid(String uuid) {
    this.uuid = uuid;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getSr() {
    return sr;
  }

  public void setSr(String sr) {
    this.sr = sr;
  }

  public String getSrUuid() {
    return srUuid;
  }

  public void setSrUuid(String srUuid) {
    this.srUuid = srUuid;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }
}
