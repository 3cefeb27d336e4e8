package io.xenmigration.controller;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.api.v1alpha1.XenPoolStatus;
import io.xenmigration.config.OperatorConfig;
import io.xenmigration.config.UnreadableResources;
import io.xenmigration.events.EventReason;
import io.xenmigration.events.EventRecorder;
import io.xenmigration.metrics.MigrationMetrics;
import io.xenmigration.migration.PoolIndex;
import io.xenmigration.pool.PoolCredentials;
import io.xenmigration.pool.PoolDrivers;
import io.xenmigration.pool.PoolInventories;
import io.xenmigration.pool.PoolReason;
import io.xenmigration.pool.PoolSecrets;
import io.xenmigration.pool.PoolStatusWriter;
import io.xenmigration.status.Conditions;
import io.xenmigration.xen.PoolApi;
import io.xenmigration.xen.PoolInventory;
import io.xenmigration.xen.XenApiException;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps each XenPool's status true to its pool: logs in with its Secrets, reads the inventory the
 * scheduler uses, and says in the Ready condition what to fix when it cannot, and in Duplicate when
 * an older XenPool describes the same pool. Reads again every resync interval and at once when one
 * of its Secrets changes. A deleted pool waits for the migrations still active in it (their
 * rollbacks need its connection), saying so in Deleting; then it logs out.
 */
@ControllerConfiguration(name = "xenpool")
public class XenPoolReconciler implements Reconciler<XenPool>, Cleaner<XenPool> {

  /** How often a deleted pool looks again at the migrations it waits for. */
  static final Duration WHILE_DELETING = Duration.ofSeconds(2);

  /**
   * How soon a pool that failed to answer for a passing reason (a reset connection, an HTTP 500, a
   * busy master) is read again: its queued migrations wait on it, so not a whole resync.
   */
  static final Duration AFTER_TRANSIENT = Duration.ofSeconds(3);

  private final PoolDrivers drivers;
  private final PoolInventories inventories;
  private final OperatorConfig config;
  private final Clock clock;
  private final EventRecorder events;
  private final UnreadableResources unreadable;
  private final MigrationMetrics metrics;
  private InformerEventSource<Secret, XenPool> secrets;

  @Inject
  public XenPoolReconciler(
      PoolDrivers drivers,
      PoolInventories inventories,
      OperatorConfig config,
      Clock clock,
      EventRecorder events,
      UnreadableResources unreadable,
      MigrationMetrics metrics) {
    this.drivers = drivers;
    this.inventories = inventories;
    this.config = config;
    this.clock = clock;
    this.events = events;
    this.unreadable = unreadable;
    this.metrics = metrics;
  }

