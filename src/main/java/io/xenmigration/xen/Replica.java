package io.xenmigration.xen;

import java.util.UUID;

/**
 * This replica's name, the same in its Lease and in every session it opens with a pool: the pod's
 * {@code HOSTNAME}, or outside a pod a UUID made once at start.
 */
public final class Replica {

  /** This replica's name. */
  public static final String NAME = name(System.getenv("HOSTNAME"));

  /**
   * The originator of this replica's sessions: xapi keeps it in each session's record, so an
   * administrator can tell which replica holds a session, and whose calls a pool answered.
   */
  public static final String ORIGINATOR = "xen-migration-operator/" + NAME;

  private Replica() {}

  static String name(String hostname) {
    return hostname == null || hostname.isBlank() ? UUID.randomUUID().toString() : hostname;
  }
}
