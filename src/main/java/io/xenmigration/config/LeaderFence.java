package io.xenmigration.config;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.runtime.ShutdownEvent;
import io.xenmigration.migration.ActionFence;
import io.xenmigration.xen.PoolWrites;
import io.xenmigration.xen.Replica;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.logging.Logger;

/**
 * Lets XenAPI side effects happen only while this process leads. Leading starts when the Lease is
 * won; before each side effect the Lease is read to see that this process still holds it and
 * renewed it within the renew deadline (another replica can take it only a lease duration after the
 * last renewal, so a side effect started now is ours alone). When leadership is lost the process
 * halts at once: reconciles under way are not drained, and nothing they would have done next is
 * done. A replica that shuts down on its own stops acting first and then shuts down in order.
 * Without leader election the only replica always acts, until it shuts down.
 */
@Singleton
public class LeaderFence implements ActionFence, PoolWrites.Gate {

  private static final Logger LOG = Logger.getLogger(LeaderFence.class.getName());

  /** How the process ends when it stops leading; tests replace it. */
  @FunctionalInterface
  public interface Halt {
    void now();
  }

  private final OperatorConfig.LeaderElection settings;
  private final KubernetesClient client;
  private final Clock clock;
  private final String identity;
  private volatile Halt halt = () -> Runtime.getRuntime().halt(1);
  private volatile boolean leading;

  /**
   * Until when this replica is known to hold the Lease: the renew deadline after the renewal the
   * last Lease read showed, never longer than a renew deadline after the read. Kept on two clocks,
   * and over when either says so: {@link System#nanoTime()} runs while the process is paused but
   * not while its machine is suspended, the wall clock runs through both but can be set back.
   */
  private record Window(long untilNanos, Instant untilWall) {}

  private volatile Window confirmed;

  private final java.util.function.LongSupplier nanos;
  private volatile boolean shuttingDown;

  @Inject
  public LeaderFence(OperatorConfig config, KubernetesClient client, Clock clock) {
    this(config.leaderElection(), client, clock, ownIdentity());
  }

  LeaderFence(
      OperatorConfig.LeaderElection settings,
      KubernetesClient client,
      Clock clock,
      String identity) {
    this(settings, client, clock, identity, System::nanoTime);
  }

  LeaderFence(
      OperatorConfig.LeaderElection settings,
      KubernetesClient client,
      Clock clock,
      String identity,
      java.util.function.LongSupplier nanos) {
    this.settings = settings;
    this.client = client;
    this.clock = clock;
    this.identity = identity;
    this.nanos = nanos;
    // Closed until a Lease read opens it.
    this.confirmed = new Window(nanos.getAsLong() - 1, Instant.MIN);
  }

  /** The pod's name (HOSTNAME), or a fresh UUID outside a pod: this replica in the Lease. */
  private static String ownIdentity() {
    return Replica.NAME;
  }

  /** This replica's name in the Lease. */
  public String identity() {
    return identity;
  }

  /** How the process ends when leadership is lost. */
  void halt(Halt halt) {
    this.halt = halt;
  }

  /** The Lease was won. */
  void startedLeading() {
    LOG.info(identity + " leads");
    leading = true;
  }

  /** The Lease was lost (or given up on shutdown). */
  void stoppedLeading() {
    leading = false;
    if (shuttingDown) {
      return;
    }
    LOG.severe(identity + " lost its leadership: halting so that nothing it does goes on");
    halt.now();
  }

  /** Stops side effects before anything else stops. */
  void shuttingDown(@Observes @Priority(1) ShutdownEvent event) {
    shuttingDown = true;
  }

  @Override
  public boolean mayAct() {
    return why() == null;
  }

  @Override
  public String why() {
    if (shuttingDown) {
      return "the operator is shutting down";
    }
    if (!settings.enabled()) {
      return null;
    }
    if (!leading) {
      return identity + " does not lead";
    }
    // Taken before the read: the renewal it shows cannot make the gate stay open any longer.
    long readAt = nanos.getAsLong();
    Instant readAtWall = Instant.now(clock);
    Lease lease;
    try {
      String namespace = settings.leaseNamespace().orElse(client.getNamespace());
      lease =
          client.resources(Lease.class).inNamespace(namespace).withName(settings.leaseName()).get();
    } catch (KubernetesClientException e) {
      return "the Lease cannot be read (" + e.getMessage() + ")";
    }
    if (lease == null || lease.getSpec() == null) {
      return "there is no Lease";
    }
    if (!identity.equals(lease.getSpec().getHolderIdentity())) {
      return "the Lease is held by " + lease.getSpec().getHolderIdentity();
    }
    ZonedDateTime renewed = lease.getSpec().getRenewTime();
    Duration deadline = settings.renewDeadline();
    if (renewed == null || renewed.toInstant().plus(deadline).isBefore(Instant.now(clock))) {
      return "the Lease was last renewed at " + renewed + ", more than " + deadline + " ago";
    }
    Duration left = Duration.between(readAtWall, renewed.toInstant().plus(deadline));
    if (left.compareTo(deadline) > 0) {
      // A renewal in the future (a skewed clock, or a writer who wants the gate kept open) opens
      // it no longer than one a moment ago would.
      left = deadline;
    }
    extend(new Window(readAt + left.toNanos(), readAtWall.plus(left)));
    return null;
  }

  /** Never backwards: an older read answering late does not shorten a newer one's window. */
  private synchronized void extend(Window window) {
    if (window.untilNanos() - confirmed.untilNanos() > 0) { // wraps as nanoTime may
      confirmed = window;
    }
  }

  /** Whether the last Lease read no longer stands, on either clock. */
  private boolean lapsed() {
    Window window = confirmed;
    return nanos.getAsLong() - window.untilNanos() > 0
        || Instant.now(clock).isAfter(window.untilWall());
  }

  /**
   * Whether a call that changes a pool may leave now: only while the last Lease read still stands
   * (the renew deadline after the renewal it showed). When it no longer does, the Lease is read
   * again first; a replica that was paused past its Lease finds another holder there.
   */
  @Override
  public String closedBecause() {
    if (shuttingDown) {
      return "the operator is shutting down";
    }
    if (!settings.enabled()) {
      return null;
    }
    if (!leading) {
      return identity + " does not lead";
    }
    if (lapsed()) {
      String why = why();
      if (why != null) {
        return why;
      }
    }
    if (lapsed()) {
      return identity
          + " has not seen its Lease renewed within the renew deadline (paused, or cut off"
          + " from the API server)";
    }
    return null;
  }
}
