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
 * What to move and where; fixed at creation, except that {@code cancel} may be set once.
 *
 * <p>The CEL rules make the API server refuse an update that changes anything but {@code cancel}:
 * the operator records XenAPI work against the spec it started with, so a changed spec could leave
 * a half-done migration that no longer matches its own description.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.destinationPool) || self.destinationPool != self.pool",
    message =
        "spec.destinationPool must name another XenPool than spec.pool; leave it empty to migrate"
            + " within the pool",
    fieldPath = ".destinationPool",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "self.pool == oldSelf.pool",
    message = "spec.pool" + LiveMigrationSpec.CREATE_NEW,
    fieldPath = ".pool",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "self.vm == oldSelf.vm",
    message = "spec.vm" + LiveMigrationSpec.CREATE_NEW,
    fieldPath = ".vm",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "has(self.destinationHost) == has(oldSelf.destinationHost) && (!has(self.destinationHost)"
            + " || self.destinationHost == oldSelf.destinationHost)",
    message = "spec.destinationHost" + LiveMigrationSpec.CREATE_NEW,
    fieldPath = ".destinationHost",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "has(self.destinationPool) == has(oldSelf.destinationPool) && (!has(self.destinationPool)"
            + " || self.destinationPool == oldSelf.destinationPool)",
    message = "spec.destinationPool" + LiveMigrationSpec.CREATE_NEW,
    fieldPath = ".destinationPool",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "has(self.storageMigration) == has(oldSelf.storageMigration) &&"
            + " (!has(self.storageMigration) || self.storageMigration == oldSelf.storageMigration)",
    message = "spec.storageMigration" + LiveMigrationSpec.CREATE_NEW,
    fieldPath = ".storageMigration",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "has(self.destinationSR) == has(oldSelf.destinationSR) && (!has(self.destinationSR)"
            + " || self.destinationSR == oldSelf.destinationSR)",
    message = "spec.destinationSR" + LiveMigrationSpec.CREATE_NEW,
    fieldPath = ".destinationSR",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "has(self.priority) == has(oldSelf.priority) && (!has(self.priority)"
            + " || self.priority == oldSelf.priority)",
    message = "spec.priority" + LiveMigrationSpec.CREATE_NEW,
    fieldPath = ".priority",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "has(self.maxAttempts) == has(oldSelf.maxAttempts) && (!has(self.maxAttempts)"
            + " || self.maxAttempts == oldSelf.maxAttempts)",
    message = "spec.maxAttempts" + LiveMigrationSpec.CREATE_NEW,
    fieldPath = ".maxAttempts",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "has(self.timeouts) == has(oldSelf.timeouts) && (!has(self.timeouts)"
            + " || self.timeouts == oldSelf.timeouts)",
    message = "spec.timeouts" + LiveMigrationSpec.CREATE_NEW,
    fieldPath = ".timeouts",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "has(self.dryRun) == has(oldSelf.dryRun) && (!has(self.dryRun)"
            + " || self.dryRun == oldSelf.dryRun)",
    message = "spec.dryRun" + LiveMigrationSpec.CREATE_NEW,
    fieldPath = ".dryRun",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!has(oldSelf.cancel) || !oldSelf.cancel || (has(self.cancel) && self.cancel)",
    message = "spec.cancel cannot go back to false: a cancelled migration stays cancelled",
    fieldPath = ".cancel",
    reason = "FieldValueForbidden")
public class LiveMigrationSpec {

  /** Tail of every immutability message: what to do instead. */
  static final String CREATE_NEW =
      " cannot be changed after creation; only spec.cancel may be set. Create a new"
          + " LiveMigration instead";

