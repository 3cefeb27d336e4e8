package io.xenmigration.xapisim.model;

import static io.xenmigration.xapisim.model.Records.fields;
import static io.xenmigration.xapisim.model.Records.refs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A host of a simulated pool, with its metrics, control domain, PIFs and PBDs. */
public final class SimHost extends XObject {

  public String nameLabel;
  public String address;
  public boolean enabled = true;
  public long memoryTotal;

  /** Memory Xen keeps for itself, never available to guests. */
  public long memoryOverhead = 512L << 20;

  public int cpuCount = 16;

  /** The CPU vendor ({@code cpu_info["vendor"]}): a VM moves only between hosts of one vendor. */
  public String cpuVendor = "GenuineIntel";

  /**
   * The CPU features the host offers guests ({@code cpu_info["features_hvm"]}, in xapi's hex
   * words): a VM moves only to a host offering every feature it booted with.
   */
  public String cpuFeatures = CpuFeatures.INTEL_DEFAULT;

  public String productVersion = "8.2.1";
  public String platformVersion = "3.2.1";

  /**
   * The version of xapi itself ({@code software_version["xapi_build"]}): which parameters and
   * behaviours the host's calls have. 1.249 is XCP-ng 8.2's.
   */
  public String xapiVersion = "1.249.32";

  /**
   * Whether a toolstack restart enables this host again: true unless it was disabled with {@code
   * auto_enable=false}, which xapi 25.31.0 and later accept.
   */
  public boolean autoEnable = true;

  /** Disabled until the next reboot (after an update that needs one): enable refuses. */
  public boolean disabledUntilReboot;

  /** Still starting up: enable refuses with HOST_STILL_BOOTING. */
  public boolean booting;

  public final SimHostMetrics metrics;
  public SimVm controlDomain;
  public final Set<SimVm> residentVms = new LinkedHashSet<>();
  public final List<SimPif> pifs = new ArrayList<>();
  public final List<SimPbd> pbds = new ArrayList<>();

  /** Running operations on this host: task → operation, such as {@code vm_migrate}. */
  public final Map<SimTask, String> currentOperations = new LinkedHashMap<>();

  /** Memory promised to incoming migrations: task → bytes. */
  public final Map<SimTask, Long> reservations = new LinkedHashMap<>();

  public SimHost(SimPool pool) {
    super(pool);
    this.metrics = new SimHostMetrics(pool, this);
  }

  @Override
  public XClass xclass() {
    return XClass.HOST;
  }

  @Override
  public String nameLabel() {
    return nameLabel;
  }

  /**
   * What {@code host.compute_free_memory} answers: free memory if every resident guest were
   * squeezed to its dynamic minimum, the figure xapi's evacuation planner packs against.
   */
  public long squeezedFreeMemory() {
    long squeezable = 0;
    for (SimVm vm : residentVms) {
      squeezable += Math.max(0, vm.memoryDynamicMax - vm.memoryDynamicMin);
    }
    return Math.min(memoryTotal, freeMemory() + squeezable);
  }

  /**
   * Host operations, as xapi's {@code host_allowed_operations}: those that bring VMs in
   * ("creating") and those that empty or stop the host ("removing") exclude each other.
   */
  public static final List<String> OPERATIONS =
      List.of(
          "provision",
          "evacuate",
          "shutdown",
          "reboot",
          "power_on",
          "vm_start",
          "vm_resume",
          "vm_migrate",
          "apply_updates",
          "enable");

  private static final Set<String> CREATING = Set.of("provision", "vm_resume", "vm_migrate");
  private static final Set<String> REMOVING = Set.of("evacuate", "reboot", "shutdown");
  private static final Set<String> EXCLUSIVE = Set.of("reboot", "shutdown", "apply_updates");

  /**
   * Why an operation may not start on this host now, as xapi's {@code valid_operations} says it
   * (the code and its parameters), or null when it may.
   */
  public List<String> operationError(String operation) {
    List<String> running = new ArrayList<>(new LinkedHashSet<>(currentOperations.values()));
    if (CREATING.contains(operation)) {
      for (String op : running) {
        if (REMOVING.contains(op)) {
          return List.of("OTHER_OPERATION_IN_PROGRESS", "host", ref, op);
        }
      }
    }
    if (REMOVING.contains(operation)) {
      for (String op : running) {
        if (CREATING.contains(op)) {
          return List.of("OTHER_OPERATION_IN_PROGRESS", "host", ref, op);
        }
      }
    }
    if (EXCLUSIVE.contains(operation)) {
      if (!running.isEmpty()) {
        return List.of("OTHER_OPERATION_IN_PROGRESS", "host", ref, running.get(0));
      }
      if (enabled) {
        return List.of("HOST_NOT_DISABLED");
      }
    }
    if (operation.equals("provision") && running.contains("provision")) {
      return List.of("OTHER_OPERATION_IN_PROGRESS", "host", ref, "provision");
    }
    if (operation.equals("power_on")) {
      if (metrics.live) {
        return List.of("HOST_IS_LIVE", ref);
      }
      return List.of("HOST_POWER_ON_MODE_DISABLED");
    }
    return null;
  }

