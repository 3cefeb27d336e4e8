package io.xenmigration.xapisim.api;

import io.xenmigration.xapisim.engine.MigrationEngine;
import io.xenmigration.xapisim.engine.MigrationEngine.Kind;
import io.xenmigration.xapisim.model.CpuFeatures;
import io.xenmigration.xapisim.model.SimHost;
import io.xenmigration.xapisim.model.SimNetwork;
import io.xenmigration.xapisim.model.SimPool;
import io.xenmigration.xapisim.model.SimSession;
import io.xenmigration.xapisim.model.SimSm;
import io.xenmigration.xapisim.model.SimSr;
import io.xenmigration.xapisim.model.SimTask;
import io.xenmigration.xapisim.model.SimVbd;
import io.xenmigration.xapisim.model.SimVdi;
import io.xenmigration.xapisim.model.SimVif;
import io.xenmigration.xapisim.model.SimVm;
import io.xenmigration.xapisim.model.XClass;
import io.xenmigration.xapisim.model.XObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * VM migration calls with xapi's checks in xapi's order ({@code xapi_vm_lifecycle.ml}, {@code
 * xapi_vm_helpers.ml}, {@code xapi_vm_migrate.ml}).
 */
final class VmCalls {

  /** The virtual hardware platform versions every simulated host supports. */
  private static final long MAX_HARDWARE_PLATFORM_VERSION = 2;

  private VmCalls() {}

  static void register(Dispatcher dispatcher) {
    dispatcher.add("VM.assert_can_boot_here", 2, 0, true, VmCalls::assertCanBootHere);
    // vgpu_map is the optional seventh argument of assert_can_migrate and migrate_send.
    dispatcher.add("VM.assert_can_migrate", 6, 1, true, c -> assertCanMigrate(c, plan(c)));
    dispatcher.add("VM.pool_migrate", 3, 0, true, c -> poolMigrate(c, dispatcher.engine));
    dispatcher.add("VM.migrate_send", 6, 1, true, c -> migrateSend(c, dispatcher.engine));
  }

  /** A {@code migrate_send} or {@code assert_can_migrate} request with its refs resolved. */
  private record Plan(
      SimVm vm,
      SimHost destination,
      boolean intraPool,
      Map<SimVdi, SimSr> vdiMap,
      Map<SimVif, SimNetwork> vifMap,
      Map<String, String> options) {}

  private static Plan plan(CallContext context) {
    SimVm vm = context.resolve(XClass.VM, 0);
    Map<String, String> dest = context.stringMap(1);
    context.bool(2);
    String hostRef = dest.get("host");
    if (hostRef == null) {
      throw new XapiError("INTERNAL_ERROR", "Missing key 'host' in the destination map");
    }
    XObject found = context.world().lookup(hostRef);
    if (!(found instanceof SimHost destination)) {
      throw new XapiError("HANDLE_INVALID", "host", hostRef);
    }
    SimPool target = destination.pool;
    boolean intraPool = target == vm.pool;
    if (!intraPool) {
      // The sender talks to the remote master with the session migrate_receive opened there.
      SimSession remote = target.find(XClass.SESSION, String.valueOf(dest.get("session_id")));
      if (remote == null || !remote.valid) {
        throw new XapiError("SESSION_INVALID", String.valueOf(dest.get("session_id")));
      }
    }
    Map<SimVdi, SimSr> vdiMap =
        resolveMap(context.stringMap(3), vm.pool, XClass.VDI, target, XClass.SR);
    Map<SimVif, SimNetwork> vifMap =
        resolveMap(context.stringMap(4), vm.pool, XClass.VIF, target, XClass.NETWORK);
    return new Plan(vm, destination, intraPool, vdiMap, vifMap, context.stringMap(5));
  }

  /** A map of refs as objects: keys from the sender's pool, values from the destination's. */
  private static <K extends XObject, V extends XObject> Map<K, V> resolveMap(
      Map<String, String> refs,
      SimPool keyPool,
      XClass keyClass,
      SimPool valuePool,
      XClass valueClass) {
    Map<K, V> resolved = new LinkedHashMap<>();
    refs.forEach(
        (key, value) ->
            resolved.put(
                CallContext.resolve(keyPool, keyClass, key),
                CallContext.resolve(valuePool, valueClass, value)));
    return resolved;
  }

