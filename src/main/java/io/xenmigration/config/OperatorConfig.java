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

    /**
     * How long to wait for the next bytes of the answer to a XenAPI call; migrations run as tasks.
     */
    @WithDefault("30s")
    Duration replyTimeout();

    /** How long one XenAPI call may take in all, however slowly its answer comes. */
    @WithDefault("120s")
    Duration callDeadline();

    /** The largest XenAPI answer read, in bytes; a larger one fails the call. */
    @WithDefault("67108864")
    long maxAnswerBytes();

    /**
     * Whether XenPools may use {@code http://} URLs or {@code insecureSkipTlsVerify}. Either lets
     * whoever is on the network path read the pool password, so only the operator's owner turns
     * this on (the chart value {@code pools.allowInsecure}), for test pools.
     */
    @WithDefault("false")
    boolean allowInsecure();
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
