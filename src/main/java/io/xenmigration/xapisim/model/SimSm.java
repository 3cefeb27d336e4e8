package io.xenmigration.xapisim.model;

import static io.xenmigration.xapisim.model.Records.fields;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A storage manager driver, one per SR type ({@code SM}): its {@code features} say what SRs of that
 * type can do, and storage migration needs {@code VDI_SNAPSHOT} and {@code VDI_MIRROR} at both ends
 * ({@code xapi_vm_migrate.ml}, {@code assert_sr_support_operations}).
 */
public final class SimSm extends XObject {

  /** The features of XCP-ng 8.2's file and LVM drivers, with their versions. */
  private static final Map<String, Long> DEFAULT_FEATURES = defaults();

  public final String type;

  /** Feature → version, as xapi parses {@code VDI_MIRROR/2}. */
  public final Map<String, Long> features = new LinkedHashMap<>(DEFAULT_FEATURES);

  public SimSm(SimPool pool, String type) {
    super(pool);
    this.type = type;
  }

  private static Map<String, Long> defaults() {
    Map<String, Long> features = new LinkedHashMap<>();
    for (String feature :
        List.of(
            "SR_PROBE",
            "SR_UPDATE",
            "VDI_CREATE",
            "VDI_DELETE",
            "VDI_ATTACH",
            "VDI_DETACH",
            "VDI_UPDATE",
            "VDI_CLONE",
            "VDI_SNAPSHOT",
            "VDI_RESIZE",
            "VDI_MIRROR",
            "VDI_GENERATE_CONFIG",
            "VDI_CONFIG_CBT",
            "VDI_ACTIVATE",
            "VDI_DEACTIVATE",
            "ATOMIC_PAUSE")) {
      features.put(feature, 1L);
    }
    features.put("VDI_RESET_ON_BOOT", 2L);
    return features;
  }

  /** Whether the driver has a feature; {@code VDI_MIRROR} stands for {@code VDI_MIRROR_IN}. */
  public boolean has(String feature) {
    return features.containsKey(feature)
        || (feature.equals("VDI_MIRROR_IN") && features.containsKey("VDI_MIRROR"));
  }

  @Override
  public XClass xclass() {
    return XClass.SM;
  }

  @Override
  public String nameLabel() {
    return type;
  }

  @Override
  public Map<String, Object> record() {
    return fields(
        "uuid",
        uuid,
        "name_label",
        type,
        "name_description",
        "SR driver for " + type,
        "type",
        type,
        "vendor",
        "XCP-ng",
        "copyright",
        "",
        "version",
        "1.0",
        "required_api_version",
        "1.0",
        "configuration",
        Map.of(),
        "capabilities",
        new ArrayList<>(features.keySet()),
        "features",
        features,
        "other_config",
        otherConfig,
        "driver_filename",
        "/opt/xensource/sm/" + type.toUpperCase(java.util.Locale.ROOT) + "SR",
        "required_cluster_stack",
        List.of());
  }
}
