package io.xenmigration.xapisim.engine;

import io.xenmigration.xapisim.api.XapiError;
import io.xenmigration.xapisim.model.SimHost;
import io.xenmigration.xapisim.model.SimNetwork;
import io.xenmigration.xapisim.model.SimPool;
import io.xenmigration.xapisim.model.SimSr;
import io.xenmigration.xapisim.model.SimTask;
import io.xenmigration.xapisim.model.SimVbd;
import io.xenmigration.xapisim.model.SimVdi;
import io.xenmigration.xapisim.model.SimVif;
import io.xenmigration.xapisim.model.SimVm;
import io.xenmigration.xapisim.model.SimWorld;
import io.xenmigration.xapisim.model.XObject;
import io.xenmigration.xapisim.wire.XmlRpc;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs migrations in simulated time: disks are mirrored, then memory is pre-copied in rounds while
 * the guest dirties pages, then the VM moves. Progress rises in steps; the task can be cancelled
 * until the point of no return; success moves the VM atomically; failure leaves it running on its
 * source host.
 */
public final class MigrationEngine {

  private static final Logger LOG = Logger.getLogger(MigrationEngine.class.getName());

  /** Where the memory phase of a migration that never converges stops progressing. */
  static final double NON_CONVERGING_STALL = 0.8;

  /** Which XenAPI operation moves the VM. */
  public enum Kind {
    /** {@code VM.pool_migrate}: memory only, same pool. */
    POOL_MIGRATE("pool_migrate"),
    /** {@code VM.migrate_send} within the pool: disks are mirrored. */
    STORAGE_MIGRATE("migrate_send"),
    /** {@code VM.migrate_send} to another pool. */
    CROSS_POOL("migrate_send");

    final String operation;

    Kind(String operation) {
      this.operation = operation;
    }
  }

  /** Everything one migration needs, checked by the caller before {@link #start}. */
  public record Request(
      Kind kind,
      SimTask task,
      SimVm vm,
      SimHost destination,
      Map<SimVdi, SimSr> vdiMap,
      Map<SimVif, SimNetwork> vifMap) {}

  private final SimWorld world;
  private final Faults faults;
  private final SimSettings settings;
  private final Map<SimTask, Migration> running = new LinkedHashMap<>();
  private final Map<String, Integer> peakByPool = new LinkedHashMap<>();
  private final Map<String, Integer> peakBySource = new LinkedHashMap<>();
  private final Map<String, Integer> peakByDestination = new LinkedHashMap<>();
  private final Map<String, Integer> peakStorageBySource = new LinkedHashMap<>();
  private final ArrayDeque<Ended> history = new ArrayDeque<>();
  private final AtomicLong progressReports = new AtomicLong();

  /** How many ended migrations {@link #history} keeps, the oldest going first. */
  static final int HISTORY_LIMIT = 100_000;

  /**
   * A migration that ended, with its simulated start and end: what benchmarks subtract from the
   * time the operator took.
   *
   * @param vm the VM's name-label
   * @param task the task's reference, as the operator records it
   * @param source the host it left (or tried to)
   * @param destination the host it went to (or was meant to)
   * @param outcome {@code success}, {@code failure} or {@code cancelled}
   * @param taskOtherConfig the task's {@code other_config} when it ended (its caller's marks)
   */
  public record Ended(
      String vm,
      String task,
      String source,
      String destination,
      Kind kind,
      Instant started,
      Instant ended,
      String outcome,
      Map<String, String> taskOtherConfig) {

    /** Simulated time from start to end. */
    public Duration duration() {
      return Duration.between(started, ended);
    }
  }

  /** How many times a running migration's task has reported higher progress. */
  public long progressReports() {
    return progressReports.get();
  }

  /** Ended migrations, oldest first (at most the last {@value #HISTORY_LIMIT}). */
  public synchronized List<Ended> history() {
    return List.copyOf(history);
  }