  /** The check every VM operation passes first ({@code with_vm_operation}); first match wins. */
  private static void assertOperationAllowed(SimVm vm, String operation, String... powerStates) {
    String reason = vm.blockedOperations.get(operation);
    if (reason != null) {
      throw new XapiError("OPERATION_BLOCKED", vm.ref, reason);
    }
    String actual = vm.powerState.toLowerCase(java.util.Locale.ROOT);
    if (!java.util.Arrays.asList(powerStates).contains(actual)) {
      throw new XapiError("VM_BAD_POWER_STATE", vm.ref, String.join(",", powerStates), actual);
    }
    if (!vm.currentOperations.isEmpty()) {
      var running = vm.currentOperations.entrySet().iterator().next();
      throw new XapiError(
          "OTHER_OPERATION_IN_PROGRESS", "VM", vm.ref, running.getValue(), running.getKey().ref);
    }
    if (vm.isATemplate || vm.isASnapshot) {
      throw new XapiError("VM_IS_TEMPLATE", vm.ref, operation);
    }
    if (vm.isControlDomain) {
      throw new XapiError(
          "OPERATION_NOT_ALLOWED", "This operation is not allowed on a control domain");
    }
  }

  private static Object assertCanBootHere(CallContext context) {
    SimVm vm = context.resolve(XClass.VM, 0);
    SimHost host = context.resolve(XClass.HOST, 1);
    checkBoot(vm, host, true);
    return "";
  }

  private static void checkBoot(SimVm vm, SimHost host, boolean checkStorage) {
    checkBoot(vm, host, checkStorage, true);
  }

  /**
   * {@code assert_can_boot_here}: can this host run this VM now? The evacuation planner asks it
   * without the memory check, which its own bin-packing does.
   */
  static void checkBoot(SimVm vm, SimHost host, boolean checkStorage, boolean checkMemory) {
    checkBoot(vm, host, checkStorage, checkMemory, true);
  }

  private static void checkBoot(
      SimVm vm, SimHost host, boolean checkStorage, boolean checkMemory, boolean checkCpu) {
    if (!host.metrics.live) {
      throw new XapiError("HOST_NOT_LIVE");
    }
    if (!host.enabled && vm.residentOn != host) {
      throw new XapiError("HOST_DISABLED", host.ref);
    }
    checkHardwareVersion(vm, host);
    if (checkCpu) {
      checkCpu(vm, vm.ref, host);
    }
    if (checkStorage) {
      for (SimVbd vbd : vm.vbds) {
        if (!vbd.empty() && !host.sees(vbd.vdi.sr)) {
          throw new XapiError("VM_REQUIRES_SR", vm.ref, vbd.vdi.sr.ref);
        }
      }
    }
    for (SimVif vif : vm.vifs) {
      if (vif.network != null && host.pifOn(vif.network) == null) {
        throw new XapiError("VM_REQUIRES_NET", vm.ref, vif.network.ref);
      }
    }
    if (checkMemory) {
      checkMemoryAndCpus(vm, host);
    } else {
      checkCpus(vm, host);
    }
  }

  /**
   * {@code Cpuid_helpers.assert_vm_is_compatible}: a running VM moves only to a host of the vendor
   * it last booted on that offers every CPU feature it booted with. {@code vmRef} is what the error
   * names: the VM, or {@code OpaqueRef:NULL} when the check runs on its metadata in another pool.
   */
  private static void checkCpu(SimVm vm, String vmRef, SimHost host) {
    if (vm.powerState.equals("Halted")) {
      return;
    }
    String vendor = vm.lastBootCpuFlags.get("vendor");
    if (vendor != null && !vendor.equals(host.cpuVendor)) {
      throw new XapiError(
          "VM_INCOMPATIBLE_WITH_THIS_HOST",
          vmRef,
          host.ref,
          "VM last booted on a host which had a CPU from a different vendor.");
    }
    String features = vm.lastBootCpuFlags.get("features");
    if (features != null && !CpuFeatures.compatible(features, host.cpuFeatures)) {
      throw new XapiError(
          "VM_INCOMPATIBLE_WITH_THIS_HOST",
          vmRef,
          host.ref,
          "VM last booted on a CPU with features this host's CPU does not have.");
    }
  }

