package io.xenmigration.xapisim.model;

import static io.xenmigration.xapisim.model.Records.fields;
import static io.xenmigration.xapisim.model.Records.refs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A VM, template, snapshot or control domain of a simulated pool. */
public final class SimVm extends XObject {

  public String nameLabel;
  public String powerState = "Running";
  public SimHost residentOn;
  public SimHost affinity;
  public boolean isATemplate;
  public boolean isDefaultTemplate;
  public boolean isASnapshot;
  public SimVm snapshotOf;
  public boolean isControlDomain;
  public long memoryStaticMin = 512L << 20;
  public long memoryStaticMax = 2L << 30;
  public long memoryDynamicMin = 2L << 30;
  public long memoryDynamicMax = 2L << 30;
  public long memoryOverhead = 20L << 20;
  public long vcpusMax = 2;
  public long domid = -1;
  public long hardwarePlatformVersion;

  /** Pages the guest dirties per second while its memory is copied (simulation only). */
  public long dirtyBytesPerSecond;

  /**
   * The CPU the VM last booted with ({@code last_boot_CPU_flags}: {@code vendor}, {@code
   * features}); it may move only to hosts of that vendor offering those features.
   */
  public final Map<String, String> lastBootCpuFlags = new LinkedHashMap<>();

  public final List<SimVbd> vbds = new ArrayList<>();
  public final List<SimVif> vifs = new ArrayList<>();
  public final List<SimVm> snapshots = new ArrayList<>();

  /** Running operations on this VM: task → operation, such as {@code pool_migrate}. */
  public final Map<SimTask, String> currentOperations = new LinkedHashMap<>();

  /** Operations refused with OPERATION_BLOCKED: operation → reason. */
  public final Map<String, String> blockedOperations = new LinkedHashMap<>();

  /** HA restart priority: {@code restart} protects the VM, "" and {@code best-effort} do not. */
  public String haRestartPriority = "";

  /**
   * A PCI device passed through to the guest: it cannot move (VM_HAS_PCI_ATTACHED). The simulator
   * has no PCI objects, so {@code attached_PCIs} stays empty.
   */
  public boolean pciAttached;

  /** A virtual GPU: the VM cannot move (VM_HAS_VGPU); no VGPU objects are modelled. */
  public boolean vgpuAttached;

  public SimVm(SimPool pool) {
    super(pool);
  }

  /** The same VM arriving in another pool: a new ref, the same UUID. */
  public SimVm(SimPool pool, String uuid) {
    super(pool, uuid);
  }

  @Override
  public XClass xclass() {
    return XClass.VM;
  }

  @Override
  public String nameLabel() {
    return nameLabel;
  }

  /** Memory this VM takes on its host while running: its target plus Xen's overhead. */
  public long memoryFootprint() {
    return memoryDynamicMax + memoryOverhead;
  }

  /** Whether this is an ordinary VM: not a template, snapshot or control domain. */
  public boolean isOrdinary() {
    return !isATemplate && !isASnapshot && !isControlDomain;
  }

