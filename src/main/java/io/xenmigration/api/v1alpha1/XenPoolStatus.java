package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator last saw of a pool: whether it can log in, and the hosts and their load. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class XenPoolStatus {

  @JsonPropertyDescription(
      "Condition 'Ready' is True when the operator is logged in to the pool master; when False,"
          + " its reason says what to fix. 'Duplicate' is True when another XenPool describes the"
          + " same pool (their migrations then share the older one's limits); 'Deleting' is True"
          + " while a deleted pool waits for its active migrations.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription(
      "UUID of the pool: its identity, by which its migrations' limits are kept even when"
          + " several XenPools name it.")
  private String poolUuid;

  @JsonPropertyDescription("XenAPI version of the pool master, as major.minor.")
  private String apiVersion;

  @JsonPropertyDescription("Name-label of the pool master.")
  private String master;

  @JsonPropertyDescription("Number of hosts in the pool.")
  private Integer hostCount;

  @JsonPropertyDescription("The pool's hosts at the last sync.")
  private List<HostStatus> hosts = new ArrayList<>();

  @JsonPropertyDescription(
      "Virtual machines in the pool, without templates, snapshots and control domains.")
  private Integer vmCount;

  @JsonPropertyDescription("When the operator last read the pool (RFC 3339).")
  private String lastSyncTime;

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public String getApiVersion() {
    return apiVersion;
  }

  public void setApiVersion(String apiVersion) {
    this.apiVersion = apiVersion;
  }

  public String getMaster() {
    return master;
  }

  public void setMaster(String master) {
    this.master = master;
  }

  public Integer getHostCount() {
    return hostCount;
  }

  public void setHostCount(Integer hostCount) {
    this.hostCount = hostCount;
  }

  public List<HostStatus> getHosts() {
    return hosts;
  }

  public void setHosts(List<HostStatus> hosts) {
    this.hosts = hosts;
  }

  public Integer getVmCount() {
    return vmCount;
  }

  public void setVmCount(Integer vmCount) {
    this.vmCount = vmCount;
  }

  public String getLastSyncTime() {
    return lastSyncTime;
  }

  public void setLastSyncTime(String lastSyncTime) {
    this.lastSyncTime = lastSyncTime;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getPoolUuid() {
    return poolUuid;
  }

  public void setPoolUuid(String poolUuid) {
    this.poolUuid = poolUuid;
  }
}
