package io.xenmigration.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Leader election is off unless asked for, and never lets the SDK call System.exit. */
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
    };
  }

  @Test
  void disabledMeansNoConfiguration() {
    assertThat(LeaderElectionProducer.configurationFor(settings(false, "ops"))).isNull();
  }

  @Test
  void enabledUsesTheLeaseAndLeavesExitingToQuarkus() {
    LeaderElectionConfiguration config =
        LeaderElectionProducer.configurationFor(settings(true, "ops"));
    assertThat(config.getLeaseName()).isEqualTo("xmo");
    assertThat(config.getLeaseNamespace()).contains("ops");
    assertThat(config.isExitOnStopLeading()).isFalse();
    assertThat(config.getLeaderCallbacks()).isPresent();
  }

  @Test
  void withoutNamespaceTheClientsNamespaceIsUsed() {
    assertThat(LeaderElectionProducer.configurationFor(settings(true, null)).getLeaseNamespace())
        .isEmpty();
  }
}