  @Override
  public List<EventSource<?, XenPool>> prepareEventSources(EventSourceContext<XenPool> context) {
    secrets =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Secret.class, XenPool.class)
                // Only the Secrets meant for pools are cached: not every Secret of the cluster.
                .withLabelSelector(PoolSecrets.SELECTOR)
                .withSecondaryToPrimaryMapper(secret -> poolsUsing(secret, context))
                .build(),
            context);
    return List.of(secrets);
  }

  /** The XenPools in the Secret's namespace that name it for credentials or their CA. */
  private static Set<ResourceID> poolsUsing(Secret secret, EventSourceContext<XenPool> context) {
    String namespace = secret.getMetadata().getNamespace();
    String name = secret.getMetadata().getName();
    return context
        .getPrimaryCache()
        .list(
            pool ->
                namespace.equals(pool.getMetadata().getNamespace())
                    && pool.getSpec() != null
                    && (name.equals(pool.getSpec().getCredentialsSecret())
                        || name.equals(pool.getSpec().getCaSecret())))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  @Override
  public UpdateControl<XenPool> reconcile(XenPool pool, Context<XenPool> context) {
    if (unreadable.report(pool)) {
      return UpdateControl.noUpdate();
    }
    Condition before = PoolStatusWriter.readyCondition(pool.getStatus());
    metrics.poolKnown(pool.getMetadata().getNamespace() + "/" + pool.getMetadata().getName());
    boolean passing = refresh(pool);
    List<XenPool> everyone = new ArrayList<>();
    context
        .getPrimaryCache()
        .list()
        .filter(p -> !p.getMetadata().getUid().equals(pool.getMetadata().getUid()))
        .forEach(everyone::add);
    everyone.add(pool);
    XenPool first = PoolIndex.of(everyone).firstOtherThan(pool);
    if (PoolStatusWriter.duplicate(pool, pool.getStatus(), first, clock.instant())) {
      events.record(
          pool,
          EventReason.PoolDuplicate,
          Conditions.find(pool.getStatus().getConditions(), PoolStatusWriter.DUPLICATE)
              .getMessage());
    }
    announceChange(pool, before);
    Duration resync = config.pools().resyncInterval();
    return UpdateControl.patchStatus(pool)
        .rescheduleAfter(
            passing && AFTER_TRANSIENT.compareTo(resync) < 0 ? AFTER_TRANSIENT : resync);
  }

  /**
   * Logs in and reads the pool; sets its status to what was found. Returns whether the read failed
   * for a passing reason, worth trying again soon.
   */
  private boolean refresh(XenPool pool) {
    String key = pool.getMetadata().getNamespace() + "/" + pool.getMetadata().getName();
    String namespace = pool.getMetadata().getNamespace();
    PoolCredentials.Result credentials =
        PoolCredentials.resolve(
            pool,
            name -> secrets.get(new ResourceID(name, namespace)).orElse(null),
            config.pools().allowInsecure(),
            config.pools().connectTimeout(),
            config.pools().replyTimeout());
    if (!credentials.ok()) {
      // Credentials no longer bound (or gone) are not used again, not even by a session already
      // open: migrations in the pool wait until its owner puts them back.
      drivers.forget(key);
      pool.setStatus(
          PoolStatusWriter.notReady(
              pool, credentials.reason(), credentials.message(), clock.instant()));
      return false;
    } else {
      PoolApi driver =
          drivers.driver(
              key,
              credentials
                  .endpoint()
                  .withLimits(config.pools().callDeadline(), config.pools().maxAnswerBytes()));
      try {
        PoolInventory inventory = driver.inventory();
        inventories.put(key, inventory);
        pool.setStatus(readyStatus(pool, driver, inventory));
        return false;
      } catch (XenApiException e) {
        // Not known now is not gone: the last inventory stays for migrations under way.
        pool.setStatus(
            PoolStatusWriter.notReady(pool, reasonFor(e), messageFor(e), clock.instant()));
        return e.isTransient();
      }
    }
  }

  /**
   * A deleted pool waits while migrations are active in it, as their source or destination: their
   * rollbacks need its connection, and abandoning them would leave tasks nobody watches. Then it
   * logs out and forgets its inventory, so nothing schedules onto it.
   */
  @Override
  public DeleteControl cleanup(XenPool pool, Context<XenPool> context) {
    String key = pool.getMetadata().getNamespace() + "/" + pool.getMetadata().getName();
    boolean unread = unreadable.report(pool);
    List<String> active = activeMigrations(pool, context);
    if (!active.isEmpty()) {
      // Even a pool that cannot be read waits: its migrations still use its connection.
      if (!unread) {
        refresh(pool);
        XenPoolStatus status = pool.getStatus();
        if (PoolStatusWriter.deleting(pool, status, active, clock.instant())) {
          events.record(
              pool,
              EventReason.PoolDeletionWaiting,
              Conditions.find(status.getConditions(), PoolStatusWriter.DELETING).getMessage());
        }
        try {
          pool.getMetadata().setManagedFields(null);
          context.resourceOperations().serverSideApplyPrimaryStatus(pool);
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
          // The status is for people; the wait goes on either way.
        }
      }
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(WHILE_DELETING);
    }
    drivers.forget(key);
    inventories.remove(key);
    metrics.forgetPool(key);
    return DeleteControl.defaultDelete();
  }

  /** The migrations active in a pool, as its source or destination, as the cluster has them now. */
  private static List<String> activeMigrations(XenPool pool, Context<XenPool> context) {
    List<String> active = new ArrayList<>();
    for (LiveMigration migration :
        context
            .getClient()
            .resources(LiveMigration.class)
            .inNamespace(pool.getMetadata().getNamespace())
            .list()
            .getItems()) {
      MigrationPhase phase =
          migration.getStatus() == null ? null : migration.getStatus().getPhase();
      boolean maybeActive =
          io.xenmigration.api.v1alpha1.Unreadable.is(migration)
              || (phase != null && phase.isActive());
      if (maybeActive && (migration.getSpec() == null || Pools.names(migration, pool))) {
        active.add(
            migration.getMetadata().getName()
                + " ("
                + (phase == null ? "unreadable" : phase)
                + ")");
      }
    }
    return active;
  }

  /** One event when Ready or its reason changes, not one per resync. */
  private void announceChange(XenPool pool, Condition before) {
    Condition after = PoolStatusWriter.readyCondition(pool.getStatus());
    if (before != null
        && Objects.equals(before.getStatus(), after.getStatus())
        && Objects.equals(before.getReason(), after.getReason())) {
      return;
    }
    EventReason reason;
    if (!"True".equals(after.getStatus())) {
      reason = EventReason.PoolNotReady;
    } else if (PoolReason.FollowedToMaster.name().equals(after.getReason())) {
      reason = EventReason.PoolFollowedToMaster;
    } else {
      reason = EventReason.PoolReady;
    }
    events.record(pool, reason, after.getReason() + ": " + after.getMessage());
  }

  private io.xenmigration.api.v1alpha1.XenPoolStatus readyStatus(
      XenPool pool, PoolApi driver, PoolInventory inventory) {
    if (driver.redirectedToMaster()) {
      return PoolStatusWriter.ready(
          pool,
          inventory,
          PoolReason.FollowedToMaster,
          "spec.url points at a pool member; the operator uses the master at "
              + driver.masterUrl()
              + ". Set spec.url to it to skip the detour.",
          clock.instant());
    }
    return PoolStatusWriter.ready(
        pool,
        inventory,
        PoolReason.Connected,
        "Logged in to "
            + inventory.masterHost().name()
            + "; "
            + inventory.hosts().size()
            + " hosts",
        clock.instant());
  }

  /** Which Ready reason a driver failure means. */
  static PoolReason reasonFor(XenApiException e) {
    return switch (e.code()) {
      case "SESSION_AUTHENTICATION_FAILED" -> PoolReason.AuthenticationFailed;
      case XenApiException.TLS_VERIFICATION_FAILED -> PoolReason.TLSVerificationFailed;
      case XenApiException.CONNECTION_REFUSED,
          XenApiException.CONNECTION_FAILED,
          XenApiException.TIMEOUT,
          XenApiException.BAD_SERVER_RESPONSE ->
          PoolReason.Unreachable;
      case "HOST_IS_SLAVE" -> PoolReason.NotMaster;
      default -> PoolReason.XenAPIError;
    };
  }

  private static String messageFor(XenApiException e) {
    return switch (reasonFor(e)) {
      case AuthenticationFailed ->
          "The pool refused the user name or password in spec.credentialsSecret";
      case TLSVerificationFailed ->
          e.getMessage()
              + ". Put the CA that signed it in the Secret named by spec.caSecret (key ca.crt)";
      default -> e.getMessage();
    };
  }
}