  private synchronized void recordEnd(Migration migration, String outcome) {
    if (history.size() == HISTORY_LIMIT) {
      history.removeFirst();
    }
    history.addLast(
        new Ended(
            migration.request.vm.nameLabel,
            migration.request.task.ref,
            migration.source.nameLabel,
            migration.request.destination.nameLabel,
            migration.request.kind,
            migration.started,
            world.clock.now(),
            outcome,
            Map.copyOf(migration.request.task.otherConfig)));
  }

  /** The most migrations ever running at once from one pool, by pool name (for limit tests). */
  public synchronized Map<String, Integer> peakByPool() {
    return Map.copyOf(peakByPool);
  }

  /** The most migrations ever leaving one host at once, by host name. */
  public synchronized Map<String, Integer> peakBySourceHost() {
    return Map.copyOf(peakBySource);
  }

  /** The most migrations ever arriving at one host at once, by host name. */
  public synchronized Map<String, Integer> peakByDestinationHost() {
    return Map.copyOf(peakByDestination);
  }

  /** The most storage migrations ever leaving one host at once, by host name. */
  public synchronized Map<String, Integer> peakStorageBySourceHost() {
    return Map.copyOf(peakStorageBySource);
  }

  /**
   * Counts what runs now that a migration started: in its pools (a cross-pool migration counts in
   * both), from its source host, to its destination host, and storage migrations from its source.
   */
  private synchronized void notePeaks(Migration started) {
    SimHost source = started.source;
    SimHost destination = started.request.destination;
    Map<String, Integer> inPool = new LinkedHashMap<>();
    int fromHost = 0;
    int toHost = 0;
    int storageFromHost = 0;
    for (Migration m : running.values()) {
      if (m.source == null) {
        continue;
      }
      inPool.merge(m.source.pool.nameLabel, 1, Integer::sum);
      if (m.request.destination.pool != m.source.pool) {
        inPool.merge(m.request.destination.pool.nameLabel, 1, Integer::sum);
      }
      if (m.source == source) {
        fromHost++;
        if (m.request.kind != Kind.POOL_MIGRATE) {
          storageFromHost++;
        }
      }
      if (m.request.destination == destination) {
        toHost++;
      }
    }
    inPool.forEach((pool, count) -> peakByPool.merge(pool, count, Math::max));
    peakBySource.merge(source.nameLabel, fromHost, Math::max);
    peakByDestination.merge(destination.nameLabel, toHost, Math::max);
    peakStorageBySource.merge(source.nameLabel, storageFromHost, Math::max);
  }

  public MigrationEngine(SimWorld world, Faults faults, SimSettings settings) {
    this.world = world;
    this.faults = faults;
    this.settings = settings;
  }

  /** The settings in force; changes apply to migrations started afterwards. */
  public SimSettings settings() {
    return settings;
  }

  /** Storage migrations now leaving a host. */
  public int storageMigrationsFrom(SimHost host) {
    int count = 0;
    for (SimVm vm : host.residentVms) {
      if (vm.currentOperations.containsValue("migrate_send")) {
        count++;
      }
    }
    return count;
  }

  /**
   * Starts a checked migration under the world's lock: marks the VM and the destination busy,
   * reserves memory on the destination and schedules the progress. The future completes with the
   * task's result, or fails with the task's error.
   */
  public CompletableFuture<Object> start(Request request) {
    Migration migration = new Migration(request, world.clock.now());
    SimVm vm = request.vm;
    SimHost source = vm.residentOn;
    vm.currentOperations.put(request.task, request.kind.operation);
    // xapi marks only the destination host (with_host_operation vm_migrate), not the source.
    request.destination.currentOperations.put(request.task, "vm_migrate");
    request.destination.reservations.put(request.task, vm.memoryFootprint());
    migration.source = source;
    notePeaks(migration);
    migration.fault = faults.takeMigrationFault(vm.uuid, vm.nameLabel);
    if (request.kind != Kind.POOL_MIGRATE) {
      startMirrors(migration);
      if (source != vm.pool.master) {
        forwardToSourceHost(migration);
      }
    }
    emit(vm, "mod");
    emit(source, "mod");
    emit(request.destination, "mod");
    emit(request.task, "mod");
    scheduleNextStep(migration);
    return migration.done;
  }

