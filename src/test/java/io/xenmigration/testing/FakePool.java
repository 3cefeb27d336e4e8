package io.xenmigration.testing;

import io.xenmigration.xen.DestinationTicket;
import io.xenmigration.xen.DiskRecord;
import io.xenmigration.xen.HostInfo;
import io.xenmigration.xen.HostState;
import io.xenmigration.xen.MigrationTask;
import io.xenmigration.xen.PoolApi;
import io.xenmigration.xen.PoolInventory;
import io.xenmigration.xen.SrInfo;
import io.xenmigration.xen.StartedTask;
import io.xenmigration.xen.TaskChanges;
import io.xenmigration.xen.TaskTag;
import io.xenmigration.xen.VmFacts;
import io.xenmigration.xen.VmInfo;
import io.xenmigration.xen.XenApiException;
import java.net.MalformedURLException;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pool in memory for decision tests that must run in milliseconds: the hosts, VMs, tasks and
 * disks a test puts in it, answered as {@link PoolApi}, with every side effect recorded (and made
 * on the objects) so that a test can say which calls a handler's decision led to. It knows nothing
 * of xapi's checks; the simulator is for those.
 */
public final class FakePool implements PoolApi {

  private final String uuid;
  private final Map<String, HostInfo> hosts = new LinkedHashMap<>();
  private final Map<String, VmInfo> vms = new LinkedHashMap<>();
  private final Map<String, VmFacts> facts = new LinkedHashMap<>();
  private final Map<String, MigrationTask> tasks = new LinkedHashMap<>();
  private final Map<String, DiskRecord> disks = new LinkedHashMap<>();
  private final List<SrInfo> srs = new ArrayList<>();
  private final List<String> sideEffects = new ArrayList<>();
  private final Map<String, List<String>> blockers = new LinkedHashMap<>();
  private int next;

  public FakePool(String uuid) {
    this.uuid = uuid;
  }

  /** Adds a live, enabled host with 64 GiB free on these SRs. */
  public HostInfo addHost(String name, String... srRefs) {
    HostInfo host =
        new HostInfo(
            "OpaqueRef:host-" + name,
            "uuid-" + name,
            name,
            "10.0.0." + (hosts.size() + 1),
            true,
            true,
            "XCP",
            "3.2.1",
            "8.2.1",
            64L << 30,
            64L << 30,
            8,
            Set.of(srRefs),
            Set.of("OpaqueRef:net-0"),
            0);
    hosts.put(host.ref(), host);
    return host;
  }

  /** Marks a host down (or up again). */
  public void live(HostInfo host, boolean live) {
    set(host, host.enabled(), live);
  }

  /** Disables a host (or enables it), as an administrator or a toolstack restart would. */
  public void enabled(HostInfo host, boolean enabled) {
    HostInfo now = hosts.get(host.ref());
    set(now, enabled, now.live());
  }

  /** What {@link #evacuationBlockers} answers for a VM: its code and parameters, or none. */
  public void blocker(VmInfo vm, String... error) {
    if (error.length == 0) {
      blockers.remove(vm.ref());
    } else {
      blockers.put(vm.ref(), List.of(error));
    }
  }

  private void set(HostInfo host, boolean enabled, boolean live) {
    hosts.put(
        host.ref(),
        new HostInfo(
            host.ref(),
            host.uuid(),
            host.name(),
            host.address(),
            enabled,
            live,
            host.platformName(),
            host.platformVersion(),
            host.productVersion(),
            host.memoryTotalBytes(),
            host.memoryFreeBytes(),
            host.cpuCount(),
            host.storage(),
            host.networks(),
            host.residentVms()));
  }

  /** Adds an SR. */
  public SrInfo addSr(String name) {
    SrInfo sr = new SrInfo("OpaqueRef:sr-" + name, "uuid-sr-" + name, name);
    srs.add(sr);
    return sr;
  }

  /** Adds a running VM on a host, with one disk on an SR. */
  public VmInfo addVm(String name, HostInfo on, SrInfo diskOn) {
    VmInfo vm =
        new VmInfo(
            "OpaqueRef:vm-" + name, "uuid-" + name, name, "Running", on.ref(), 4L << 30, Map.of());
    vms.put(vm.ref(), vm);
    facts.put(
        vm.ref(),
        new VmFacts(
            vm,
            2,
            List.of(
                new VmFacts.Disk(
                    "OpaqueRef:vdi-" + name,
                    "uuid-vdi-" + name,
                    name + " disk",
                    diskOn.ref(),
                    20L << 30,
                    "uuid-vdi-" + name)),
            List.of()));
    return vm;
  }

