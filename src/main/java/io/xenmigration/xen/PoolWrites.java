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

  private PoolWrites() {}

  /** Whether a call (by its wire name) changes a pool. */
  public static boolean changesPool(String method) {
    return METHODS.contains(method);
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
