package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Which host to take out of service and how; fixed at creation, except that {@code cancel} may be
 * set once.
 *
 * <p>The CEL rules make the API server refuse any other change: a drain under way was planned from
 * this spec, and a changed one would leave it matching neither.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.pool == oldSelf.pool",
    message = "spec.pool" + HostMaintenanceSpec.CREATE_NEW,
    fieldPath = ".pool",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "self.host == oldSelf.host",
    message = "spec.host" + HostMaintenanceSpec.CREATE_NEW,
    fieldPath = ".host",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "has(self.reason) == has(oldSelf.reason) && (!has(self.reason) || self.reason == oldSelf.reason)",
    message = "spec.reason" + HostMaintenanceSpec.CREATE_NEW,
    fieldPath = ".reason",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "has(self.dryRun) == has(oldSelf.dryRun) && (!has(self.dryRun) || self.dryRun == oldSelf.dryRun)",
    message = "spec.dryRun" + HostMaintenanceSpec.CREATE_NEW,
    fieldPath = ".dryRun",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "has(self.maxParallel) == has(oldSelf.maxParallel) && (!has(self.maxParallel) || self.maxParallel == oldSelf.maxParallel)",
    message = "spec.maxParallel" + HostMaintenanceSpec.CREATE_NEW,
    fieldPath = ".maxParallel",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "has(self.onBlocked) == has(oldSelf.onBlocked) && (!has(self.onBlocked) || self.onBlocked == oldSelf.onBlocked)",
    message = "spec.onBlocked" + HostMaintenanceSpec.CREATE_NEW,
    fieldPath = ".onBlocked",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "has(self.returnVMs) == has(oldSelf.returnVMs) && (!has(self.returnVMs) || self.returnVMs == oldSelf.returnVMs)",
    message = "spec.returnVMs" + HostMaintenanceSpec.CREATE_NEW,
    fieldPath = ".returnVMs",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "has(self.timeoutSeconds) == has(oldSelf.timeoutSeconds) && (!has(self.timeoutSeconds) || self.timeoutSeconds == oldSelf.timeoutSeconds)",
    message = "spec.timeoutSeconds" + HostMaintenanceSpec.CREATE_NEW,
    fieldPath = ".timeoutSeconds",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "has(self.storageMigration) == has(oldSelf.storageMigration) && (!has(self.storageMigration) || self.storageMigration == oldSelf.storageMigration)",
    message = "spec.storageMigration" + HostMaintenanceSpec.CREATE_NEW,
    fieldPath = ".storageMigration",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!has(oldSelf.cancel) || !oldSelf.cancel || (has(self.cancel) && self.cancel)",
    message = "spec.cancel cannot go back to false: a cancelled maintenance stays cancelled",
    fieldPath = ".cancel",
    reason = "FieldValueForbidden")
public class HostMaintenanceSpec {

  /** Tail of every immutability message: what to do instead. */
  static final String CREATE_NEW =
      " cannot be changed after creation; only spec.cancel may be set. Delete this"
          + " HostMaintenance (which ends it) and create a new one instead";

  @Required
  @Pattern(ApiGroup.OBJECT_NAME_PATTERN)
  @Size(max = ApiGroup.OBJECT_NAME_MAX_LENGTH)
  @JsonPropertyDescription("Name of the XenPool in this namespace that holds the host.")
  private String pool;

  @Required
  @Size(min = 1, max = ApiGroup.XEN_NAME_MAX_LENGTH)
  @JsonPropertyDescription("The host to empty: its name-label or UUID.")
  private String host;

  @Size(max = 1024)
  @JsonPropertyDescription("Why the host goes into maintenance, for people (shown in events).")
  private String reason;

  @Default("false")
  @JsonPropertyDescription(
      "Plan only: list where each VM would go and what blocks the others, change nothing, and end"
          + " in Planned.")
  private Boolean dryRun;

  @Min(1)
  @Max(64)
  @JsonPropertyDescription(
      "VMs moved off at once. Default: the pool's maxParallelPerHost, the most a host may send"
          + " at once anyway.")
  private Integer maxParallel;

  @Default("Wait")
  @JsonPropertyDescription(
      "Wait drains what can move, lists the rest and looks at them again; Fail fails before"
          + " disabling anything when a VM cannot move.")
  private BlockedPolicy onBlocked;

  @JsonProperty("returnVMs")
  @Default("false")
  @JsonPropertyDescription(
      "When the maintenance ends, move the VMs it moved off back to the host (best effort; those"
          + " that no longer fit stay where they are and are reported).")
  private Boolean returnVMs;

  @Min(1)
  @JsonPropertyDescription(
      "Give up draining after this long: running moves are cancelled and the host is put back in"
          + " service. Default: no limit.")
  private Integer timeoutSeconds;

  @Default("Never")
  @JsonPropertyDescription(
      "Never (the default) leaves VMs on storage only this host sees where they are, reported"
          + " blocked; Auto lets them copy their disks to storage their new host sees.")
  private StorageMigrationPolicy storageMigration;

  @Default("false")
  @JsonPropertyDescription(
      "Set to true to end the maintenance: running moves are cancelled and the host is put back in"
          + " service. It cannot be set back to false.")
  private Boolean cancel;

  public String getPool() {
    return pool;
  }

  public void setPool(String pool) {
    this.pool = pool;
  }

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

  public Boolean getDryRun() {
    return dryRun;
  }

  public void setDryRun(Boolean dryRun) {
    this.dryRun = dryRun;
  }

  public Integer getMaxParallel() {
    return maxParallel;
  }

  public void setMaxParallel(Integer maxParallel) {
    this.maxParallel = maxParallel;
  }

  public BlockedPolicy getOnBlocked() {
    return onBlocked;
  }

  public void setOnBlocked(BlockedPolicy onBlocked) {
    this.onBlocked = onBlocked;
  }

  public Boolean getReturnVMs() {
    return returnVMs;
  }

  public void setReturnVMs(Boolean returnVMs) {
    this.returnVMs = returnVMs;
  }

  public Integer getTimeoutSeconds() {
    return timeoutSeconds;
  }

  public void setTimeoutSeconds(Integer timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
  }

  public StorageMigrationPolicy getStorageMigration() {
    return storageMigration;
  }

  public void setStorageMigration(StorageMigrationPolicy storageMigration) {
    this.storageMigration = storageMigration;
  }

  public Boolean getCancel() {
    return cancel;
  }

  public void setCancel(Boolean cancel) {
    this.cancel = cancel;
  }
}