  /**
   * {@code assert_sr_support_operations}: every disk that changes SR needs a driver that can
   * snapshot and mirror it where it is, and one that can snapshot and take a mirror where it goes.
   */
  private static void assertSrsCanMirror(Plan plan) {
    plan.vdiMap.forEach(
        (vdi, target) -> {
          if (vdi.sr == target) {
            return;
          }
          assertSrSupports(vdi.sr, "VDI_SNAPSHOT", "VDI_MIRROR");
          assertSrSupports(target, "VDI_SNAPSHOT", "VDI_MIRROR_IN");
        });
  }

  private static void assertSrSupports(SimSr sr, String... features) {
    SimSm driver = sr.pool.findSm(sr.type); // no driver: no features, as xapi reads it
    List<String> missing =
        java.util.Arrays.stream(features)
            .filter(feature -> driver == null || !driver.has(feature))
            .toList();
    if (!missing.isEmpty()) {
      throw new XapiError("SR_DOES_NOT_SUPPORT_MIGRATION", sr.ref, String.join(";", missing));
    }
  }

  /** {@code Pool_features.assert_enabled}: a feature the pool's licence restricts is refused. */
  private static void assertLicensed(SimPool pool, String restriction, String feature) {
    if ("true".equals(pool.restrictions.get(restriction))) {
      throw new XapiError("LICENCE_RESTRICTION", feature);
    }
  }

  private static boolean forced(Map<String, String> options) {
    return "true".equalsIgnoreCase(options.getOrDefault("force", ""));
  }

  private static void checkHardwareVersion(SimVm vm, SimHost host) {
    if (vm.hardwarePlatformVersion > MAX_HARDWARE_PLATFORM_VERSION) {
      throw new XapiError(
          "VM_HOST_INCOMPATIBLE_VIRTUAL_HARDWARE_PLATFORM_VERSION",
          host.ref,
          "[0; 1; 2]",
          vm.ref,
          vm.hardwarePlatformVersion);
    }
  }

  private static void checkMemoryAndCpus(SimVm vm, SimHost host) {
    if (vm.residentOn != host && host.freeMemory() < vm.memoryFootprint()) {
      throw new XapiError("HOST_NOT_ENOUGH_FREE_MEMORY", vm.memoryFootprint(), host.freeMemory());
    }
    checkCpus(vm, host);
  }

  private static void checkCpus(SimVm vm, SimHost host) {
    if (vm.vcpusMax > host.cpuCount) {
      throw new XapiError("HOST_NOT_ENOUGH_PCPUS", vm.vcpusMax, host.cpuCount);
    }
  }

  /** Rolling-upgrade rule: never move a VM to a host running older software. */
  private static boolean olderThan(SimHost destination, SimHost source) {
    return source != null
        && Versions.compare(destination.platformVersion, source.platformVersion) < 0;
  }

  /** {@code assert_can_migrate}: the checks of a storage or cross-pool migration. */
  private static Object assertCanMigrate(CallContext context, Plan plan) {
    SimVm vm = plan.vm;
    SimHost destination = plan.destination;
    boolean force = forced(plan.options);
    assertLicensed(vm.pool, "restrict_storage_xen_motion", "Storage_motion");
    for (SimVbd vbd : vm.vbds) {
      if (!vbd.empty() && "Disk".equals(vbd.type) && !plan.vdiMap.containsKey(vbd.vdi)) {
        throw new XapiError("VDI_NOT_IN_MAP", vbd.vdi.ref);
      }
    }
    if (plan.intraPool) {
      if (olderThan(destination, vm.residentOn)) {
        throw new XapiError("NOT_SUPPORTED_DURING_UPGRADE");
      }
      assertSrsCanMirror(plan);
      checkBoot(vm, destination, false, true, !force);
      if (!plan.vifMap.isEmpty()) {
        throw new XapiError(
            "OPERATION_NOT_ALLOWED",
            "VIF mapping is not allowed for intra-pool migration -all VIFs must be on the same"
                + " network");
      }
    } else {
      if (olderThan(destination, vm.residentOn)) {
        // xapi sends [vm, host] although the error is declared [host, vm].
        throw new XapiError("VM_HOST_INCOMPATIBLE_VERSION_MIGRATE", vm.ref, destination.ref);
      }
      assertSrsCanMirror(plan);
      if ("true".equals(plan.options.get("copy")) && !"Halted".equals(vm.powerState)) {
        throw new XapiError(
            "VM_BAD_POWER_STATE",
            vm.ref,
            "halted",
            vm.powerState.toLowerCase(java.util.Locale.ROOT));
      }
      checkHardwareVersion(vm, destination);
      if (!destination.metrics.live) {
        throw new XapiError("HOST_NOT_LIVE");
      }
      if (!destination.enabled) {
        throw new XapiError("HOST_DISABLED", destination.ref);
      }
      for (SimVif vif : vm.vifs) {
        if (!plan.vifMap.containsKey(vif)) {
          throw new XapiError("VIF_NOT_IN_MAP", vif.ref);
        }
      }
      checkMemoryAndCpus(vm, destination);
      if (!force) {
        // The destination checks the VM's metadata it is sent, before the VM exists there.
        checkCpu(vm, XObject.NULL_REF, destination);
      }
    }
    for (SimVdi vdi : plan.vdiMap.keySet()) {
      if (vdi.cbtEnabled) {
        throw new XapiError("VDI_CBT_ENABLED", vdi.ref);
      }
    }
    return "";
  }

