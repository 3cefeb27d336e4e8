package io.xenmigration.xen;

import java.net.URL;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One pool, in the operator's words: what it holds, which VM a name means, and how to check, start,
 * follow, cancel and clean up a migration. {@link XenApiDriver} speaks XenAPI for it; tests stand a
 * fake in its place. Every failure is a {@link XenApiException}.
 *
 * <p>Reads have no effect on the pool. The calls marked as side effects change it; the state
 * machine makes them only after the intent naming them is written, and the destructive ones only on
 * objects it has proven its own.
 */
public interface PoolApi extends AutoCloseable {

  /** The URL in use: the master's, even when the configured one was a member's. */
  URL masterUrl();

  /** Whether the configured URL was a pool member's and the driver followed it to the master. */
  boolean redirectedToMaster();

  /** Reads the pool: hosts with their live data, VMs, SRs. */
  PoolInventory inventory() throws XenApiException;

  /** The VM a user named: by UUID, or by a name-label only one VM has. */
  VmInfo resolveVm(String uuidOrName) throws XenApiException;

  /** A VM's state now; VM_NOT_FOUND when it no longer exists in this pool. */
  VmInfo vm(String vmRef) throws XenApiException;

  /** A VM's state, disks and interfaces, read fresh. */
  VmFacts vmFacts(String vmRef) throws XenApiException;

  /**
   * The facts of several VMs at once, by ref; those that no longer exist are left out. The driver
   * reads them in a few calls whatever their number; this default, one VM at a time, is for
   * stand-ins.
   */
  default Map<String, VmFacts> vmFacts(Collection<String> vmRefs) throws XenApiException {
    Map<String, VmFacts> facts = new java.util.LinkedHashMap<>();
    for (String ref : vmRefs) {
      facts.put(ref, vmFacts(ref));
    }
    return facts;
  }

  /** A host's liveness and whether it is enabled, read fresh. */
  HostState host(String hostRef) throws XenApiException;

  /**
   * The VMs running (or paused) on a host now, read fresh: their refs, without the control domain.
   * Two calls however many VMs the host runs.
   */
  List<String> residentVms(String hostRef) throws XenApiException;

  /**
   * XenAPI's own verdict on emptying a host ({@code host.get_vms_which_prevent_evacuation}): VM ref
   * → the error code and its parameters, in xapi's order, for each VM its evacuation plan cannot
   * move. It reads only; nothing is reserved or moved.
   */
  Map<String, List<String>> evacuationBlockers(String hostRef) throws XenApiException;

  /**
   * Side effect: stops VMs starting on or arriving at the host ({@code host.disable}). Where xapi
   * has it (25.31 and later) the host stays disabled across toolstack restarts ({@code
   * auto_enable=false}); older hosts come back enabled after one, so the caller re-asserts it.
   */
  void disableHost(String hostRef) throws XenApiException;

  /** Side effect: puts the host back in service ({@code host.enable}). */
  void enableHost(String hostRef) throws XenApiException;

  /** The network to migrate over: the one with this name-label, or the management network. */
  String migrationNetwork(String nameLabel) throws XenApiException;

  /** The SR with this UUID or unique name-label. */
  SrInfo sr(String uuidOrName) throws XenApiException;

  /**
   * Asks the destination host to receive a VM with its disks ({@code host.migrate_receive}): a
   * pre-check step that opens a session on the destination and touches no VM, disk or task.
   */
  DestinationTicket prepareDestination(String hostRef, String networkRef) throws XenApiException;

  /** XenAPI's own check that the host could run the VM now (same pool, shared storage). */
  void assertCanBootHere(String vmRef, String hostRef) throws XenApiException;

  /** XenAPI's own check of a storage or cross-pool migration with its disk and network maps. */
  void assertCanMigrate(
      String vmRef,
      DestinationTicket ticket,
      Map<String, String> vdiToSr,
      Map<String, String> vifToNetwork)
      throws XenApiException;

  /** Side effect: starts {@code Async.VM.pool_migrate} and tags its task. */
  StartedTask startPoolMigrate(String vmRef, String hostRef, TaskTag tag) throws XenApiException;

  /** Side effect: starts {@code Async.VM.migrate_send} and tags its task (and its subtasks). */
  StartedTask startMigrateSend(
      String vmRef,
      DestinationTicket ticket,
      Map<String, String> vdiToSr,
      Map<String, String> vifToNetwork,
      TaskTag tag)
      throws XenApiException;

  /**
   * Side effect: puts the tag on a task this process started and on its subtasks that lack it (xapi
   * overwrites a forwarded task's {@code other_config} with its subtask's); returns whether the
   * task now carries it.
   */
  boolean tag(String taskRef, TaskTag tag) throws XenApiException;

  /** A task's state now; HANDLE_INVALID when it no longer exists. */
  MigrationTask task(String taskRef) throws XenApiException;

  /**
   * The tasks carrying a tag, in any state, found among every task of the pool (a subtask carrying
   * it stands for the task it belongs to).
   */
  List<MigrationTask> tasksTagged(TaskTag tag) throws XenApiException;

  /** Tasks that changed after a token, waiting up to {@code timeout} for one to change. */
  TaskChanges taskChanges(String token, Duration timeout) throws XenApiException;

  /** Side effect, destructive: asks a task to stop. */
  void cancel(String taskRef) throws XenApiException;

  /** Side effect, destructive: forgets a task; a task already gone is no error. */
  void destroyTask(String taskRef) throws XenApiException;

  /** The VDIs on these SRs, with what a rollback needs to judge whose they are. */
  List<DiskRecord> disksOn(Collection<String> srRefs) throws XenApiException;

  /** Side effect, destructive: destroys a VDI; one already gone is no error. */
  void destroyDisk(String vdiRef) throws XenApiException;

  /** Logs out. */
  @Override
  void close();
}