  /** Asks a running migration to stop; it notices at its next step, as xapi's workers do. */
  public void requestCancel(SimTask task) {
    Migration migration = running.get(task);
    if (migration != null) {
      world.clock.schedule(world.clock.now(), () -> step(migration));
    }
  }

  /**
   * Lets hung migrations go on (all of them, or the given VM's, by UUID or name-label), and keeps
   * running ones that would hang further on from stopping: like removing one of xapi's pause fist
   * points. Returns how many it concerned. Call under the world's lock.
   */
  public int resumeHung(String vm) {
    int resumed = 0;
    for (Migration migration : running.values()) {
      SimVm moving = migration.request.vm;
      boolean named = vm == null || vm.equals(moving.uuid) || vm.equals(moving.nameLabel);
      if (named && migration.hung) {
        migration.hung = false;
        migration.fault = null;
        world.clock.schedule(world.clock.now(), () -> step(migration));
        resumed++;
      } else if (named && migration.fault != null && migration.fault.hang()) {
        migration.fault = null; // not there yet: it will not stop at all
        resumed++;
      }
    }
    return resumed;
  }

  /**
   * A host went down: its migrations notice at once, even one that hangs, as xapi fails the
   * operations of a host it loses. Call under the world's lock.
   */
  public void hostWentDown(SimHost host) {
    for (Migration migration : running.values()) {
      if (migration.source == host || migration.request.destination == host) {
        world.clock.schedule(world.clock.now(), () -> step(migration));
      }
    }
  }

  /** A migration in flight. */
  private final class Migration {
    final Request request;
    final Instant started;
    final Duration diskPhase;
    final Duration memoryPhase;
    final boolean converges;
    final CompletableFuture<Object> done = new CompletableFuture<>();
    SimHost source;
    Faults.MigrationFault fault;
    boolean hung;

    /** The VDIs a storage migration writes on its destination SRs, one set per disk copied. */
    final Map<SimVdi, Mirror> mirrors = new LinkedHashMap<>();

    /** The task on the VM's host that the caller's task mirrors, or null. */
    SimTask forwarded;

    Migration(Request request, Instant started) {
      this.request = request;
      this.started = started;
      long diskBytes = 0;
      if (request.kind != Kind.POOL_MIGRATE) {
        for (Map.Entry<SimVdi, SimSr> entry : request.vdiMap.entrySet()) {
          if (entry.getKey().sr != entry.getValue()) {
            diskBytes += entry.getKey().virtualSize;
          }
        }
      }
      this.diskPhase = seconds((double) diskBytes / settings.storageBandwidth);
      long memory = request.vm.memoryDynamicMax;
      long dirty = request.vm.dirtyBytesPerSecond;
      this.converges = dirty < settings.memoryBandwidth;
      // A guest that dirties pages faster than they are sent never converges: its progress
      // climbs through the first copy of its memory and then stays at NON_CONVERGING_STALL.
      this.memoryPhase =
          converges
              ? seconds(precopySeconds(memory, dirty))
              : seconds((double) memory / settings.memoryBandwidth / NON_CONVERGING_STALL);
      running.put(request.task, this);
    }

    Duration total() {
      return diskPhase.plus(memoryPhase);
    }

    /** Progress at a time: the share of the planned transfer time that has passed. */
    double progressAt(Instant now) {
      double elapsed = Duration.between(started, now).toNanos();
      double planned = total().toNanos();
      double progress = planned <= 0 ? 1.0 : Math.min(1.0, elapsed / planned);
      if (!converges) {
        // After the first copy of memory the transfer gets no closer to the end.
        double firstRound = diskPhase.toNanos() + memoryPhase.toNanos() * NON_CONVERGING_STALL;
        progress = Math.min(progress, firstRound / Math.max(1, planned));
      }
      return progress;
    }
  }

