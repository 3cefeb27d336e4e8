package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Concurrency ceilings for one pool; the operator never runs more migrations than these allow. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PoolLimits {

  /** Default for {@link #getMaxParallelMigrations()}. */
  public static final int DEFAULT_MAX_PARALLEL_MIGRATIONS = 5;

  /** Default for {@link #getMaxParallelPerHost()}. */
  public static final int DEFAULT_MAX_PARALLEL_PER_HOST = 2;

  /** Default for {@link #getMaxInboundPerHost()}. */
  public static final int DEFAULT_MAX_INBOUND_PER_HOST = 2;

  /**
   * xapi refuses a fourth concurrent storage migration on a host with TOO_MANY_STORAGE_MIGRATES, so
   * this is both the default and the ceiling.
   */
  public static final int XAPI_MAX_STORAGE_MIGRATIONS_PER_HOST = 3;

  @Default("" + DEFAULT_MAX_PARALLEL_MIGRATIONS)
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Migrations running at once in the whole pool.")
  private Integer maxParallelMigrations;

  @Default("" + DEFAULT_MAX_PARALLEL_PER_HOST)
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Migrations leaving one source host at once.")
  private Integer maxParallelPerHost;

  @Default("" + DEFAULT_MAX_INBOUND_PER_HOST)
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Migrations arriving at one destination host at once.")
  private Integer maxInboundPerHost;

  @Default("" + XAPI_MAX_STORAGE_MIGRATIONS_PER_HOST)
  @Min(1)
  @Max(XAPI_MAX_STORAGE_MIGRATIONS_PER_HOST)
  @JsonPropertyDescription(
      "Migrations that copy disks, at once, per host. xapi itself allows at most 3.")
  private Integer maxStorageMigrationsPerHost;

  public Integer getMaxParallelMigrations() {
    return maxParallelMigrations;
  }

  public void setMaxParallelMigrations(Integer maxParallelMigrations) {
    this.maxParallelMigrations = maxParallelMigrations;
  }

  public Integer getMaxParallelPerHost() {
    return maxParallelPerHost;
  }

  public void setMaxParallelPerHost(Integer maxParallelPerHost) {
    this.maxParallelPerHost = maxParallelPerHost;
  }

  public Integer getMaxInboundPerHost() {
    return maxInboundPerHost;
  }

  public void setMaxInboundPerHost(Integer maxInboundPerHost) {
    this.maxInboundPerHost = maxInboundPerHost;
  }

  public Integer getMaxStorageMigrationsPerHost() {
    return maxStorageMigrationsPerHost;
  }

  public void setMaxStorageMigrationsPerHost(Integer maxStorageMigrationsPerHost) {
    this.maxStorageMigrationsPerHost = maxStorageMigrationsPerHost;
  }
}
