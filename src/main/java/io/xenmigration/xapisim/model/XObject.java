package io.xenmigration.xapisim.model;

import java.util.Map;
import java.util.UUID;

/** One object of a simulated pool: a ref, a UUID and the record xapi would return for it. */
public abstract class XObject {

  /** xapi's null reference. */
  public static final String NULL_REF = "OpaqueRef:NULL";

  public final String ref;
  public final String uuid;
  public final SimPool pool;

  /** The {@code other_config} map: every class the simulator serves has one. */
  public final Map<String, String> otherConfig = new java.util.LinkedHashMap<>();

  protected XObject(SimPool pool) {
    this(pool, UUID.randomUUID().toString());
  }

  /** An object that keeps a UUID it had elsewhere, as a VM does across pools. */
  protected XObject(SimPool pool, String uuid) {
    this.pool = pool;
    this.uuid = uuid;
    this.ref = "OpaqueRef:" + UUID.randomUUID();
  }

  /** The XenAPI class of this object. */
  public abstract XClass xclass();

  /** The record as {@code <class>.get_record} returns it, with xapi's field names. */
  public abstract Map<String, Object> record();

  /**
   * The name-label, or null for a class without one. Classes looked up by name often answer from
   * their field: building a whole record per object made {@code get_by_name_label} in a pool of a
   * thousand VMs cost more than everything else the simulator does.
   */
  public String nameLabel() {
    return record().get("name_label") instanceof String label ? label : null;
  }

  /** A ref field's wire value: the ref, or {@code OpaqueRef:NULL}. */
  protected static String refOf(XObject object) {
    return object == null ? NULL_REF : object.ref;
  }
}