  /** Seconds of pre-copy for a guest of this memory dirtying pages at this rate. */
  double precopySeconds(long memory, long dirtyPerSecond) {
    double bandwidth = settings.memoryBandwidth;
    double toSend = memory;
    double seconds = 0;
    for (int round = 0; round < settings.maxPrecopyRounds; round++) {
      double roundSeconds = toSend / bandwidth;
      seconds += roundSeconds;
      toSend = dirtyPerSecond * roundSeconds;
      if (toSend <= settings.stopCopyThreshold) {
        break;
      }
    }
    // The remaining dirty pages are sent while the guest is paused.
    return seconds + Math.min(toSend, memory) / bandwidth;
  }

  private static Duration seconds(double seconds) {
    return Duration.ofNanos((long) (seconds * 1e9));
  }

  private void scheduleNextStep(Migration migration) {
    Duration total = migration.total();
    Duration step = seconds(total.toNanos() / 1e9 * settings.progressStep);
    if (step.compareTo(settings.maxProgressInterval) > 0) {
      step = settings.maxProgressInterval;
    }
    if (step.isZero()) {
      step = Duration.ofMillis(1);
    }
    world.clock.schedule(world.clock.now().plus(step), () -> step(migration));
  }

  /** One step: cancel, fault, host failure, progress or completion, under the world's lock. */
  private void step(Migration migration) {
    try {
      synchronized (world) {
        SimTask task = migration.request.task;
        if (!task.pending() || !running.containsKey(task)) {
          return;
        }
        if (task.cancelRequested && task.cancellable) {
          fail(migration, new XapiError("TASK_CANCELLED", task.ref), "cancelled");
          return;
        }
        for (SimHost host : List.of(migration.source, migration.request.destination)) {
          if (!host.metrics.live) {
            fail(migration, new XapiError("HOST_OFFLINE", host.ref), "failure");
            return;
          }
        }
        for (Map.Entry<SimVdi, Mirror> mirror : migration.mirrors.entrySet()) {
          if (!mirror.getValue().intact()) {
            // Someone destroyed the VDI being written: the mirror breaks.
            fail(migration, new XapiError("MIRROR_FAILED", mirror.getKey().ref), "failure");
            return;
          }
        }
        if (migration.hung) {
          return; // frozen until cancelled; a cancel schedules a step
        }
        double progress = migration.progressAt(world.clock.now());
        Faults.MigrationFault fault = migration.fault;
        if (fault != null && progress >= fault.atProgress()) {
          if (fault.hang()) {
            migration.hung = true;
            setProgress(task, Math.min(fault.atProgress(), progress));
            if (task.progress >= settings.pointOfNoReturn) {
              task.cancellable = false;
            }
            return;
          }
          setProgress(task, fault.atProgress());
          List<String> error = fault.error();
          fail(
              migration,
              new XapiError(error.get(0), error.subList(1, error.size()).toArray()),
              "failure");
          return;
        }
        if (progress >= 1.0) {
          complete(migration);
          return;
        }
        if (progress >= settings.pointOfNoReturn && task.cancellable) {
          task.cancellable = false;
        }
        setProgress(task, progress);
        scheduleNextStep(migration);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "simulated migration step failed", e);
    }
  }

  private void setProgress(SimTask task, double progress) {
    if (progress > task.progress) {
      progressReports.incrementAndGet();
      task.progress = progress;
      Migration migration = running.get(task);
      if (migration != null && migration.forwarded != null) {
        migration.forwarded.progress = progress;
        emit(migration.forwarded, "mod");
        task.mirror();
      }
      emit(task, "mod");
    }
  }

