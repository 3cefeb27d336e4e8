package io.xenmigration.xapisim.model;

import static io.xenmigration.xapisim.model.Records.fields;
import static io.xenmigration.xapisim.model.Records.refs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A storage repository: shared (NFS-like, seen by every host) or local to one host. */
public final class SimSr extends XObject {

  public String nameLabel;
  public String type = "nfs";
  public boolean shared = true;
  public long physicalSize = 4L << 40;
  public final List<SimPbd> pbds = new ArrayList<>();
  public final List<SimVdi> vdis = new ArrayList<>();

  public SimSr(SimPool pool) {
    super(pool);
  }

  @Override
  public XClass xclass() {
    return XClass.SR;
  }

  /** Bytes allocated to VDIs on this SR. */
  public long virtualAllocation() {
    long total = 0;
    for (SimVdi vdi : vdis) {
      total += vdi.virtualSize;
    }
    return total;
  }

  @Override
  public Map<String, Object> record() {
    return fields(
        "uuid",
        uuid,
        "name_label",
        nameLabel,
        "name_description",
        "",
        "allowed_operations",
        List.of("vdi_create", "vdi_destroy", "vdi_snapshot", "vdi_mirror", "scan"),
        "current_operations",
        Map.of(),
        "VDIs",
        refs(vdis),
        "PBDs",
        refs(pbds),
        "virtual_allocation",
        virtualAllocation(),
        "physical_utilisation",
        virtualAllocation() / 2,
        "physical_size",
        physicalSize,
        "type",
        type,
        "content_type",
        "user",
        "shared",
        shared,
        "other_config",
        otherConfig,
        "tags",
        List.of(),
        "sm_config",
        Map.of(),
        "blobs",
        Map.of(),
        "local_cache_enabled",
        false,
        "introduced_by",
        NULL_REF,
        "clustered",
        false,
        "is_tools_sr",
        false);
  }
}
