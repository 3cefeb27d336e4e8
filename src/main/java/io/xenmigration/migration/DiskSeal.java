package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.MigrationMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * A digest of the facts a rollback destroys disks by (the mode, the VM, the host it was sent to,
 * the SR its disks were copied to, the lookalikes that were there before), put in the tag of the
 * attempt's task when it starts. Whoever can write a LiveMigration's status can change those facts
 * there but not on the task in the pool, so a rollback destroys a disk only when the status still
 * matches the seal of a task that carries it.
 */
final class DiskSeal {

  /** Hex digits kept: 128 bits, far past any search for other facts with the same seal. */
  private static final int LENGTH = 32;

  private DiskSeal() {}

  /** The seal of these facts; {@code existing} may be null (not recorded) or in any order. */
  static String of(
      MigrationMode mode,
      String vmUuid,
      String hostUuid,
      String destinationSrUuid,
      Collection<String> existing) {
    List<String> sorted = existing == null ? null : new ArrayList<>(existing);
    if (sorted != null) {
      sorted.sort(null);
    }
    String facts =
        String.join(
            "\n",
            String.valueOf(mode),
            String.valueOf(vmUuid),
            String.valueOf(hostUuid),
            String.valueOf(destinationSrUuid),
            sorted == null ? "-" : String.join(",", sorted));
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(facts.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Whether a seal was made of exactly these facts; a missing seal proves nothing. */
  static boolean matches(
      String seal,
      MigrationMode mode,
      String vmUuid,
      String hostUuid,
      String destinationSrUuid,
      Collection<String> existing) {
    return seal != null
        && MessageDigest.isEqual(
            seal.getBytes(StandardCharsets.US_ASCII),
            of(mode, vmUuid, hostUuid, destinationSrUuid, existing)
                .getBytes(StandardCharsets.US_ASCII));
  }
}