  private void complete(Migration migration) {
    Request request = migration.request;
    SimVm vm = request.vm;
    SimHost source = migration.source;
    SimHost destination = request.destination;
    release(migration);
    recordEnd(migration, "success");
    finishForwarded(migration, "success");
    SimVm arrived;
    if (request.kind == Kind.CROSS_POOL) {
      arrived = moveToPool(vm, destination, migration.mirrors, request.vifMap);
    } else {
      if (request.kind == Kind.STORAGE_MIGRATE) {
        remapDisks(vm, migration.mirrors);
      }
      source.residentVms.remove(vm);
      destination.residentVms.add(vm);
      vm.residentOn = destination;
      vm.domid = nextDomid(destination);
      arrived = vm;
      emit(vm, "mod");
    }
    emit(source, "mod");
    emit(destination, "mod");
    SimTask task = request.task;
    task.progress = 1.0;
    task.status = "success";
    task.finished = world.clock.now();
    task.cancellable = false;
    task.result = request.kind == Kind.POOL_MIGRATE ? "" : XmlRpc.valueText(arrived.ref);
    emit(task, "mod");
    destroyIfAsked(task);
    migration.done.complete(request.kind == Kind.POOL_MIGRATE ? "" : arrived.ref);
  }

  /** A task destroyed while it ran goes away once it finishes, as in xapi. */
  private void destroyIfAsked(SimTask task) {
    if (task.currentOperations.containsValue("destroy")) {
      task.pool.unregister(task);
      emit(task, "del");
    }
  }

  private void fail(Migration migration, XapiError error, String status) {
    Request request = migration.request;
    SimTask cancelled = request.task;
    if (cancelled.cancelRequested && !"cancelled".equals(status)) {
      // A cancel asked past the point of no return turns a later failure into a cancel, as
      // xapi's exn_if_cancelling does.
      error = new XapiError("TASK_CANCELLED", cancelled.ref);
      status = "cancelled";
    }
    release(migration);
    recordEnd(migration, status);
    finishForwarded(migration, "failure");
    endMirrors(migration);
    emit(request.vm, "mod");
    emit(migration.source, "mod");
    emit(request.destination, "mod");
    SimTask task = request.task;
    task.status = status;
    task.finished = world.clock.now();
    task.progress = 1.0;
    task.errorInfo = new ArrayList<>(error.description());
    emit(task, "mod");
    destroyIfAsked(task);
    migration.done.completeExceptionally(error);
  }

  private void release(Migration migration) {
    SimTask task = migration.request.task;
    running.remove(task);
    migration.request.vm.currentOperations.remove(task);
    migration.request.destination.currentOperations.remove(task);
    migration.request.destination.reservations.remove(task);
  }

  /**
   * What a storage migration writes on the destination SR for one disk, as xapi's {@code
   * receive_start_common} creates it: the leaf the mirror writes (attached through a storage
   * datapath, without a VBD), a snapshot of it, and the parent the disk's contents are copied into;
   * all three carry {@code sm_config["base_mirror"]}.
   */
  private record Mirror(SimVdi leaf, SimVdi snapshot, SimVdi parent, String hostKey) {
    boolean intact() {
      return leaf.pool.find(io.xenmigration.xapisim.model.XClass.VDI, leaf.ref) != null;
    }
  }

  private void startMirrors(Migration migration) {
    Request request = migration.request;
    for (Map.Entry<SimVdi, SimSr> entry : request.vdiMap.entrySet()) {
      SimVdi original = entry.getKey();
      SimSr target = entry.getValue();
      if (original.sr == target) {
        continue;
      }
      String id = original.sr.uuid + "/" + original.uuid; // the VDI's location is its UUID here
      SimVdi leaf = newVdi(target, original, id, request.task);
      String hostKey = "host_" + request.destination.ref;
      leaf.smConfig.put(hostKey, "RW");
      SimVdi snapshot = newVdi(target, original, id, request.task);
      snapshot.isASnapshot = true;
      snapshot.snapshotOf = leaf;
      SimVdi parent = newVdi(target, original, id, request.task);
      migration.mirrors.put(original, new Mirror(leaf, snapshot, parent, hostKey));
    }
  }

