package io.xenmigration.xen;

import com.xensource.xenapi.Connection;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@link PoolApi} over XenAPI: the only place that speaks the XenServer SDK; every failure leaves
 * as a {@link XenApiException}.
 */
public final class XenApiDriver implements PoolApi {

  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final PoolSession session;
  private final CallMeter meter;
  private final Clock clock;

  /** The host addresses of the last inventory read: where a HOST_IS_SLAVE may lead. */
  private volatile Set<String> hostAddresses = Set.of();

  public XenApiDriver(PoolEndpoint endpoint, CallMeter meter, Clock clock) {
    this(endpoint, meter, clock, PoolWrites.Gate.OPEN);
  }

  /** A driver whose calls that change the pool each pass {@code writes} just before they go. */
  public XenApiDriver(PoolEndpoint endpoint, CallMeter meter, Clock clock, PoolWrites.Gate writes) {
    this.session = new PoolSession(endpoint, meter, () -> hostAddresses, writes);
    this.meter = meter;
    this.clock = clock;
  }

  @Override
  public URL masterUrl() {
    return session.url();
  }

  @Override
  public boolean redirectedToMaster() {
    return session.redirected();
  }

  /** Logs in now, if not yet logged in: a cheap check that the pool is reachable. */
  public void connect() throws XenApiException {
    call("connect", connection -> connection.getSessionReference());
  }

