package io.xenmigration.xen;

import com.xensource.xenapi.Event;
import com.xensource.xenapi.EventBatch;
import com.xensource.xenapi.Host;
import com.xensource.xenapi.HostMetrics;
import com.xensource.xenapi.Network;
import com.xensource.xenapi.PBD;
import com.xensource.xenapi.PIF;
import com.xensource.xenapi.Pool;
import com.xensource.xenapi.SR;
import com.xensource.xenapi.Task;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VBD;
import com.xensource.xenapi.VDI;
import com.xensource.xenapi.VIF;
import com.xensource.xenapi.VM;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One pool, in the operator's words: what it holds, which VM a name means, and how to check, start,
 * follow, cancel and clean up a migration. The only place that speaks the XenServer SDK; every
 * failure leaves as a {@link XenApiException}.
 */
public final class XenApiDriver implements AutoCloseable {

  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final PoolSession session;
  private final CallMeter meter;
  private final Clock clock;

  public XenApiDriver(PoolEndpoint endpoint, CallMeter meter, Clock clock) {
    this.session = new PoolSession(endpoint, meter);
    this.meter = meter;
    this.clock = clock;
  }

  /** The URL in use: the master's, even when the configured one was a member's. */
  public URL masterUrl() {
    return session.url();
  }

  /** Whether the configured URL was a pool member's and the driver followed it to the master. */
  public boolean redirectedToMaster() {
    return session.redirected();
  }

  /** Logs in now, if not yet logged in: a cheap check that the pool is reachable. */
  public void connect() throws XenApiException {
    call("connect", connection -> connection.getSessionReference());
  }

  /**
   * Reads the pool in six calls, one per class: pool, hosts, host metrics, VMs, PBDs and PIFs, each
   * with {@code get_all_records}.
   */
  public PoolInventory inventory() throws XenApiException {
    return call(
        "inventory",
        connection -> {
          Pool.Record pool = Pool.getAllRecords(connection).values().iterator().next();
          Map<Host, Host.Record> hosts = Host.getAllRecords(connection);
          Map<HostMetrics, HostMetrics.Record> metrics = HostMetrics.getAllRecords(connection);
          Map<VM, VM.Record> vms = VM.getAllRecords(connection);
          Map<PBD, PBD.Record> pbds = PBD.getAllRecords(connection);
          Map<PIF, PIF.Record> pifs = PIF.getAllRecords(connection);

          Map<String, Set<String>> storage = new HashMap<>();
          pbds.values().stream()
              .filter(p -> Boolean.TRUE.equals(p.currentlyAttached))
              .forEach(
                  p -> storage.computeIfAbsent(ref(p.host), h -> new HashSet<>()).add(ref(p.SR)));
          Map<String, Set<String>> networks = new HashMap<>();
          pifs.values()
              .forEach(
                  p ->
                      networks
                          .computeIfAbsent(ref(p.host), h -> new HashSet<>())
                          .add(ref(p.network)));
          List<VmInfo> ordinary = new ArrayList<>();
          Map<String, Integer> residents = new HashMap<>();
          vms.forEach(
              (vm, record) -> {
                if (isOrdinary(record)) {
                  VmInfo info = vmInfo(vm, record);
                  ordinary.add(info);
                  if (info.residentOn() != null) {
                    residents.merge(info.residentOn(), 1, Integer::sum);
                  }
                }
              });
          List<HostInfo> hostInfos = new ArrayList<>();
          hosts.forEach(
              (host, record) -> {
                HostMetrics.Record live = metrics.get(record.metrics);
                String ref = host.toWireString();
                hostInfos.add(
                    new HostInfo(
                        ref,
                        record.uuid,
                        record.nameLabel,
                        record.address,
                        Boolean.TRUE.equals(record.enabled),
                        live != null && Boolean.TRUE.equals(live.live),
                        value(record.softwareVersion, "platform_name"),
                        value(record.softwareVersion, "platform_version"),
                        value(record.softwareVersion, "product_version"),
                        live == null ? 0 : live.memoryTotal,
                        live == null ? 0 : live.memoryFree,
                        cpuCount(record),
                        Set.copyOf(storage.getOrDefault(ref, Set.of())),
                        Set.copyOf(networks.getOrDefault(ref, Set.of())),
                        residents.getOrDefault(ref, 0)));
              });
          hostInfos.sort((a, b) -> a.name().compareTo(b.name()));
          ordinary.sort((a, b) -> a.name().compareTo(b.name()));
          String master = ref(pool.master);
          Host.Record masterRecord = hosts.get(pool.master);
          String apiVersion =
              masterRecord == null
                  ? ""
                  : masterRecord.APIVersionMajor + "." + masterRecord.APIVersionMinor;
          return new PoolInventory(
              pool.nameLabel,
              master,
              ref(pool.defaultSR),
              apiVersion,
              List.copyOf(hostInfos),
              List.copyOf(ordinary),
              clock.instant());
        });
  }