  /** The VM as the pool has it now. */
  public VmInfo vmNamed(String name) {
    return vms.values().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
  }

  /** Moves a VM (or halts it, with a null host), with the operations it runs now. */
  public void place(VmInfo vm, HostInfo on, Map<String, String> operations) {
    VmInfo now = vms.get(vm.ref());
    vms.put(
        vm.ref(),
        new VmInfo(
            now.ref(),
            now.uuid(),
            now.name(),
            on == null ? "Halted" : "Running",
            on == null ? null : on.ref(),
            now.memoryBytes(),
            Map.copyOf(operations)));
  }

  /** Adds a task as xapi would have it. */
  public MigrationTask addTask(
      String name, MigrationTask.Status status, boolean cancellable, TaskTag tag) {
    String ref = "OpaqueRef:task-" + (++next);
    MigrationTask task =
        new MigrationTask(
            ref,
            "uuid-task-" + next,
            name,
            status,
            status.finished() ? 1.0 : 0.4,
            status == MigrationTask.Status.FAILURE ? List.of("VM_MIGRATE_FAILED") : List.of(),
            "",
            cancellable,
            tag == null ? null : tag.value(),
            List.of());
    tasks.put(ref, task);
    return task;
  }

  /** Adds a VDI. */
  public DiskRecord addDisk(DiskRecord disk) {
    disks.put(disk.ref(), disk);
    return disk;
  }

  /** The side effects made, in order, as {@code call target}. */
  private volatile boolean reportsTasks;

  private final java.util.concurrent.BlockingQueue<MigrationTask> reported =
      new java.util.concurrent.LinkedBlockingQueue<>();

  public List<String> sideEffects() {
    return List.copyOf(sideEffects);
  }

