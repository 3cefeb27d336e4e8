package io.xenmigration.events;

/**
 * Every reason the operator gives its Kubernetes Events, in one closed list; {@code kubectl
 * describe} shows them. Normal events report progress, Warning events something to look at.
 */
public enum EventReason {
  /** A XenPool became Ready: the operator logged in and read its inventory. */
  PoolReady(false),
  /** A XenPool became Ready through its master after its URL named a pool member. */
  PoolFollowedToMaster(false),
  /** A XenPool stopped being Ready, or its reason for not being Ready changed. */
  PoolNotReady(true);

  private final boolean warning;

  EventReason(boolean warning) {
    this.warning = warning;
  }

  /** {@code Warning} or {@code Normal}. */
  public String type() {
    return warning ? "Warning" : "Normal";
  }
}
