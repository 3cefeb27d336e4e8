package io.xenmigration.xapisim.model;

import static io.xenmigration.xapisim.model.Records.fields;
import static io.xenmigration.xapisim.model.Records.refs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A virtual disk image on an SR. */
public final class SimVdi extends XObject {

  public String nameLabel;
  public String nameDescription = "";

  /** The VDI type: {@code user} for guests' disks, {@code system}, {@code suspend}, ... */
  public String type = "user";

  public boolean sharable;
  public boolean readOnly;
  public final Map<String, String> xenstoreData = new LinkedHashMap<>();
  public final List<String> tags = new ArrayList<>();
  public SimSr sr;
  public long virtualSize = 20L << 30;
  public boolean isASnapshot;
  public boolean cbtEnabled;
  public String onBoot = "persist";
  public final List<SimVbd> vbds = new ArrayList<>();

  /**
   * What the storage manager records about the VDI. xapi marks the VDIs a storage migration creates
   * on the destination with {@code base_mirror = <source SR uuid>/<source VDI location>} ({@code
   * storage_smapiv1_migrate.ml}, {@code receive_start_common}); while a host has it attached for
   * the mirror, {@code host_<host ref> = RW}.
   */
  public final Map<String, String> smConfig = new LinkedHashMap<>();

  /** Operations running on the VDI: task ref → operation. */
  public final Map<String, String> currentOperations = new LinkedHashMap<>();

  /** The VDI this one is a snapshot of, or null. */
  public SimVdi snapshotOf;

  /**
   * The migration task whose storage mirror created this VDI, or null: bookkeeping for tests (which
   * VDIs a failed attempt made), not part of its XenAPI record.
   */
  public String createdByTask;

  public SimVdi(SimPool pool) {
    super(pool);
  }

  @Override
  public XClass xclass() {
    return XClass.VDI;
  }

  @Override
  public Map<String, Object> record() {
    return fields(
        "uuid",
        uuid,
        "name_label",
        nameLabel,
        "name_description",
        nameDescription,
        "allowed_operations",
        List.of("clone", "copy", "snapshot", "mirror", "resize"),
        "current_operations",
        currentOperations,
        "SR",
        refOf(sr),
        "VBDs",
        refs(vbds),
        "crash_dumps",
        List.of(),
        "virtual_size",
        virtualSize,
        "physical_utilisation",
        virtualSize / 2,
        "type",
        type,
        "sharable",
        sharable,
        "read_only",
        readOnly,
        "other_config",
        otherConfig,
        "storage_lock",
        false,
        "location",
        uuid,
        "managed",
        true,
        "missing",
        false,
        "parent",
        NULL_REF,
        "xenstore_data",
        xenstoreData,
        "sm_config",
        smConfig,
        "is_a_snapshot",
        isASnapshot,
        "snapshot_of",
        refOf(snapshotOf),
        "snapshots",
        List.of(),
        "snapshot_time",
        Instant.EPOCH,
        "tags",
        tags,
        "allow_caching",
        false,
        "on_boot",
        onBoot,
        "metadata_of_pool",
        NULL_REF,
        "metadata_latest",
        false,
        "is_tools_iso",
        false,
        "cbt_enabled",
        cbtEnabled);
  }
}