  /**
   * The VM a user named: by UUID, or by a name-label only one VM has. Templates, snapshots and
   * control domains never match.
   */
  public VmInfo resolveVm(String uuidOrName) throws XenApiException {
    return call(
        "resolveVm",
        connection -> {
          if (UUID.matcher(uuidOrName).matches()) {
            try {
              VM vm = VM.getByUuid(connection, uuidOrName);
              VM.Record record = vm.getRecord(connection);
              if (!isOrdinary(record)) {
                throw notAVm(uuidOrName, record);
              }
              return vmInfo(vm, record);
            } catch (Types.UuidInvalid notAUuidWeKnow) {
              // A name-label may look like a UUID; fall through to the name.
            }
          }
          List<VmInfo> matches = new ArrayList<>();
          VM.Record lastRefused = null;
          for (VM vm : VM.getByNameLabel(connection, uuidOrName)) {
            VM.Record record = vm.getRecord(connection);
            if (isOrdinary(record)) {
              matches.add(vmInfo(vm, record));
            } else {
              lastRefused = record;
            }
          }
          if (matches.size() == 1) {
            return matches.get(0);
          }
          if (matches.size() > 1) {
            List<String> uuids = matches.stream().map(VmInfo::uuid).sorted().toList();
            throw new XenApiException(
                "VM_NAME_AMBIGUOUS",
                uuids,
                XenApiException.Kind.TERMINAL,
                matches.size()
                    + " VMs are named '"
                    + uuidOrName
                    + "'; name one by UUID: "
                    + String.join(", ", uuids),
                null);
          }
          if (lastRefused != null) {
            throw notAVm(uuidOrName, lastRefused);
          }
          throw new XenApiException(
              "VM_NOT_FOUND",
              List.of(uuidOrName),
              XenApiException.Kind.TERMINAL,
              "no VM has the UUID or name-label '" + uuidOrName + "'",
              null);
        });
  }

  /** A VM's state, disks and interfaces, read fresh: the VM, then each VBD, VDI and VIF. */
  public VmFacts vmFacts(String vmRef) throws XenApiException {
    return call(
        "vmFacts",
        connection -> {
          VM vm = Types.toVM(vmRef);
          VM.Record record = vm.getRecord(connection);
          List<VmFacts.Disk> disks = new ArrayList<>();
          for (VBD vbd : record.VBDs) {
            VBD.Record drive = vbd.getRecord(connection);
            if (drive.type == Types.VbdType.DISK && !Boolean.TRUE.equals(drive.empty)) {
              VDI.Record disk = drive.VDI.getRecord(connection);
              disks.add(
                  new VmFacts.Disk(
                      drive.VDI.toWireString(),
                      disk.nameLabel,
                      ref(disk.SR),
                      nonNull(disk.virtualSize)));
            }
          }
          List<VmFacts.Nic> nics = new ArrayList<>();
          for (VIF vif : record.VIFs) {
            VIF.Record nic = vif.getRecord(connection);
            nics.add(new VmFacts.Nic(vif.toWireString(), nic.device, nic.MAC, ref(nic.network)));
          }
          return new VmFacts(
              vmInfo(vm, record),
              (int) nonNull(record.VCPUsMax),
              List.copyOf(disks),
              List.copyOf(nics));
        });
  }

  /**
   * Checks that a migrated VM runs where it was sent: resident on the host and Running. Throws
   * VM_NOT_ON_DESTINATION (terminal) otherwise.
   */
  public VmInfo verifyArrived(String vmRef, String hostRef) throws XenApiException {
    return verifyArrived(vm(vmRef), hostRef);
  }

