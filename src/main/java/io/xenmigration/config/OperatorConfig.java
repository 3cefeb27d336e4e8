package io.xenmigration.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The operator's own settings, under {@code xenmigration.*} (env: {@code XENMIGRATION_*}). */
@ConfigMapping(prefix = "xenmigration")
public interface OperatorConfig {

  /** How several replicas agree which one works. */
  LeaderElection leaderElection();

  /** How the operator talks to pools. */
  Pools pools();

  /** What the liveness probe reports. */
  Health health();

  /** When the liveness probe fails. */
  interface Health {

    /**
     * How long an informer (the watch of one kind of object) may stay stopped before the liveness
     * probe fails and Kubernetes restarts the operator. A watch that reconnects is not stopped.
     */
    @WithDefault("30s")
    Duration deadWatchGrace();
  }

  /** Reading and reaching XenServer pools. */
  interface Pools {

    /** How often each XenPool is read again, even when nothing changed. */
    @WithDefault("60s")
    Duration resyncInterval();

    /** How long to wait for a TCP connection to a pool master. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** How long to wait for the answer to one XenAPI call; migrations run as tasks. */
    @WithDefault("30s")
    Duration replyTimeout();
  }

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

    /** How long a Lease holds without being renewed; another replica may take it after this. */
    @WithDefault("15s")
    Duration leaseDuration();

    /** How long the leader keeps trying to renew before it stops leading (and halts). */
    @WithDefault("10s")
    Duration renewDeadline();

    /** How often the Lease is renewed, or tried for. */
    @WithDefault("2s")
    Duration retryPeriod();
  }
}
