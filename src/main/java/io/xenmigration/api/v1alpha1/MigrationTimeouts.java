package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Limits after which a running migration is cancelled and rolled back. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MigrationTimeouts {

  /** Default for {@link #getProgressSeconds()}. */
  public static final int DEFAULT_PROGRESS_SECONDS = 150;

  @Min(30)
  @Max(604800)
  @JsonPropertyDescription(
      "Longest time, in seconds, the migration may run in all. Default: 150 s per GiB of VM"
          + " memory plus disks to copy, and at least 300 s.")
  private Integer completionSeconds;

  @Default("" + DEFAULT_PROGRESS_SECONDS)
  @Min(10)
  @Max(86400)
  @JsonPropertyDescription(
      "Longest time, in seconds, the migration may go without progress before it is aborted.")
  private Integer progressSeconds;

  public Integer getCompletionSeconds() {
    return completionSeconds;
  }

  public void setCompletionSeconds(Integer completionSeconds) {
    this.completionSeconds = completionSeconds;
  }

  public Integer getProgressSeconds() {
    return progressSeconds;
  }

  public void setProgressSeconds(Integer progressSeconds) {
    this.progressSeconds = progressSeconds;
  }
}
