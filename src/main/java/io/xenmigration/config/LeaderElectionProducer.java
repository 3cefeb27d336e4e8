package io.xenmigration.config;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.Quarkus;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

/**
 * Gives the Operator SDK a leader-election configuration when {@code
 * xenmigration.leader-election.enabled} is true, and none otherwise.
 */
public class LeaderElectionProducer {

  /**
   * The SDK looks this bean up at start in the prod profile; a null from a {@link Dependent}
   * producer means "no leader election".
   */
  @Produces
  @Dependent
  LeaderElectionConfiguration leaderElection(OperatorConfig config) {
    return configurationFor(config.leaderElection());
  }

  static LeaderElectionConfiguration configurationFor(OperatorConfig.LeaderElection settings) {
    if (!settings.enabled()) {
      return null;
    }
    // The SDK's own exit calls System.exit, which deadlocks when leadership ends inside Quarkus's
    // shutdown hook on SIGTERM. Quarkus's asynchronous exit does not, and a replica that lost its
    // lease must still restart to stand for election again.
    LeaderCallbacks exitWhenLeadershipEnds =
        new LeaderCallbacks(() -> {}, () -> Quarkus.asyncExit(1), newLeader -> {});
    return new LeaderElectionConfiguration(
        settings.leaseName(),
        settings.leaseNamespace().orElse(null),
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        null,
        exitWhenLeadershipEnds,
        false);
  }
}