  @Override
  public URL masterUrl() {
    try {
      return new URL("https://fake/");
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean redirectedToMaster() {
    return false;
  }

  @Override
  public PoolInventory inventory() {
    return new PoolInventory(
        uuid,
        "fake",
        hosts.keySet().iterator().next(),
        srs.isEmpty() ? null : srs.get(0).ref(),
        "2.14",
        List.copyOf(hosts.values()),
        List.copyOf(vms.values()),
        List.copyOf(srs),
        Instant.EPOCH);
  }

  @Override
  public VmInfo resolveVm(String uuidOrName) throws XenApiException {
    for (VmInfo vm : vms.values()) {
      if (vm.uuid().equals(uuidOrName) || vm.name().equals(uuidOrName)) {
        return vm;
      }
    }
    throw error("VM_NOT_FOUND", uuidOrName);
  }

  @Override
  public VmInfo vm(String vmRef) throws XenApiException {
    VmInfo vm = vms.get(vmRef);
    if (vm == null) {
      throw error("VM_NOT_FOUND", vmRef);
    }
    return vm;
  }

  @Override
  public VmFacts vmFacts(String vmRef) throws XenApiException {
    VmInfo vm = vm(vmRef);
    VmFacts known = facts.get(vmRef);
    return new VmFacts(vm, known.vcpus(), known.disks(), known.nics());
  }

  @Override
  public HostState host(String hostRef) throws XenApiException {
    HostInfo host = hosts.get(hostRef);
    if (host == null) {
      throw error("HANDLE_INVALID", "host", hostRef);
    }
    return new HostState(host.ref(), host.uuid(), host.name(), host.live(), host.enabled());
  }

  @Override
  public List<String> residentVms(String hostRef) throws XenApiException {
    host(hostRef);
    return vms.values().stream().filter(vm -> vm.runsOn(hostRef)).map(VmInfo::ref).toList();
  }

  @Override
  public Map<String, List<String>> evacuationBlockers(String hostRef) throws XenApiException {
    host(hostRef);
    Map<String, List<String>> answer = new LinkedHashMap<>();
    blockers.forEach(
        (vm, error) -> {
          if (vms.containsKey(vm) && vms.get(vm).runsOn(hostRef)) {
            answer.put(vm, error);
          }
        });
    return answer;
  }

  @Override
  public void disableHost(String hostRef) throws XenApiException {
    HostInfo host = hosts.get(host(hostRef).ref());
    sideEffects.add("disableHost " + host.name());
    set(host, false, host.live());
  }

  @Override
  public void enableHost(String hostRef) throws XenApiException {
    HostInfo host = hosts.get(host(hostRef).ref());
    sideEffects.add("enableHost " + host.name());
    set(host, true, host.live());
  }

  @Override
  public String migrationNetwork(String nameLabel) {
    return "OpaqueRef:net-0";
  }

  @Override
  public SrInfo sr(String uuidOrName) throws XenApiException {
    return srs.stream()
        .filter(s -> s.uuid().equals(uuidOrName) || s.name().equals(uuidOrName))
        .findFirst()
        .orElseThrow(() -> error("SR_NOT_FOUND", uuidOrName));
  }

  @Override
  public DestinationTicket prepareDestination(String hostRef, String networkRef) {
    return new DestinationTicket(hostRef, Map.of("host", hostRef));
  }

  @Override
  public void assertCanBootHere(String vmRef, String hostRef) {}

  @Override
  public void assertCanMigrate(
      String vmRef,
      DestinationTicket ticket,
      Map<String, String> vdiToSr,
      Map<String, String> vifToNetwork) {}

  @Override
  public StartedTask startPoolMigrate(String vmRef, String hostRef, TaskTag tag) {
    sideEffects.add("start " + vms.get(vmRef).name());
    MigrationTask task = addTask("Async.VM.pool_migrate", MigrationTask.Status.PENDING, true, tag);
    place(
        vms.get(vmRef), hosts.get(vms.get(vmRef).residentOn()), Map.of(task.ref(), "pool_migrate"));
    return new StartedTask(task.ref(), null, true);
  }

  @Override
  public StartedTask startMigrateSend(
      String vmRef,
      DestinationTicket ticket,
      Map<String, String> vdiToSr,
      Map<String, String> vifToNetwork,
      TaskTag tag) {
    sideEffects.add("start " + vms.get(vmRef).name());
    MigrationTask task = addTask("Async.VM.migrate_send", MigrationTask.Status.PENDING, true, tag);
    place(
        vms.get(vmRef), hosts.get(vms.get(vmRef).residentOn()), Map.of(task.ref(), "migrate_send"));
    return new StartedTask(task.ref(), null, true);
  }

  /** xapi overwrites a task's tag, as a forwarded migrate_send's copy of its subtask does. */
  public void loseTag(String taskRef) {
    MigrationTask t = tasks.get(taskRef);
    tasks.put(
        taskRef,
        new MigrationTask(
            t.ref(),
            t.uuid(),
            t.name(),
            t.status(),
            t.progress(),
            t.error(),
            t.result(),
            t.cancellable(),
            null,
            t.subtasks()));
  }

  @Override
  public boolean tag(String taskRef, TaskTag tag) {
    sideEffects.add("tag " + taskRef);
    return true;
  }

  @Override
  public MigrationTask task(String taskRef) throws XenApiException {
    MigrationTask task = tasks.get(taskRef);
    if (task == null) {
      throw error("HANDLE_INVALID", "task", taskRef);
    }
    return task;
  }

  @Override
  public List<MigrationTask> tasksTagged(TaskTag tag) {
    return tasks.values().stream().filter(t -> t.carries(tag)).toList();
  }

  @Override
  public TaskChanges taskChanges(String token, Duration timeout) {
    if (!reportsTasks) {
      return new TaskChanges(token, List.of());
    }
    try {
      // As event.from: the next change, or nothing once the wait is over.
      MigrationTask next =
          reported.poll(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      return new TaskChanges(token + "+", next == null ? List.of() : List.of(next));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new TaskChanges(token, List.of());
    }
  }

  /**
   * Reports a task change to the next {@code event.from}, whatever the pool holds: a pool may say
   * anything. From the first report on, each wait for changes lasts until one comes or it times
   * out, as xapi's does.
   */
  public void reportTask(MigrationTask task) {
    reportsTasks = true;
    reported.add(task);
  }

  @Override
  public void cancel(String taskRef) {
    sideEffects.add("cancel " + taskRef);
  }

  @Override
  public void destroyTask(String taskRef) {
    sideEffects.add("destroyTask " + taskRef);
    tasks.remove(taskRef);
  }

  @Override
  public List<DiskRecord> disksOn(Collection<String> srRefs) {
    return disks.values().stream().filter(d -> srRefs.contains(d.sr().ref())).toList();
  }

  @Override
  public void destroyDisk(String vdiRef) {
    sideEffects.add("destroyDisk " + disks.get(vdiRef).uuid());
    disks.remove(vdiRef);
  }

  @Override
  public void close() {}

  private static XenApiException error(String code, String... params) {
    return new XenApiException(
        code, List.of(params), XenApiException.Kind.TERMINAL, null, null, true);
  }
}