  /** Default for {@link #getMaxAttempts()}. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  @Required
  @Pattern(ApiGroup.OBJECT_NAME_PATTERN)
  @Size(max = ApiGroup.OBJECT_NAME_MAX_LENGTH)
  @JsonPropertyDescription("Name of the XenPool in this namespace that runs the VM now.")
  private String pool;

  @Required
  @Size(min = 1, max = ApiGroup.XEN_NAME_MAX_LENGTH)
  @JsonPropertyDescription("The VM to move: its UUID, or its name-label if that is unique.")
  private String vm;

  @Size(min = 1, max = ApiGroup.XEN_NAME_MAX_LENGTH)
  @JsonPropertyDescription(
      "Host to move the VM to, by name-label or UUID. Empty: the scheduler picks one.")
  private String destinationHost;

  @Pattern(ApiGroup.OBJECT_NAME_PATTERN)
  @Size(max = ApiGroup.OBJECT_NAME_MAX_LENGTH)
  @JsonPropertyDescription(
      "Another XenPool in this namespace to move the VM to (a cross-pool migration, which"
          + " copies its disks). Empty: stay in spec.pool.")
  private String destinationPool;

  @Default("Auto")
  @JsonPropertyDescription(
      "Auto copies the disks only when the destination host cannot see the VM's storage; Always"
          + " copies them anyway; Never only considers hosts that see all of the VM's disks.")
  private StorageMigrationPolicy storageMigration;

  @Size(min = 1, max = ApiGroup.XEN_NAME_MAX_LENGTH)
  @JsonProperty("destinationSR")
  @JsonPropertyDescription(
      "Storage repository for copied disks, by name-label or UUID. Default: the destination"
          + " pool's default SR.")
  private String destinationSR;

  @Default("0")
  @JsonPropertyDescription("Among waiting migrations, higher priorities start first.")
  private Integer priority;

  @Default("" + DEFAULT_MAX_ATTEMPTS)
  @Min(1)
  @Max(10)
  @JsonPropertyDescription(
      "Destination hosts to try, one after another, before the migration fails.")
  private Integer maxAttempts;

  @Default("{}")
  @JsonPropertyDescription("When to give up on a running migration.")
  private MigrationTimeouts timeouts;

  @Default("false")
  @JsonPropertyDescription(
      "Plan only: choose hosts and run XenAPI's pre-check against each candidate (up to 10),"
          + " record the verdicts in status.placement, move nothing, and end in Planned.")
  private Boolean dryRun;

  @Default("false")
  @JsonPropertyDescription(
      "Set to true to stop the migration; the VM stays on (or returns to) its source host. It"
          + " cannot be set back to false.")
  private Boolean cancel;

  public String getPool() {
    return pool;
  }

  public void setPool(String pool) {
    this.pool = pool;
  }

  public String getVm() {
    return vm;
  }

  public void setVm(String vm) {
    this.vm = vm;
  }

  public String getDestinationHost() {
    return destinationHost;
  }

  public void setDestinationHost(String destinationHost) {
    this.destinationHost = destinationHost;
  }

  public String getDestinationPool() {
    return destinationPool;
  }

  public void setDestinationPool(String destinationPool) {
    this.destinationPool = destinationPool;
  }

  public StorageMigrationPolicy getStorageMigration() {
    return storageMigration;
  }

  public void setStorageMigration(StorageMigrationPolicy storageMigration) {
    this.storageMigration = storageMigration;
  }

  @JsonProperty("destinationSR")
  public String getDestinationSR() {
    return destinationSR;
  }

  @JsonProperty("destinationSR")
  public void setDestinationSR(String destinationSR) {
    this.destinationSR = destinationSR;
  }

  public Integer getPriority() {
    return priority;
  }

  public void setPriority(Integer priority) {
    this.priority = priority;
  }

  public Integer getMaxAttempts() {
    return maxAttempts;
  }

  public void setMaxAttempts(Integer maxAttempts) {
    this.maxAttempts = maxAttempts;
  }

  public MigrationTimeouts getTimeouts() {
    return timeouts;
  }

  public void setTimeouts(MigrationTimeouts timeouts) {
    this.timeouts = timeouts;
  }

  public Boolean getDryRun() {
    return dryRun;
  }

  public void setDryRun(Boolean dryRun) {
    this.dryRun = dryRun;
  }

  public Boolean getCancel() {
    return cancel;
  }

  public void setCancel(Boolean cancel) {
    this.cancel = cancel;
  }
}
