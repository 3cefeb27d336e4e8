package io.xenmigration.migration;

/**
 * Whether this process may make XenAPI side effects now: only while it is the leader (or the only
 * replica). Asked before each intent is written and again before the side effect is made.
 */
public interface ActionFence {

  /** Whether side effects may be made now. */
  boolean mayAct();

  /** Why not, for the log; null while they may. */
  String why();

  /** A fence that never closes: a single replica, or a test. */
  ActionFence OPEN =
      new ActionFence() {
        @Override
        public boolean mayAct() {
          return true;
        }

        @Override
        public String why() {
          return null;
        }
      };
}