  private SimVdi newVdi(SimSr sr, SimVdi like, String mirrorId, SimTask task) {
    SimVdi vdi = sr.pool.register(new SimVdi(sr.pool));
    vdi.createdByTask = task.ref;
    vdi.nameLabel = like.nameLabel;
    vdi.sr = sr;
    vdi.virtualSize = like.virtualSize;
    vdi.smConfig.put("base_mirror", mirrorId);
    sr.vdis.add(vdi);
    emit(vdi, "add");
    return vdi;
  }

  /**
   * A failed storage migration: the datapaths detach; xapi then destroys what it created unless its
   * clean-up is set to fail, in which case the marked VDIs stay, as a real pool can leave them.
   */
  private void endMirrors(Migration migration) {
    for (Mirror mirror : migration.mirrors.values()) {
      mirror.leaf().smConfig.remove(mirror.hostKey());
      for (SimVdi vdi : List.of(mirror.snapshot(), mirror.leaf(), mirror.parent())) {
        if (settings.failedMirrorsLeaveCopies) {
          emit(vdi, "mod");
        } else {
          forget(vdi);
        }
      }
    }
  }

  private void forget(SimVdi vdi) {
    if (vdi.pool.find(io.xenmigration.xapisim.model.XClass.VDI, vdi.ref) != null) {
      vdi.sr.vdis.remove(vdi);
      vdi.pool.unregister(vdi);
      emit(vdi, "del");
    }
  }

  /** The mirror's leaf becomes the disk: its marks go, the snapshot and the parent with them. */
  private SimVdi keepLeaf(Mirror mirror) {
    SimVdi leaf = mirror.leaf();
    leaf.smConfig.remove("base_mirror");
    leaf.smConfig.remove(mirror.hostKey());
    forget(mirror.snapshot());
    forget(mirror.parent());
    emit(leaf, "mod");
    return leaf;
  }

  /**
   * A storage migration of a VM on a host other than the master: the master forwards it to the VM's
   * host as a task of its own there and waits, copying that task's progress and {@code
   * other_config} into the caller's ({@code message_forwarding.ml}, {@code try_internal_async}).
   */
  private void forwardToSourceHost(Migration migration) {
    SimTask task = migration.request.task;
    SimPool pool = task.pool;
    SimTask forwarded = pool.register(new SimTask(pool, "VM.migrate_send", world.clock.now()));
    forwarded.subtaskOf = task;
    task.subtasks.add(forwarded);
    task.mirrors = forwarded;
    migration.forwarded = forwarded;
    emit(forwarded, "add");
    if (task.mirror()) {
      emit(task, "mod");
    }
  }

  /** The forwarded task ends, is copied once more and destroyed, as xapi's master does. */
  private void finishForwarded(Migration migration, String status) {
    SimTask forwarded = migration.forwarded;
    if (forwarded == null) {
      return;
    }
    SimTask task = migration.request.task;
    forwarded.status = status;
    forwarded.finished = world.clock.now();
    task.mirror();
    task.mirrors = null;
    task.subtasks.remove(forwarded);
    forwarded.pool.unregister(forwarded);
    emit(forwarded, "del");
    migration.forwarded = null;
  }

  /** Storage migration within a pool: each disk moves to its mirror's leaf on the target SR. */
  private void remapDisks(SimVm vm, Map<SimVdi, Mirror> mirrors) {
    for (SimVbd vbd : vm.vbds) {
      SimVdi original = vbd.vdi;
      Mirror mirror = original == null ? null : mirrors.get(original);
      if (mirror == null) {
        continue;
      }
      SimPool pool = vm.pool;
      SimVdi copy = keepLeaf(mirror);
      copy.vbds.add(vbd);
      vbd.vdi = copy;
      original.vbds.remove(vbd);
      original.sr.vdis.remove(original);
      pool.unregister(original);
      emit(original, "del");
      emit(vbd, "mod");
    }
  }