  /** The same check on a VM just read, without another call. */
  public static VmInfo verifyArrived(VmInfo vm, String hostRef) throws XenApiException {
    String vmRef = vm.ref();
    if (!hostRef.equals(vm.residentOn()) || !"Running".equals(vm.powerState())) {
      throw new XenApiException(
          "VM_NOT_ON_DESTINATION",
          List.of(vmRef, String.valueOf(vm.residentOn()), vm.powerState()),
          XenApiException.Kind.TERMINAL,
          "the VM is " + vm.powerState() + " on " + vm.residentOn() + ", not Running on " + hostRef,
          null);
    }
    return vm;
  }

  /** The error a failed or cancelled task reports, classified like any other XenAPI error. */
  public static XenApiException errorOf(MigrationTask task) {
    List<String> info = task.error().isEmpty() ? List.of("INTERNAL_ERROR") : task.error();
    return SdkErrors.classified(
        info.get(0),
        info.subList(1, info.size()),
        "task " + task.ref() + " " + task.status(),
        null);
  }

  /** A VM's state now; VM_NOT_FOUND when it no longer exists in this pool. */
  public VmInfo vm(String vmRef) throws XenApiException {
    return call(
        "vm",
        connection -> {
          VM vm = Types.toVM(vmRef);
          try {
            return vmInfo(vm, vm.getRecord(connection));
          } catch (Types.HandleInvalid gone) {
            throw new XenApiException(
                "VM_NOT_FOUND",
                List.of(vmRef),
                XenApiException.Kind.TERMINAL,
                "the VM no longer exists in this pool",
                gone);
          }
        });
  }

  /**
   * The network to migrate over: the one with this name-label, or the master's management network
   * when the name is null.
   */
  public String migrationNetwork(String nameLabel) throws XenApiException {
    return call(
        "migrationNetwork",
        connection -> {
          if (nameLabel != null) {
            Set<Network> named = Network.getByNameLabel(connection, nameLabel);
            if (named.size() != 1) {
              throw new XenApiException(
                  named.isEmpty() ? "NETWORK_NOT_FOUND" : "NETWORK_NAME_AMBIGUOUS",
                  List.of(nameLabel),
                  XenApiException.Kind.TERMINAL,
                  named.size() + " networks are named '" + nameLabel + "'",
                  null);
            }
            return named.iterator().next().toWireString();
          }
          Host master = Pool.getAll(connection).iterator().next().getMaster(connection);
          for (PIF pif : master.getPIFs(connection)) {
            PIF.Record record = pif.getRecord(connection);
            if (Boolean.TRUE.equals(record.management)) {
              return record.network.toWireString();
            }
          }
          throw new XenApiException(
              "NETWORK_NOT_FOUND",
              List.of("management"),
              XenApiException.Kind.TERMINAL,
              "the pool master has no management interface",
              null);
        });
  }

  /** The ref of the SR with this UUID or unique name-label. */
  public String srRef(String uuidOrName) throws XenApiException {
    return call(
        "srRef",
        connection -> {
          if (UUID.matcher(uuidOrName).matches()) {
            try {
              return SR.getByUuid(connection, uuidOrName).toWireString();
            } catch (Types.UuidInvalid notAUuidWeKnow) {
              // fall through to the name
            }
          }
          Set<SR> named = SR.getByNameLabel(connection, uuidOrName);
          if (named.size() != 1) {
            throw new XenApiException(
                named.isEmpty() ? "SR_NOT_FOUND" : "SR_NAME_AMBIGUOUS",
                List.of(uuidOrName),
                XenApiException.Kind.TERMINAL,
                named.size() + " SRs are named '" + uuidOrName + "'",
                null);
          }
          return named.iterator().next().toWireString();
        });
  }

  /** Asks the destination host to receive a VM with its disks ({@code host.migrate_receive}). */
  public DestinationTicket prepareDestination(String hostRef, String networkRef)
      throws XenApiException {
    return call(
        "prepareDestination",
        connection ->
            new DestinationTicket(
                hostRef,
                Types.toHost(hostRef)
                    .migrateReceive(connection, Types.toNetwork(networkRef), Map.of())));
  }

