package io.xenmigration.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** The operator's own settings, under {@code xenmigration.*} (env: {@code XENMIGRATION_*}). */
@ConfigMapping(prefix = "xenmigration")
public interface OperatorConfig {

  /** How several replicas agree which one works. */
  LeaderElection leaderElection();

  /** Leader election through a Kubernetes Lease; the Helm chart turns it on for replicas > 1. */
  interface LeaderElection {

    /** Whether to take a Lease before reconciling anything. */
    @WithDefault("false")
    boolean enabled();

    /** Name of the Lease. */
    @WithDefault("xen-migration-operator")
    String leaseName();

    /** Namespace of the Lease; default: the namespace of the Kubernetes client. */
    Optional<String> leaseNamespace();
  }
}