  /**
   * A toolstack restart: the host comes back enabled unless it was disabled for good ({@code
   * auto_enable=false}) or until a reboot. Returns whether it was enabled again.
   */
  public boolean restartToolstack() {
    if (enabled || !autoEnable || disabledUntilReboot) {
      return false;
    }
    enabled = true;
    return true;
  }

  /** Memory free for a new guest: total less Xen, resident guests and reservations. */
  public long freeMemory() {
    long used = memoryOverhead;
    for (SimVm vm : residentVms) {
      used += vm.memoryFootprint();
    }
    for (long reserved : reservations.values()) {
      used += reserved;
    }
    return Math.max(0, memoryTotal - used);
  }

  /** The IP of this host's PIF on a network, or null. */
  public SimPif pifOn(SimNetwork network) {
    for (SimPif pif : pifs) {
      if (pif.network == network) {
        return pif;
      }
    }
    return null;
  }

  /** Whether this host has an attached PBD for the SR. */
  public boolean sees(SimSr sr) {
    for (SimPbd pbd : pbds) {
      if (pbd.sr == sr && pbd.currentlyAttached) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Map<String, Object> record() {
    Map<String, String> software = new LinkedHashMap<>();
    software.put("product_version", productVersion);
    software.put("product_brand", "XCP-ng");
    software.put("platform_name", "XCP");
    software.put("platform_version", platformVersion);
    software.put("xapi", "1.20");
    software.put("xapi_build", xapiVersion);
    software.put("xen", "4.13.5");
    software.put("build_number", "release/yangtze/master/58");
    software.put("hostname", nameLabel);
    Map<String, String> cpuInfo = new LinkedHashMap<>();
    cpuInfo.put("cpu_count", Integer.toString(cpuCount));
    cpuInfo.put("socket_count", "2");
    cpuInfo.put("vendor", cpuVendor);
    cpuInfo.put("speed", "2600.000");
    cpuInfo.put(
        "modelname",
        cpuVendor.equals("AuthenticAMD")
            ? "AMD EPYC 7302 16-Core Processor"
            : "Intel(R) Xeon(R) CPU E5-2650 v2 @ 2.60GHz");
    cpuInfo.put("features", "1fbee3ff-bfebfbff-00000001-2c100800");
    cpuInfo.put("features_pv", cpuFeatures);
    cpuInfo.put("features_hvm", cpuFeatures);
    cpuInfo.put("features_pv_host", cpuFeatures);
    cpuInfo.put("features_hvm_host", cpuFeatures);
    List<String> allowed = new ArrayList<>();
    for (String operation : OPERATIONS) {
      if (operationError(operation) == null) {
        allowed.add(operation);
      }
    }
    return fields(
        "uuid", uuid,
        "name_label", nameLabel,
        "name_description", "",
        "memory_overhead", memoryOverhead,
        "allowed_operations", allowed,
        "current_operations", Records.byRef(currentOperations),
        "API_version_major", (long) SimPool.API_VERSION_MAJOR,
        "API_version_minor", (long) SimPool.API_VERSION_MINOR,
        "API_version_vendor", "XenSource",
        "API_version_vendor_implementation", Map.of(),
        "enabled", enabled,
        "software_version", software,
        "other_config", otherConfig,
        "capabilities", List.of("xen-3.0-x86_64", "hvm-3.0-x86_64"),
        "cpu_configuration", Map.of(),
        "sched_policy", "credit",
        "supported_bootloaders", List.of("pygrub", "eliloader"),
        "resident_VMs", refs(residentVms),
        "logging", Map.of(),
        "PIFs", refs(pifs),
        "suspend_image_sr", refOf(pool.defaultSr),
        "crash_dump_sr", refOf(pool.defaultSr),
        "crashdumps", List.of(),
        "patches", List.of(),
        "updates", List.of(),
        "PBDs", refs(pbds),
        "host_CPUs", List.of(),
        "cpu_info", cpuInfo,
        "hostname", nameLabel,
        "address", address,
        "metrics", metrics.ref,
        "license_params", Map.of(),
        "ha_statefiles", List.of(),
        "ha_network_peers", List.of(),
        "blobs", Map.of(),
        "tags", List.of(),
        "external_auth_type", "",
        "external_auth_service_name", "",
        "external_auth_configuration", Map.of(),
        "edition", "xcp-ng",
        "license_server", Map.of(),
        "bios_strings", Map.of(),
        "power_on_mode", "",
        "power_on_config", Map.of(),
        "local_cache_sr", XObject.NULL_REF,
        "chipset_info", Map.of("iommu", "true"),
        "PCIs", List.of(),
        "PGPUs", List.of(),
        "PUSBs", List.of(),
        "ssl_legacy", false,
        "guest_VCPUs_params", Map.of(),
        "display", "enabled",
        "virtual_hardware_platform_versions", List.of(0L, 1L, 2L),
        "control_domain", refOf(controlDomain),
        "updates_requiring_reboot", List.of(),
        "features", List.of(),
        "iscsi_iqn", "",
        "multipathing", false,
        "uefi_certificates", "");
  }
}