  /** Cross-pool: the VM is created in the destination pool and destroyed in the source pool. */
  private SimVm moveToPool(
      SimVm vm, SimHost destination, Map<SimVdi, Mirror> mirrors, Map<SimVif, SimNetwork> vifMap) {
    SimPool target = destination.pool;
    SimVm copy = target.register(new SimVm(target, vm.uuid));
    copy.nameLabel = vm.nameLabel;
    copy.powerState = vm.powerState;
    copy.memoryStaticMin = vm.memoryStaticMin;
    copy.memoryStaticMax = vm.memoryStaticMax;
    copy.memoryDynamicMin = vm.memoryDynamicMin;
    copy.memoryDynamicMax = vm.memoryDynamicMax;
    copy.memoryOverhead = vm.memoryOverhead;
    copy.vcpusMax = vm.vcpusMax;
    copy.dirtyBytesPerSecond = vm.dirtyBytesPerSecond;
    copy.hardwarePlatformVersion = vm.hardwarePlatformVersion;
    copy.otherConfig.putAll(vm.otherConfig);
    copy.lastBootCpuFlags.putAll(vm.lastBootCpuFlags);
    copy.residentOn = destination;
    copy.domid = nextDomid(destination);
    destination.residentVms.add(copy);
    for (SimVbd vbd : vm.vbds) {
      SimVbd newVbd = target.register(new SimVbd(target, copy));
      newVbd.type = vbd.type;
      newVbd.mode = vbd.mode;
      newVbd.userdevice = vbd.userdevice;
      newVbd.bootable = vbd.bootable;
      if (!vbd.empty() && mirrors.containsKey(vbd.vdi)) {
        SimVdi newVdi = keepLeaf(mirrors.get(vbd.vdi));
        newVdi.vbds.add(newVbd);
        newVbd.vdi = newVdi;
      }
      copy.vbds.add(newVbd);
      emit(newVbd, "add");
    }
    for (SimVif vif : vm.vifs) {
      SimVif newVif = target.register(new SimVif(target, copy));
      newVif.device = vif.device;
      newVif.mac = vif.mac;
      newVif.network = vifMap.get(vif);
      if (newVif.network != null) {
        newVif.network.vifs.add(newVif);
      }
      copy.vifs.add(newVif);
      emit(newVif, "add");
    }
    emit(copy, "add");
    destroy(vm);
    return copy;
  }

  /** Removes a VM with its disks and interfaces from its pool. */
  private void destroy(SimVm vm) {
    SimPool pool = vm.pool;
    if (vm.residentOn != null) {
      vm.residentOn.residentVms.remove(vm);
    }
    for (SimVbd vbd : vm.vbds) {
      if (!vbd.empty()) {
        vbd.vdi.sr.vdis.remove(vbd.vdi);
        pool.unregister(vbd.vdi);
        emit(vbd.vdi, "del");
      }
      pool.unregister(vbd);
      emit(vbd, "del");
    }
    for (SimVif vif : vm.vifs) {
      if (vif.network != null) {
        vif.network.vifs.remove(vif);
      }
      pool.unregister(vif);
      emit(vif, "del");
    }
    pool.unregister(vm);
    emit(vm, "del");
  }

  private static long nextDomid(SimHost host) {
    long max = 0;
    for (SimVm resident : host.residentVms) {
      max = Math.max(max, resident.domid);
    }
    return max + 1;
  }

  private void emit(XObject object, String operation) {
    SimPool pool = object instanceof SimPool p ? p : object.pool;
    pool.events.emit(object, operation, world.clock.now());
  }
}
