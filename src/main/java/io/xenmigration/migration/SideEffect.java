package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.IntentAction;
import io.xenmigration.xen.DestinationTicket;
import io.xenmigration.xen.DiskRecord;
import io.xenmigration.xen.PoolApi;
import io.xenmigration.xen.PoolWrites;
import io.xenmigration.xen.TaskTag;
import io.xenmigration.xen.XenApiException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A XenAPI side effect a phase handler decided on. The handler only names it; {@link MigrationStep}
 * makes it after the intent naming it ({@link #action()}) was written with optimistic concurrency
 * by the current leader, and hands its {@link Result} back to the handler's decision about what it
 * means.
 */
public interface SideEffect {

  /** What the status names as the intent before the side effect is made. */
  IntentAction action();

  /** UUIDs of the VDIs it concerns, when it concerns VDIs. */
  default List<String> disks() {
    return List.of();
  }

  /** Makes the call(s); what they return is in the {@link Result}. */
  Object run() throws XenApiException;

  /** How a side effect went: what it returned, or the error it failed with. */
  record Result(Object value, XenApiException error) {

    public boolean ok() {
      return error == null;
    }

    /** The value as the type the side effect returns. */
    @SuppressWarnings("unchecked")
    public <T> T value(Class<T> type) {
      return (T) value;
    }
  }

  /** Disks a {@link #destroyDisks} destroyed, and the ones XenAPI refused, with its error. */
  record DisksDestroyed(List<DiskRecord> destroyed, Map<DiskRecord, XenApiException> refused) {}

  /** Starts {@code Async.VM.pool_migrate} and tags its task. */
  static SideEffect startPoolMigrate(PoolApi pool, String vmRef, String hostRef, TaskTag tag) {
    return new Named(
        IntentAction.StartMigration, List.of(), () -> pool.startPoolMigrate(vmRef, hostRef, tag));
  }

  /** Starts {@code Async.VM.migrate_send} and tags its task. */
  static SideEffect startMigrateSend(
      PoolApi pool,
      String vmRef,
      DestinationTicket ticket,
      Map<String, String> vdiToSr,
      Map<String, String> vifToNetwork,
      TaskTag tag) {
    return new Named(
        IntentAction.StartMigration,
        List.of(),
        () -> pool.startMigrateSend(vmRef, ticket, vdiToSr, vifToNetwork, tag));
  }

  /** Puts the attempt's tag back on a task this process started. */
  static SideEffect tag(PoolApi pool, String taskRef, TaskTag tag) {
    return new Named(IntentAction.TagTask, List.of(), () -> pool.tag(taskRef, tag));
  }

  /** Asks the attempt's task to stop. */
  static SideEffect cancel(PoolApi pool, String taskRef) {
    return new Named(
        IntentAction.CancelTask,
        List.of(),
        () -> {
          pool.cancel(taskRef);
          return Boolean.TRUE;
        });
  }

  /** Forgets the attempt's finished task. */
  static SideEffect destroyTask(PoolApi pool, String taskRef) {
    return new Named(
        IntentAction.DestroyTask,
        List.of(),
        () -> {
          pool.destroyTask(taskRef);
          return Boolean.TRUE;
        });
  }

  /**
   * Destroys the disk copies proven the attempt's own, each on its own: one XenAPI refuses is kept
   * and reported, the others still go.
   */
  static SideEffect destroyDisks(PoolApi pool, List<DiskRecord> disks) {
    return new Named(
        IntentAction.DestroyDisks,
        disks.stream().map(DiskRecord::uuid).toList(),
        () -> {
          List<DiskRecord> destroyed = new java.util.ArrayList<>();
          Map<DiskRecord, XenApiException> refused = new LinkedHashMap<>();
          for (DiskRecord disk : disks) {
            try {
              pool.destroyDisk(disk.ref());
              destroyed.add(disk);
            } catch (XenApiException e) {
              if ((e.isTransient() && destroyed.isEmpty() && refused.isEmpty())
                  || PoolWrites.NOT_LEADING.equals(e.code())) {
                // Nothing done yet, or this process may no longer act: the step is judged again.
                throw e;
              }
              refused.put(disk, e);
            }
          }
          return new DisksDestroyed(List.copyOf(destroyed), refused);
        });
  }

  /** The calls a side effect makes. */
  @FunctionalInterface
  interface Call {
    Object run() throws XenApiException;
  }

  /** A side effect: its intent and its calls. */
  record Named(IntentAction action, List<String> disks, Call call) implements SideEffect {
    @Override
    public Object run() throws XenApiException {
      return call.run();
    }
  }
}
