package io.xenmigration.xapisim.model;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** One simulated pool: its objects, sessions, tasks, events and credentials. */
public final class SimPool extends XObject {

  /** The API version the SDK 8.1.0 knows best (Citrix Hypervisor 8.1). */
  public static final int API_VERSION_MAJOR = 2;

  public static final int API_VERSION_MINOR = 14;

  public final SimWorld world;
  public final String nameLabel;
  public String username = "root";
  public String password = "password";
  public SimHost master;
  public SimSr defaultSr;
  public SimNetwork managementNetwork;

  /** High availability on: evacuations keep to HA-protected VMs' plans. */
  public boolean haEnabled;

  /**
   * What the pool's licence restricts ({@code pool.restrictions}): {@code restrict_xen_motion}
   * refuses {@code pool_migrate}, {@code restrict_storage_xen_motion} storage migrations.
   */
  public final Map<String, String> restrictions = new LinkedHashMap<>();

  public final EventLog events = new EventLog();
  private final Map<String, XObject> objects = new HashMap<>();
  private final Map<XClass, Map<String, XObject>> byClass = new EnumMap<>(XClass.class);
  private final Map<String, XObject> byUuid = new HashMap<>();

  SimPool(SimWorld world, String nameLabel) {
    super(null);
    this.world = world;
    this.nameLabel = nameLabel;
    for (XClass x : XClass.values()) {
      byClass.put(x, new LinkedHashMap<>());
    }
    restrictions.put("restrict_xen_motion", "false");
    restrictions.put("restrict_storage_xen_motion", "false");
    register(this);
  }

  @Override
  public XClass xclass() {
    return XClass.POOL;
  }

  /** Adds an object to the pool's tables and returns it. */
  public <T extends XObject> T register(T object) {
    objects.put(object.ref, object);
    byClass.get(object.xclass()).put(object.ref, object);
    byUuid.put(object.xclass() + "/" + object.uuid, object);
    world.index(object, this);
    return object;
  }

  /** Removes an object from the pool's tables; its ref then answers HANDLE_INVALID. */
  public void unregister(XObject object) {
    objects.remove(object.ref);
    byClass.get(object.xclass()).remove(object.ref);
    byUuid.remove(object.xclass() + "/" + object.uuid);
    world.unindex(object);
  }

  /** The object with this ref and class in this pool, or null. */
  @SuppressWarnings("unchecked")
  public <T extends XObject> T find(XClass xclass, String ref) {
    XObject object = objects.get(ref);
    return object != null && object.xclass() == xclass ? (T) object : null;
  }

  /** The object with this UUID and class, or null. */
  @SuppressWarnings("unchecked")
  public <T extends XObject> T findByUuid(XClass xclass, String uuid) {
    return (T) byUuid.get(xclass + "/" + uuid);
  }

  /** Every object of a class, in creation order. */
  @SuppressWarnings("unchecked")
  public <T extends XObject> List<T> all(XClass xclass) {
    return new ArrayList<>((java.util.Collection<T>) byClass.get(xclass).values());
  }

  /** How many objects of a class exist. */
  public int count(XClass xclass) {
    return byClass.get(xclass).size();
  }

  /** The storage manager driver of an SR type, made on first use as xapi registers each. */
  public SimSm sm(String type) {
    SimSm driver = findSm(type);
    return driver != null ? driver : register(new SimSm(this, type));
  }

  /** The driver of an SR type, or null when the pool has none. */
  public SimSm findSm(String type) {
    for (SimSm sm : this.<SimSm>all(XClass.SM)) {
      if (sm.type.equals(type)) {
        return sm;
      }
    }
    return null;
  }

  /** The host with this name-label, or null. */
  public SimHost host(String nameLabel) {
    for (SimHost host : this.<SimHost>all(XClass.HOST)) {
      if (Objects.equals(host.nameLabel, nameLabel)) {
        return host;
      }
    }
    return null;
  }

  /** The ordinary VM with this name-label, or null. */
  public SimVm vm(String nameLabel) {
    for (SimVm vm : this.<SimVm>all(XClass.VM)) {
      if (vm.isOrdinary() && Objects.equals(vm.nameLabel, nameLabel)) {
        return vm;
      }
    }
    return null;
  }

  /** The SR with this name-label, or null. */
  public SimSr sr(String nameLabel) {
    for (SimSr sr : this.<SimSr>all(XClass.SR)) {
      if (Objects.equals(sr.nameLabel, nameLabel)) {
        return sr;
      }
    }
    return null;
  }

  /**
   * The pool's CPU level ({@code pool.cpu_info}): the master's vendor and the features every host
   * offers, which is what a VM starting in the pool gets.
   */
  public Map<String, String> cpuInfo() {
    Map<String, String> info = new LinkedHashMap<>();
    int cpus = 0;
    String features = null;
    for (SimHost host : this.<SimHost>all(XClass.HOST)) {
      cpus += host.cpuCount;
      features =
          features == null
              ? host.cpuFeatures
              : CpuFeatures.intersection(features, host.cpuFeatures);
    }
    info.put("cpu_count", Integer.toString(cpus));
    info.put("vendor", master == null ? "GenuineIntel" : master.cpuVendor);
    if (features != null) {
      info.put("features_pv", features);
      info.put("features_hvm", features);
      info.put("features_pv_host", features);
      info.put("features_hvm_host", features);
    }
    return info;
  }

  @Override
  public Map<String, Object> record() {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("uuid", uuid);
    record.put("name_label", nameLabel);
    record.put("name_description", "");
    record.put("master", refOf(master));
    record.put("default_SR", refOf(defaultSr));
    record.put("suspend_image_SR", refOf(defaultSr));
    record.put("crash_dump_SR", refOf(defaultSr));
    record.put("other_config", otherConfig);
    record.put("ha_enabled", haEnabled);
    record.put("ha_configuration", Map.of());
    record.put("ha_statefiles", List.of());
    record.put("ha_host_failures_to_tolerate", 0L);
    record.put("ha_plan_exists_for", 0L);
    record.put("ha_allow_overcommit", false);
    record.put("ha_overcommitted", false);
    record.put("blobs", Map.of());
    record.put("tags", List.of());
    record.put("gui_config", Map.of());
    record.put("health_check_config", Map.of());
    record.put("wlb_url", "");
    record.put("wlb_username", "");
    record.put("wlb_enabled", false);
    record.put("wlb_verify_cert", false);
    record.put("redo_log_enabled", false);
    record.put("redo_log_vdi", NULL_REF);
    record.put("vswitch_controller", "");
    record.put("restrictions", restrictions);
    record.put("metadata_VDIs", List.of());
    record.put("ha_cluster_stack", "xhad");
    record.put(
        "allowed_operations", List.of(haEnabled ? "ha_disable" : "ha_enable", "cluster_create"));
    record.put("current_operations", Map.of());
    record.put("guest_agent_config", Map.of());
    record.put("cpu_info", cpuInfo());
    record.put("policy_no_vendor_device", false);
    record.put("live_patching_disabled", false);
    record.put("igmp_snooping_enabled", false);
    record.put("uefi_certificates", "");
    return record;
  }
}