  /** XenAPI's own check that the host could run the VM now (same pool, shared storage). */
  public void assertCanBootHere(String vmRef, String hostRef) throws XenApiException {
    call(
        "preCheck",
        connection -> {
          Types.toVM(vmRef).assertCanBootHere(connection, Types.toHost(hostRef));
          return null;
        });
  }

  /** XenAPI's own check of a storage or cross-pool migration with its disk and network maps. */
  public void assertCanMigrate(
      String vmRef,
      DestinationTicket ticket,
      Map<String, String> vdiToSr,
      Map<String, String> vifToNetwork)
      throws XenApiException {
    call(
        "preCheck",
        connection -> {
          Types.toVM(vmRef)
              .assertCanMigrate(
                  connection, ticket.dest(), true, vdis(vdiToSr), vifs(vifToNetwork), Map.of());
          return null;
        });
  }

  /** Starts {@code Async.VM.pool_migrate}; returns the task's ref. */
  public String startPoolMigrate(String vmRef, String hostRef) throws XenApiException {
    return call(
        "start",
        connection ->
            Types.toVM(vmRef)
                .poolMigrateAsync(connection, Types.toHost(hostRef), Map.of("live", "true"))
                .toWireString());
  }

  /** Starts {@code Async.VM.migrate_send}; returns the task's ref. */
  public String startMigrateSend(
      String vmRef,
      DestinationTicket ticket,
      Map<String, String> vdiToSr,
      Map<String, String> vifToNetwork)
      throws XenApiException {
    return call(
        "start",
        connection ->
            Types.toVM(vmRef)
                .migrateSendAsync(
                    connection, ticket.dest(), true, vdis(vdiToSr), vifs(vifToNetwork), Map.of())
                .toWireString());
  }

  /** A task's state now. */
  public MigrationTask task(String taskRef) throws XenApiException {
    return call(
        "task", connection -> migrationTask(taskRef, Types.toTask(taskRef).getRecord(connection)));
  }

  /**
   * Tasks that changed after a token, waiting up to {@code timeout} for one to change, so progress
   * arrives as it happens without polling. An empty token returns every task now.
   */
  public TaskChanges taskChanges(String token, Duration timeout) throws XenApiException {
    return call(
        "taskEvents",
        connection -> {
          EventBatch batch =
              Event.from(connection, Set.of("task"), token, timeout.toMillis() / 1000.0);
          Map<String, MigrationTask> latest = new java.util.LinkedHashMap<>();
          for (Event.Record event : batch.events) {
            if (event.snapshot instanceof Task.Record record) {
              latest.put(event.ref, migrationTask(event.ref, record));
            }
          }
          return new TaskChanges(batch.token, List.copyOf(latest.values()));
        });
  }

  /** Asks a task to stop; XenAPI refuses once the migration is past its point of no return. */
  public void cancel(String taskRef) throws XenApiException {
    call(
        "cancel",
        connection -> {
          Types.toTask(taskRef).cancel(connection);
          return null;
        });
  }

  /** Forgets a finished task; a task already gone is no error. */
  public void destroyTask(String taskRef) throws XenApiException {
    call(
        "destroyTask",
        connection -> {
          try {
            Types.toTask(taskRef).destroy(connection);
          } catch (Types.HandleInvalid alreadyGone) {
            // Destroying is idempotent for us: a restart may repeat it.
          }
          return null;
        });
  }

  /** The VDIs on an SR that no VM uses, such as copies a failed mirror left: ref → name-label. */
  public Map<String, String> unattachedVdis(String srRef) throws XenApiException {
    return call(
        "cleanup",
        connection -> {
          Map<String, String> unattached = new java.util.TreeMap<>();
          for (VDI vdi : Types.toSR(srRef).getVDIs(connection)) {
            VDI.Record record = vdi.getRecord(connection);
            if (record.VBDs == null || record.VBDs.isEmpty()) {
              unattached.put(vdi.toWireString(), record.nameLabel);
            }
          }
          return unattached;
        });
  }