  /**
   * The rest of the VM's operation check for a move ({@code check_operation_error}, after power
   * state and running operations): passed-through devices pin a VM to its host.
   */
  static void assertMovable(SimVm vm) {
    if (vm.pciAttached) {
      throw new XapiError("VM_HAS_PCI_ATTACHED", vm.ref);
    }
    if (vm.vgpuAttached) {
      throw new XapiError("VM_HAS_VGPU", vm.ref);
    }
  }

  /** The VM-side check of {@code pool_migrate}, which the evacuation planner runs too. */
  static void assertCanPoolMigrate(SimVm vm) {
    assertOperationAllowed(vm, "pool_migrate", "running");
    assertMovable(vm);
  }

  /** The destination must allow {@code vm_migrate}: not while it is being evacuated. */
  private static void assertHostAllows(SimHost host, String operation) {
    List<String> error = host.operationError(operation);
    if (error != null) {
      throw new XapiError(error.get(0), error.subList(1, error.size()).toArray());
    }
  }

  private static Object poolMigrate(CallContext context, MigrationEngine engine) {
    SimVm vm = context.resolve(XClass.VM, 0);
    SimHost destination = context.resolve(XClass.HOST, 1);
    boolean force = forced(context.stringMap(2));
    return startPoolMigrate(context.task(), vm, destination, engine, force);
  }

  /**
   * Checks and starts a {@code pool_migrate} in a task: the call's own, or an evacuation's. As on
   * xapi's master, the CPU check comes first, unless forced; the licence last, on the VM's host.
   */
  static Object startPoolMigrate(
      SimTask task, SimVm vm, SimHost destination, MigrationEngine engine, boolean force) {
    if (!force) {
      checkCpu(vm, vm.ref, destination);
    }
    assertCanPoolMigrate(vm);
    if (olderThan(destination, vm.residentOn)) {
      throw new XapiError("NOT_SUPPORTED_DURING_UPGRADE");
    }
    checkBoot(vm, destination, true, true, !force);
    assertHostAllows(destination, "vm_migrate");
    assertLicensed(vm.pool, "restrict_xen_motion", "Xen_motion");
    return engine.start(
        new MigrationEngine.Request(Kind.POOL_MIGRATE, task, vm, destination, Map.of(), Map.of()));
  }

  private static Object migrateSend(CallContext context, MigrationEngine engine) {
    Plan plan = plan(context);
    // The simulator moves running VMs only; xapi also copies halted and suspended ones.
    assertOperationAllowed(plan.vm, "migrate_send", "running");
    assertMovable(plan.vm);
    assertCanMigrate(context, plan);
    if (plan.intraPool) {
      assertHostAllows(plan.destination, "vm_migrate");
    }
    int limit = engine.settings().maxStorageMigrationsPerHost;
    if (engine.storageMigrationsFrom(plan.vm.residentOn) >= limit) {
      throw new XapiError("TOO_MANY_STORAGE_MIGRATES", limit);
    }
    if (plan.intraPool && "true".equals(plan.options.get("copy"))) {
      throw new XapiError("OPERATION_NOT_ALLOWED", "copy is not allowed within a pool");
    }
    return engine.start(
        new MigrationEngine.Request(
            plan.intraPool ? Kind.STORAGE_MIGRATE : Kind.CROSS_POOL,
            context.task(),
            plan.vm,
            plan.destination,
            plan.vdiMap,
            plan.vifMap));
  }
}
