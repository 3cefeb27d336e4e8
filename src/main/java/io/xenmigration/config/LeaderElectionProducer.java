package io.xenmigration.config;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

/**
 * Gives the Operator SDK a leader-election configuration when {@code
 * xenmigration.leader-election.enabled} is true, and none otherwise; its callbacks tell the {@link
 * LeaderFence} when this replica leads.
 */
public class LeaderElectionProducer {

  /**
   * The SDK looks this bean up at start in the prod profile; a null from a {@link Dependent}
   * producer means "no leader election".
   */
  @Produces
  @Dependent
  LeaderElectionConfiguration leaderElection(OperatorConfig config, LeaderFence fence) {
    return configurationFor(config.leaderElection(), fence);
  }

  static LeaderElectionConfiguration configurationFor(
      OperatorConfig.LeaderElection settings, LeaderFence fence) {
    if (!settings.enabled()) {
      return null;
    }
    // The SDK's own exit calls System.exit, which deadlocks when leadership ends inside Quarkus's
    // shutdown hook on SIGTERM; the fence halts instead, unless the replica is shutting down.
    LeaderCallbacks callbacks =
        new LeaderCallbacks(fence::startedLeading, fence::stoppedLeading, newLeader -> {});
    return new LeaderElectionConfiguration(
        settings.leaseName(),
        settings.leaseNamespace().orElse(null),
        settings.leaseDuration(),
        settings.renewDeadline(),
        settings.retryPeriod(),
        fence.identity(),
        callbacks,
        false);
  }
}
