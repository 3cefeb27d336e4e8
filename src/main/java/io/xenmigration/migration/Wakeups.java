package io.xenmigration.migration;

/**
 * Wakes migrations the operator should look at now rather than at their next scheduled look: one
 * whose XenAPI task changed, and the queued ones of a pool when a slot there frees up.
 */
public interface Wakeups {

  /** Looks at this migration (namespace/name) now. */
  void migration(String key);

  /** Looks now at every migration waiting in the queue of this pool (namespace/name). */
  void queuedIn(String poolKey);

  /** Wakes nobody: the migrations are looked at when they asked to be. */
  Wakeups NONE =
      new Wakeups() {
        @Override
        public void migration(String key) {}

        @Override
        public void queuedIn(String poolKey) {}
      };
}