  /** Destroys VDIs left behind by a failed storage migration. */
  public void destroyVdis(java.util.Collection<String> vdiRefs) throws XenApiException {
    call(
        "cleanup",
        connection -> {
          for (String ref : vdiRefs) {
            try {
              Types.toVDI(ref).destroy(connection);
            } catch (Types.HandleInvalid alreadyGone) {
              // Gone already: a restart may repeat the cleanup.
            }
          }
          return null;
        });
  }

  private static MigrationTask migrationTask(String ref, Task.Record record) {
    MigrationTask.Status status =
        switch (record.status == null ? Types.TaskStatusType.UNRECOGNIZED : record.status) {
          case SUCCESS -> MigrationTask.Status.SUCCESS;
          case FAILURE -> MigrationTask.Status.FAILURE;
          case CANCELLING -> MigrationTask.Status.CANCELLING;
          case CANCELLED -> MigrationTask.Status.CANCELLED;
          default -> MigrationTask.Status.PENDING;
        };
    boolean cancellable =
        record.allowedOperations != null
            && record.allowedOperations.contains(Types.TaskAllowedOperations.CANCEL);
    return new MigrationTask(
        ref,
        status,
        record.progress == null ? 0 : record.progress,
        record.errorInfo == null ? List.of() : List.copyOf(record.errorInfo),
        record.result == null ? "" : record.result,
        cancellable);
  }

  private static Map<VDI, SR> vdis(Map<String, String> vdiToSr) {
    Map<VDI, SR> map = new java.util.LinkedHashMap<>();
    vdiToSr.forEach((vdi, sr) -> map.put(Types.toVDI(vdi), Types.toSR(sr)));
    return map;
  }

  private static Map<VIF, Network> vifs(Map<String, String> vifToNetwork) {
    Map<VIF, Network> map = new java.util.LinkedHashMap<>();
    vifToNetwork.forEach((vif, network) -> map.put(Types.toVIF(vif), Types.toNetwork(network)));
    return map;
  }

  /** Runs SDK calls as one driver operation, counted under its name. */
  private <T> T call(String operation, PoolSession.SdkCall<T> call) throws XenApiException {
    try (CallMeter.Scope scope = meter.operation(operation)) {
      return session.call(call);
    }
  }

  private static XenApiException notAVm(String named, VM.Record record) {
    String what =
        Boolean.TRUE.equals(record.isControlDomain)
            ? "a control domain"
            : Boolean.TRUE.equals(record.isASnapshot) ? "a snapshot" : "a template";
    return new XenApiException(
        "NOT_A_VM",
        List.of(named, record.uuid),
        XenApiException.Kind.TERMINAL,
        "'" + named + "' is " + what + ", which cannot be live-migrated",
        null);
  }

  private static boolean isOrdinary(VM.Record record) {
    return !Boolean.TRUE.equals(record.isATemplate)
        && !Boolean.TRUE.equals(record.isASnapshot)
        && !Boolean.TRUE.equals(record.isControlDomain);
  }

  private static VmInfo vmInfo(VM vm, VM.Record record) {
    String host = ref(record.residentOn);
    long memory = nonNull(record.memoryDynamicMax) + nonNull(record.memoryOverhead);
    Map<String, String> operations = Map.of();
    if (record.currentOperations != null && !record.currentOperations.isEmpty()) {
      Map<String, String> running = new HashMap<>();
      record.currentOperations.forEach((task, op) -> running.put(task, String.valueOf(op)));
      operations = Map.copyOf(running);
    }
    return new VmInfo(
        vm.toWireString(),
        record.uuid,
        record.nameLabel,
        record.powerState == null ? "" : record.powerState.toString(),
        host,
        memory,
        operations);
  }

  private static long nonNull(Long value) {
    return value == null ? 0 : value;
  }

  private static int cpuCount(Host.Record record) {
    try {
      return Integer.parseInt(value(record.cpuInfo, "cpu_count"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String value(Map<String, String> map, String key) {
    return map == null ? "" : map.getOrDefault(key, "");
  }

  /** A ref's wire form, or null for none. */
  private static String ref(com.xensource.xenapi.XenAPIObject object) {
    if (object == null) {
      return null;
    }
    String ref = object.toWireString();
    return ref == null || ref.equals("OpaqueRef:NULL") ? null : ref;
  }

  @Override
  public void close() {
    session.close();
  }
}
