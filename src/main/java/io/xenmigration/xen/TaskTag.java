package io.xenmigration.xen;

import java.util.Objects;

/**
 * The mark the operator puts on the XenAPI tasks it starts, in their {@code other_config}, as
 * XenCenter marks its own ({@code XenCenterUUID}): one value per attempt of one LiveMigration, so
 * that a task carrying it can only be that attempt's, and a task without it is never cancelled or
 * destroyed by the operator.
 *
 * @param value {@code <LiveMigration uid>/<attempt>/<random>[/<seal>]}
 */
public record TaskTag(String value) {

  /** The {@code other_config} key. */
  public static final String KEY = "xenmigration.io/attempt";

  public TaskTag {
    Objects.requireNonNull(value);
    if (value.isBlank()) {
      throw new IllegalArgumentException("an empty task tag");
    }
  }

  /** The tag of one attempt of a migration (by the LiveMigration's uid). */
  public static TaskTag of(String migrationUid, int attempt, String nonce) {
    return new TaskTag(migrationUid + "/" + attempt + "/" + nonce);
  }

  /**
   * The tag of one attempt, sealed with a digest of the facts its rollback would act on (see {@code
   * migration/DiskSeal}): the task keeps them where a status writer cannot change them.
   */
  public static TaskTag of(String migrationUid, int attempt, String nonce, String seal) {
    return new TaskTag(migrationUid + "/" + attempt + "/" + nonce + "/" + seal);
  }

  /** The seal the tag carries, or null for a tag without one. */
  public String seal() {
    String[] parts = value.split("/", -1);
    return parts.length == 4 && !parts[3].isEmpty() ? parts[3] : null;
  }

  /** Whether this tag was made for the migration with this uid. */
  public boolean belongsTo(String migrationUid) {
    return migrationUid != null && value.startsWith(migrationUid + "/");
  }
}