  @Override
  public Map<String, Object> record() {
    List<String> allowed = new ArrayList<>();
    if (currentOperations.isEmpty() && isOrdinary()) {
      switch (powerState) {
        case "Running" ->
            allowed.addAll(
                List.of(
                    "pool_migrate",
                    "migrate_send",
                    "clean_shutdown",
                    "hard_shutdown",
                    "clean_reboot",
                    "hard_reboot",
                    "suspend",
                    "pause",
                    "snapshot",
                    "checkpoint"));
        case "Halted" ->
            allowed.addAll(
                List.of(
                    "start",
                    "start_on",
                    "migrate_send",
                    "destroy",
                    "export",
                    "snapshot",
                    "clone",
                    "copy"));
        case "Suspended" -> allowed.addAll(List.of("resume", "resume_on", "migrate_send"));
        case "Paused" -> allowed.addAll(List.of("unpause", "hard_shutdown", "hard_reboot"));
        default -> {}
      }
      allowed.removeAll(blockedOperations.keySet());
    }
    Map<String, String> current = Records.byRef(currentOperations);
    return fields(
        "uuid",
        uuid,
        "allowed_operations",
        allowed,
        "current_operations",
        current,
        "power_state",
        powerState,
        "name_label",
        nameLabel,
        "name_description",
        "",
        "user_version",
        1L,
        "is_a_template",
        isATemplate,
        "is_default_template",
        isDefaultTemplate,
        "suspend_VDI",
        NULL_REF,
        "resident_on",
        refOf(residentOn),
        "affinity",
        refOf(affinity),
        "memory_overhead",
        memoryOverhead,
        "memory_target",
        "Running".equals(powerState) ? memoryDynamicMax : 0L,
        "memory_static_max",
        memoryStaticMax,
        "memory_dynamic_max",
        memoryDynamicMax,
        "memory_dynamic_min",
        memoryDynamicMin,
        "memory_static_min",
        memoryStaticMin,
        "VCPUs_params",
        Map.of(),
        "VCPUs_max",
        vcpusMax,
        "VCPUs_at_startup",
        vcpusMax,
        "actions_after_shutdown",
        "destroy",
        "actions_after_reboot",
        "restart",
        "actions_after_crash",
        "restart",
        "consoles",
        List.of(),
        "VIFs",
        refs(vifs),
        "VBDs",
        refs(vbds),
        "VUSBs",
        List.of(),
        "crash_dumps",
        List.of(),
        "VTPMs",
        List.of(),
        "PV_bootloader",
        "",
        "PV_kernel",
        "",
        "PV_ramdisk",
        "",
        "PV_args",
        "",
        "PV_bootloader_args",
        "",
        "PV_legacy_args",
        "",
        "HVM_boot_policy",
        isControlDomain ? "" : "BIOS order",
        "HVM_boot_params",
        Map.of("order", "cdn"),
        "HVM_shadow_multiplier",
        1.0,
        "platform",
        Map.of("viridian", "true", "acpi", "1", "apic", "true", "pae", "true"),
        "PCI_bus",
        "",
        "other_config",
        otherConfig,
        "domid",
        domid,
        "domarch",
        "",
        "last_boot_CPU_flags",
        lastBootCpuFlags,
        "is_control_domain",
        isControlDomain,
        "metrics",
        NULL_REF,
        "guest_metrics",
        NULL_REF,
        "last_booted_record",
        "",
        "recommendations",
        "",
        "xenstore_data",
        Map.of(),
        "ha_always_run",
        "restart".equals(haRestartPriority),
        "ha_restart_priority",
        haRestartPriority,
        "is_a_snapshot",
        isASnapshot,
        "snapshot_of",
        refOf(snapshotOf),
        "snapshots",
        refs(snapshots),
        "snapshot_time",
        java.time.Instant.EPOCH,
        "transportable_snapshot_id",
        "",
        "blobs",
        Map.of(),
        "tags",
        List.of(),
        "blocked_operations",
        blockedOperations,
        "snapshot_info",
        Map.of(),
        "snapshot_metadata",
        "",
        "parent",
        NULL_REF,
        "children",
        List.of(),
        "bios_strings",
        Map.of(),
        "protection_policy",
        NULL_REF,
        "is_snapshot_from_vmpp",
        false,
        "snapshot_schedule",
        NULL_REF,
        "is_vmss_snapshot",
        false,
        "appliance",
        NULL_REF,
        "start_delay",
        0L,
        "shutdown_delay",
        0L,
        "order",
        0L,
        "VGPUs",
        List.of(),
        "attached_PCIs",
        List.of(),
        "suspend_SR",
        NULL_REF,
        "version",
        0L,
        "generation_id",
        "",
        "hardware_platform_version",
        hardwarePlatformVersion,
        "has_vendor_device",
        false,
        "requires_reboot",
        false,
        "reference_label",
        "",
        "domain_type",
        isControlDomain ? "pv" : "hvm",
        "NVRAM",
        Map.of());
  }
}
