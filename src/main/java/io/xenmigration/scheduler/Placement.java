package io.xenmigration.scheduler;

import java.util.List;

/**
 * The scheduler's answer: the chosen host (null when none fits), the best candidates in rank order
 * (at most ten), how many hosts fit in all, and why every other host was turned down.
 */
public record Placement(
    Candidate chosen, List<Candidate> candidates, int fitting, List<Rejection> rejected) {

  /** Whether a host was found. */
  public boolean placed() {
    return chosen != null;
  }
}
