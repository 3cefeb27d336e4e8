package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One host of a pool as the operator last saw it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HostStatus {

  @JsonPropertyDescription("Name-label of the host.")
  private String name;

  @JsonPropertyDescription("UUID of the host.")
  private String uuid;

  @JsonPropertyDescription("Management IP address of the host.")
  private String address;

  @JsonPropertyDescription("False when the host is disabled, for maintenance for instance.")
  private Boolean enabled;

  @JsonPropertyDescription("Whether the host's heartbeat is alive.")
  private Boolean live;

  @JsonPropertyDescription("Product version, such as 8.2.1.")
  private String productVersion;

  @JsonPropertyDescription("Xen platform version, such as 3.2.1.")
  private String platformVersion;

  @JsonPropertyDescription("Total memory of the host in bytes.")
  private Long memoryTotalBytes;

  @JsonPropertyDescription("Memory free for new VMs, in bytes.")
  private Long memoryFreeBytes;

  @JsonProperty("residentVMs")
  @JsonPropertyDescription("Running VMs on the host, without its control domain.")
  private Integer residentVMs;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getUuid() {
    return uuid;
  }

  public void setUuid(String uuid) {
    this.uuid = uuid;
  }

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
  }

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public Boolean getLive() {
    return live;
  }

  public void setLive(Boolean live) {
    this.live = live;
  }

  public String getProductVersion() {
    return productVersion;
  }

  public void setProductVersion(String productVersion) {
    this.productVersion = productVersion;
  }

  public String getPlatformVersion() {
    return platformVersion;
  }

  public void setPlatformVersion(String platformVersion) {
    this.platformVersion = platformVersion;
  }

  public Long getMemoryTotalBytes() {
    return memoryTotalBytes;
  }

  public void setMemoryTotalBytes(Long memoryTotalBytes) {
    this.memoryTotalBytes = memoryTotalBytes;
  }

  public Long getMemoryFreeBytes() {
    return memoryFreeBytes;
  }

  public void setMemoryFreeBytes(Long memoryFreeBytes) {
    this.memoryFreeBytes = memoryFreeBytes;
  }

  @JsonProperty("residentVMs")
  public Integer getResidentVMs() {
    return residentVMs;
  }

  @JsonProperty("residentVMs")
  public void setResidentVMs(Integer residentVMs) {
    this.residentVMs = residentVMs;
  }
}