  /**
   * Reads the pool in seven calls, one per class: pool, hosts, host metrics, VMs, PBDs, PIFs and
   * SRs, each with {@code get_all_records}.
   */
  @Override
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
          Map<SR, SR.Record> srRecords = SR.getAllRecords(connection);

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
          List<SrInfo> srs = new ArrayList<>();
          srRecords.forEach(
              (sr, record) ->
                  srs.add(new SrInfo(sr.toWireString(), record.uuid, record.nameLabel)));
          srs.sort((a, b) -> a.name().compareTo(b.name()));
          Set<String> addresses = new HashSet<>();
          hostInfos.forEach(h -> addresses.add(h.address()));
          addresses.remove(null);
          hostAddresses = Set.copyOf(addresses);
          return new PoolInventory(
              pool.uuid,
              pool.nameLabel,
              master,
              ref(pool.defaultSR),
              apiVersion,
              List.copyOf(hostInfos),
              List.copyOf(ordinary),
              List.copyOf(srs),
              clock.instant());
        });
  }

  /**
   * The VM a user named: by UUID, or by a name-label only one VM has. Templates, snapshots and
   * control domains never match.
   */
  @Override
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
  @Override
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
              disks.add(disk(drive.VDI.toWireString(), drive.VDI.getRecord(connection)));
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

  /** In four calls, one per class: VMs, their drives, disks and interfaces. */
  @Override
  public Map<String, VmFacts> vmFacts(java.util.Collection<String> vmRefs) throws XenApiException {
    if (vmRefs.isEmpty()) {
      return Map.of();
    }
    return call(
        "vmFactsAll",
        connection -> {
          Map<VM, VM.Record> vms = VM.getAllRecords(connection);
          Map<VBD, VBD.Record> drives = VBD.getAllRecords(connection);
          Map<VDI, VDI.Record> disks = VDI.getAllRecords(connection);
          Map<VIF, VIF.Record> nics = VIF.getAllRecords(connection);
          Map<String, VDI.Record> diskByRef = new HashMap<>();
          disks.forEach((vdi, record) -> diskByRef.put(vdi.toWireString(), record));
          Map<String, VBD.Record> driveByRef = new HashMap<>();
          drives.forEach((vbd, record) -> driveByRef.put(vbd.toWireString(), record));
          Map<String, VIF.Record> nicByRef = new HashMap<>();
          nics.forEach((vif, record) -> nicByRef.put(vif.toWireString(), record));
          Set<String> wanted = new HashSet<>(vmRefs);
          Map<String, VmFacts> facts = new LinkedHashMap<>();
          for (Map.Entry<VM, VM.Record> entry : vms.entrySet()) {
            String ref = entry.getKey().toWireString();
            if (!wanted.contains(ref)) {
              continue;
            }
            VM.Record record = entry.getValue();
            List<VmFacts.Disk> vmDisks = new ArrayList<>();
            for (VBD vbd : record.VBDs) {
              VBD.Record drive = driveByRef.get(vbd.toWireString());
              if (drive == null
                  || drive.type != Types.VbdType.DISK
                  || Boolean.TRUE.equals(drive.empty)) {
                continue;
              }
              VDI.Record disk = diskByRef.get(drive.VDI.toWireString());
              if (disk != null) {
                vmDisks.add(disk(drive.VDI.toWireString(), disk));
              }
            }
            List<VmFacts.Nic> vmNics = new ArrayList<>();
            for (VIF vif : record.VIFs) {
              VIF.Record nic = nicByRef.get(vif.toWireString());
              if (nic != null) {
                vmNics.add(
                    new VmFacts.Nic(vif.toWireString(), nic.device, nic.MAC, ref(nic.network)));
              }
            }
            facts.put(
                ref,
                new VmFacts(
                    vmInfo(entry.getKey(), record),
                    (int) nonNull(record.VCPUsMax),
                    List.copyOf(vmDisks),
                    List.copyOf(vmNics)));
          }
          return facts;
        });
  }

  @Override
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

  /** A host's liveness (its metrics) and whether it is enabled, in two calls. */
  @Override
  public HostState host(String hostRef) throws XenApiException {
    return call(
        "host",
        connection -> {
          Host.Record record = Types.toHost(hostRef).getRecord(connection);
          boolean live =
              record.metrics != null && Boolean.TRUE.equals(record.metrics.getLive(connection));
          return new HostState(
              hostRef, record.uuid, record.nameLabel, live, Boolean.TRUE.equals(record.enabled));
        });
  }

  @Override
  public List<String> residentVms(String hostRef) throws XenApiException {
    return call(
        "residentVms",
        connection -> {
          Host host = Types.toHost(hostRef);
          String controlDomain = ref(host.getControlDomain(connection));
          List<String> running = new ArrayList<>();
          for (VM vm : host.getResidentVMs(connection)) {
            String vmRef = vm.toWireString();
            if (!vmRef.equals(controlDomain)) {
              running.add(vmRef);
            }
          }
          return running;
        });
  }

  /**
   * Read raw: the SDK reads each VM's answer as a set, which loses the order of the code and its
   * parameters.
   */
  @Override
  public Map<String, List<String>> evacuationBlockers(String hostRef) throws XenApiException {
    return call(
        "evacuationBlockers",
        connection -> {
          Object answer =
              ((MeteredConnection) connection)
                  .callRaw("host.get_vms_which_prevent_evacuation", hostRef);
          Map<String, List<String>> blockers = new LinkedHashMap<>();
          if (answer instanceof Map<?, ?> map) {
            map.forEach((vm, error) -> blockers.put(String.valueOf(vm), strings(error)));
          }
          return blockers;
        });
  }

  private static List<String> strings(Object array) {
    List<String> list = new ArrayList<>();
    if (array instanceof Object[] items) {
      for (Object item : items) {
        list.add(String.valueOf(item));
      }
    } else if (array instanceof java.util.Collection<?> items) {
      items.forEach(item -> list.add(String.valueOf(item)));
    }
    return List.copyOf(list);
  }

  /**
   * With {@code auto_enable=false} first; a host whose xapi predates it answers
   * MESSAGE_PARAMETER_COUNT_MISMATCH before doing anything, and gets the one-parameter form.
   */
  @Override
  public void disableHost(String hostRef) throws XenApiException {
    call(
        "disableHost",
        connection -> {
          try {
            ((MeteredConnection) connection).callRaw("host.disable", hostRef, false);
          } catch (Types.MessageParameterCountMismatch e) {
            Types.toHost(hostRef).disable(connection);
          }
          return null;
        });
  }

  @Override
  public void enableHost(String hostRef) throws XenApiException {
    call(
        "enableHost",
        connection -> {
          Types.toHost(hostRef).enable(connection);
          return null;
        });
  }

  /**
   * The network to migrate over: the one with this name-label, or the master's management network
   * when the name is null.
   */
  @Override
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

  @Override
  public SrInfo sr(String uuidOrName) throws XenApiException {
    return call(
        "sr",
        connection -> {
          if (UUID.matcher(uuidOrName).matches()) {
            try {
              SR sr = SR.getByUuid(connection, uuidOrName);
              return new SrInfo(sr.toWireString(), uuidOrName, sr.getNameLabel(connection));
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
          SR sr = named.iterator().next();
          return new SrInfo(sr.toWireString(), sr.getUuid(connection), uuidOrName);
        });
  }

  @Override
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

  @Override
  public void assertCanBootHere(String vmRef, String hostRef) throws XenApiException {
    call(
        "preCheck",
        connection -> {
          Types.toVM(vmRef).assertCanBootHere(connection, Types.toHost(hostRef));
          return null;
        });
  }

  @Override
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

  /**
   * Starts {@code Async.VM.pool_migrate} and tags its task in one more call. A start whose tag
   * cannot be written still started: it is returned untagged, never thrown away.
   */
  @Override
  public StartedTask startPoolMigrate(String vmRef, String hostRef, TaskTag tag)
      throws XenApiException {
    String task =
        call(
            "start",
            connection ->
                Types.toVM(vmRef)
                    .poolMigrateAsync(connection, Types.toHost(hostRef), Map.of("live", "true"))
                    .toWireString());
    return started(task, tag, false);
  }

  /**
   * Starts {@code Async.VM.migrate_send} and tags its task and the subtask xapi forwards it as
   * (whose {@code other_config} xapi copies over the task's while it runs).
   */
  @Override
  public StartedTask startMigrateSend(
      String vmRef,
      DestinationTicket ticket,
      Map<String, String> vdiToSr,
      Map<String, String> vifToNetwork,
      TaskTag tag)
      throws XenApiException {
    String task =
        call(
            "start",
            connection ->
                Types.toVM(vmRef)
                    .migrateSendAsync(
                        connection,
                        ticket.dest(),
                        true,
                        vdis(vdiToSr),
                        vifs(vifToNetwork),
                        Map.of())
                    .toWireString());
    return started(task, tag, true);
  }

  private StartedTask started(String task, TaskTag tag, boolean withSubtasks) {
    try {
      boolean tagged =
          call(
              "tag",
              connection ->
                  PoolWrites.tagging(
                      () -> {
                        boolean done = addTag(connection, Types.toTask(task), tag);
                        if (withSubtasks) {
                          for (Task subtask : Types.toTask(task).getSubtasks(connection)) {
                            done |= addTag(connection, subtask, tag);
                          }
                        }
                        return done;
                      }));
      return new StartedTask(task, null, tagged);
    } catch (XenApiException e) {
      return new StartedTask(task, null, false);
    }
  }

  @Override
  public boolean tag(String taskRef, TaskTag tag) throws XenApiException {
    return call(
        "tag",
        connection -> {
          Task task = Types.toTask(taskRef);
          for (Task subtask : task.getSubtasks(connection)) {
            addTag(connection, subtask, tag);
          }
          addTag(connection, task, tag);
          return tag.value().equals(task.getOtherConfig(connection).get(TaskTag.KEY));
        });
  }

  /** Adds the tag; a key already there (xapi refuses duplicates) counts when it holds the tag. */
  private static boolean addTag(Connection connection, Task task, TaskTag tag) throws Exception {
    try {
      task.addToOtherConfig(connection, TaskTag.KEY, tag.value());
      return true;
    } catch (Types.MapDuplicateKey already) {
      return tag.value().equals(task.getOtherConfig(connection).get(TaskTag.KEY));
    }
  }

  /** A task's state now. */
  @Override
  public MigrationTask task(String taskRef) throws XenApiException {
    return call(
        "task", connection -> migrationTask(taskRef, Types.toTask(taskRef).getRecord(connection)));
  }

  /** Every task of the pool in one call; the tagged ones, or the tasks of tagged subtasks. */
  @Override
  public List<MigrationTask> tasksTagged(TaskTag tag) throws XenApiException {
    return call(
        "findTask",
        connection -> {
          Map<Task, Task.Record> all = Task.getAllRecords(connection);
          Map<String, MigrationTask> found = new java.util.LinkedHashMap<>();
          for (Map.Entry<Task, Task.Record> entry : all.entrySet()) {
            Task.Record record = entry.getValue();
            if (record.otherConfig == null
                || !tag.value().equals(record.otherConfig.get(TaskTag.KEY))) {
              continue;
            }
            Task top = entry.getKey();
            Task.Record topRecord = record;
            while (topRecord.subtaskOf != null && all.containsKey(topRecord.subtaskOf)) {
              top = topRecord.subtaskOf;
              topRecord = all.get(top);
            }
            found.putIfAbsent(top.toWireString(), migrationTask(top.toWireString(), topRecord));
          }
          return List.copyOf(found.values());
        });
  }

  /**
   * Tasks that changed after a token, waiting up to {@code timeout} for one to change, so progress
   * arrives as it happens without polling. An empty token returns every task now.
   */
  @Override
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

  /**
   * Asks a task to stop. xapi takes the request even past the point of no return ({@code
   * xapi_task.ml}), where the migration then goes on: whether it still can be stopped is the task's
   * {@code allowed_operations}.
   */
  @Override
  public void cancel(String taskRef) throws XenApiException {
    call(
        "cancel",
        connection -> {
          Types.toTask(taskRef).cancel(connection);
          return null;
        });
  }

  @Override
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

  /**
   * The VDIs on these SRs, from one {@code VDI.get_all_records} (a rollback runs rarely, and a read
   * per VDI of a large SR would cost far more).
   */
  @Override
  public List<DiskRecord> disksOn(java.util.Collection<String> srRefs) throws XenApiException {
    return call(
        "disks",
        connection -> {
          Map<String, SrInfo> srs = new HashMap<>();
          for (String srRef : srRefs) {
            SR.Record record = Types.toSR(srRef).getRecord(connection);
            srs.put(srRef, new SrInfo(srRef, record.uuid, record.nameLabel));
          }
          List<DiskRecord> disks = new ArrayList<>();
          VDI.getAllRecords(connection)
              .forEach(
                  (vdi, record) -> {
                    SrInfo sr = srs.get(ref(record.SR));
                    if (sr == null) {
                      return;
                    }
                    Map<String, String> sm = record.smConfig == null ? Map.of() : record.smConfig;
                    disks.add(
                        new DiskRecord(
                            vdi.toWireString(),
                            record.uuid,
                            record.nameLabel,
                            sr,
                            sm.get("base_mirror"),
                            record.VBDs != null && !record.VBDs.isEmpty(),
                            record.currentOperations != null && !record.currentOperations.isEmpty(),
                            sm.keySet().stream().anyMatch(k -> k.startsWith("host_")),
                            Boolean.TRUE.equals(record.isASnapshot)));
                  });
          disks.sort((a, b) -> a.uuid().compareTo(b.uuid()));
          return disks;
        });
  }

  @Override
  public void destroyDisk(String vdiRef) throws XenApiException {
    call(
        "destroyDisk",
        connection -> {
          try {
            Types.toVDI(vdiRef).destroy(connection);
          } catch (Types.HandleInvalid alreadyGone) {
            // Gone already: a restart may repeat the cleanup.
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
    List<String> subtasks = new ArrayList<>();
    if (record.subtasks != null) {
      record.subtasks.forEach(t -> subtasks.add(t.toWireString()));
    }
    return new MigrationTask(
        ref,
        record.uuid,
        record.nameLabel,
        status,
        record.progress == null ? 0 : record.progress,
        record.errorInfo == null ? List.of() : List.copyOf(record.errorInfo),
        record.result == null ? "" : record.result,
        cancellable,
        record.otherConfig == null ? null : record.otherConfig.get(TaskTag.KEY),
        List.copyOf(subtasks));
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

  private static VmFacts.Disk disk(String vdiRef, VDI.Record disk) {
    return new VmFacts.Disk(
        vdiRef, disk.uuid, disk.nameLabel, ref(disk.SR), nonNull(disk.virtualSize), disk.location);
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
