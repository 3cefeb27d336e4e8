package io.xenmigration.xapisim.model;

import static io.xenmigration.xapisim.model.Records.fields;

import java.time.Instant;
import java.util.Map;

/** A login session; valid until logout or until a fault expires it. */
public final class SimSession extends XObject {

  public final String username;
  public final Instant lastActive;

  /** Who logged in, as the login named itself (xapi's originator); empty when it did not. */
  public final String originator;

  public boolean valid = true;

  /**
   * The classes this session registered for the legacy {@code event.next}, or null before its first
   * {@code event.register}/{@code unregister} (xapi: SESSION_NOT_REGISTERED until then).
   */
  public java.util.Set<String> legacyClasses;

  /** The id of the last event {@code event.next} delivered, or that registration started at. */
  public long legacyCursor;

  public SimSession(SimPool pool, String username, Instant lastActive) {
    this(pool, username, lastActive, "");
  }

  public SimSession(SimPool pool, String username, Instant lastActive, String originator) {
    super(pool);
    this.username = username;
    this.lastActive = lastActive;
    this.originator = originator;
  }

  @Override
  public XClass xclass() {
    return XClass.SESSION;
  }

  @Override
  public Map<String, Object> record() {
    return fields(
        "uuid",
        uuid,
        "this_host",
        pool.master.ref,
        "this_user",
        "OpaqueRef:NULL",
        "last_active",
        lastActive,
        "pool",
        false,
        "other_config",
        otherConfig,
        "is_local_superuser",
        true,
        "subject",
        "OpaqueRef:NULL",
        "validation_time",
        lastActive,
        "auth_user_sid",
        "",
        "auth_user_name",
        username,
        "rbac_permissions",
        java.util.List.of(),
        "tasks",
        java.util.List.of(),
        "parent",
        "OpaqueRef:NULL",
        "originator",
        originator);
  }
}
