package io.xenmigration.xen;

import java.util.List;
import java.util.Set;

/**
 * The XenAPI calls that change a pool, and the gate each of them passes at the last moment before
 * its request leaves the process: a replica that was paused past its Lease (and so may have been
 * replaced) sends none of them, whatever it had decided before the pause.
 */
public final class PoolWrites {

  /** Says whether this process may change a pool at this instant; asked for every such call. */
  @FunctionalInterface
  public interface Gate {
    /**
     * Why not, or null while it may. Asked for every such call, at the last moment: cheap while an
     * earlier answer still stands.
     */
    String closedBecause();

    /** A gate that is always open: the only replica, or a test. */
    Gate OPEN = () -> null;
  }

  /** Our code for a call to change a pool that was never sent: this process may not lead. */
  public static final String NOT_LEADING = "NOT_LEADING";

  /** The wire names of the calls the operator makes that change a pool. */
  private static final Set<String> METHODS =
      Set.of(
          "host.migrate_receive",
          "host.disable",
          "host.enable",
          "VM.pool_migrate",
          "Async.VM.pool_migrate",
          "VM.migrate_send",
          "Async.VM.migrate_send",
          "VDI.destroy",
          "Async.VDI.destroy",
          "task.cancel",
          "Async.task.cancel",
          "task.destroy",
          "task.add_to_other_config",
          "task.remove_from_other_config");

  /** The call that tags a task: let through, ungated, for a task this thread has just started. */
  private static final String TAG = "task.add_to_other_config";

  /** Set while this thread tags the task it has just started (see {@link #tagging}). */
  private static final ThreadLocal<Boolean> TAGGING_OWN_START =
      ThreadLocal.withInitial(() -> Boolean.FALSE);

  private PoolWrites() {}

  /** Whether a call (by its wire name) changes a pool. */
  public static boolean changesPool(String method) {
    return METHODS.contains(method);
  }

  /**
   * Whether a call must pass the gate before it leaves. Every call that changes a pool does, but
   * the tags of a task this thread has just started: the start itself passed the gate, and its tag
   * is what lets whoever leads next find the task; holding the tag back would leave a running
   * migration nobody can find, not one fewer.
   */
  static boolean gated(String method) {
    return changesPool(method) && !(TAG.equals(method) && TAGGING_OWN_START.get());
  }

  /** Runs the tagging of a task the calling thread has just started, the tag calls ungated. */
  static <T> T tagging(java.util.concurrent.Callable<T> tags) throws Exception {
    TAGGING_OWN_START.set(Boolean.TRUE);
    try {
      return tags.call();
    } finally {
      TAGGING_OWN_START.remove();
    }
  }

  /** Raised in place of sending a call the gate refused; nothing reached the pool. */
  static final class Refused extends RuntimeException {
    private final String method;

    Refused(String method, String because) {
      super(method + " was not sent: " + because);
      this.method = method;
    }

    /** The same in our terms: nothing was sent, and whoever leads next looks again. */
    XenApiException error() {
      return new XenApiException(
          NOT_LEADING, List.of(method), XenApiException.Kind.TRANSIENT, getMessage(), this);
    }
  }
}
