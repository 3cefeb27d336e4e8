package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A VM that cannot leave the host, with the reason from XenAPI or from its migration. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BlockedVm {

  @JsonPropertyDescription("Name-label of the VM.")
  private String vm;

  @JsonPropertyDescription("UUID of the VM.")
  private String uuid;

  @JsonPropertyDescription(
      "The XenAPI error code (such as OPERATION_BLOCKED or VM_HAS_PCI_ATTACHED), or the reason its migration gave up.")
  private String code;

  @JsonPropertyDescription("The error's parameters, refs shown as names where known.")
  private java.util.List<String> params;

  @JsonPropertyDescription("What it means and how to clear it.")
  private String message;

  @JsonPropertyDescription("When it was first found blocked (RFC 3339).")
  private String since;

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

  public String getCode() {
    return code;
  }

  public void setCode(String code) {
    this.code = code;
  }

  public java.util.List<String> getParams() {
    return params;
  }

  public void setParams(java.util.List<String> params) {
    this.params = params;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getSince() {
    return since;
  }

  public void setSince(String since) {
    this.since = since;
  }
}
