package io.xenmigration.xapisim.model;

import static io.xenmigration.xapisim.model.Records.fields;
import static io.xenmigration.xapisim.model.Records.refs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A network of a pool, reached through a PIF on each host. */
public final class SimNetwork extends XObject {

  public String nameLabel;
  public String bridge;
  public final List<SimPif> pifs = new ArrayList<>();
  public final List<SimVif> vifs = new ArrayList<>();

  public SimNetwork(SimPool pool) {
    super(pool);
  }

  @Override
  public XClass xclass() {
    return XClass.NETWORK;
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
        List.of(),
        "current_operations",
        Map.of(),
        "VIFs",
        refs(vifs),
        "PIFs",
        refs(pifs),
        "MTU",
        1500L,
        "other_config",
        otherConfig,
        "bridge",
        bridge,
        "managed",
        true,
        "blobs",
        Map.of(),
        "tags",
        List.of(),
        "default_locking_mode",
        "unlocked",
        "assigned_ips",
        Map.of(),
        "purpose",
        List.of());
  }
}
