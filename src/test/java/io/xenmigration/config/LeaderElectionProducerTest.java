package io.xenmigration.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Leader election is off unless asked for, never lets the SDK call System.exit, and names this
 * replica as the fence knows it.
 */
class LeaderElectionProducerTest {

  private static OperatorConfig.LeaderElection settings(boolean enabled, String namespace) {
    return new OperatorConfig.LeaderElection() {
      @Override
      public boolean enabled() {
        return enabled;
      }

      @Override
      public String leaseName() {
        return "xmo";
      }

      @Override
      public Optional<String> leaseNamespace() {
        return Optional.ofNullable(namespace);
      }

      @Override
      public Duration leaseDuration() {
        return Duration.ofSeconds(15);
      }

      @Override
      public Duration renewDeadline() {
        return Duration.ofSeconds(10);
      }

      @Override
      public Duration retryPeriod() {
        return Duration.ofSeconds(2);
      }
    };
  }

  private static LeaderFence fence(OperatorConfig.LeaderElection settings) {
    return new LeaderFence(settings, null, java.time.Clock.systemUTC(), "replica-1");
  }

  @Test
  void disabledMeansNoConfiguration() {
    assertThat(
            LeaderElectionProducer.configurationFor(
                settings(false, "ops"), fence(settings(false, "ops"))))
        .isNull();
  }

  @Test
  void enabledUsesTheLeaseAndLeavesExitingToQuarkus() {
    LeaderElectionConfiguration config =
        LeaderElectionProducer.configurationFor(
            settings(true, "ops"), fence(settings(true, "ops")));
    assertThat(config.getLeaseName()).isEqualTo("xmo");
    assertThat(config.getLeaseNamespace()).contains("ops");
    assertThat(config.isExitOnStopLeading()).isFalse();
    assertThat(config.getLeaderCallbacks()).isPresent();
    assertThat(config.getIdentity()).contains("replica-1");
  }

  @Test
  void withoutNamespaceTheClientsNamespaceIsUsed() {
    assertThat(
            LeaderElectionProducer.configurationFor(
                    settings(true, null), fence(settings(true, null)))
                .getLeaseNamespace())
        .isEmpty();
  }
}
