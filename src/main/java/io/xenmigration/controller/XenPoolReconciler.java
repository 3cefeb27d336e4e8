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
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.config.OperatorConfig;
import io.xenmigration.events.EventReason;
import io.xenmigration.events.EventRecorder;
import io.xenmigration.pool.PoolCredentials;
import io.xenmigration.pool.PoolDrivers;
import io.xenmigration.pool.PoolInventories;
import io.xenmigration.pool.PoolReason;
import io.xenmigration.pool.PoolStatusWriter;
import io.xenmigration.xen.PoolInventory;
import io.xenmigration.xen.XenApiDriver;
import io.xenmigration.xen.XenApiException;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps each XenPool's status true to its pool: logs in with its Secrets, reads the inventory the
 * scheduler uses, and says in the Ready condition what to fix when it cannot. Reads again every
 * resync interval and at once when one of its Secrets changes; logs out when the pool is deleted.
 */
@ControllerConfiguration(name = "xenpool")
public class XenPoolReconciler implements Reconciler<XenPool>, Cleaner<XenPool> {

  private final PoolDrivers drivers;
  private final PoolInventories inventories;
  private final OperatorConfig config;
  private final Clock clock;
  private final EventRecorder events;
  private InformerEventSource<Secret, XenPool> secrets;

  @Inject
  public XenPoolReconciler(
      PoolDrivers drivers,
      PoolInventories inventories,
      OperatorConfig config,
      Clock clock,
      EventRecorder events) {
    this.drivers = drivers;
    this.inventories = inventories;
    this.config = config;
    this.clock = clock;
    this.events = events;
  }

  @Override
  public List<EventSource<?, XenPool>> prepareEventSources(EventSourceContext<XenPool> context) {
    secrets =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Secret.class, XenPool.class)
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
    Condition before = PoolStatusWriter.readyCondition(pool.getStatus());
    String key = pool.getMetadata().getNamespace() + "/" + pool.getMetadata().getName();
    String namespace = pool.getMetadata().getNamespace();
    PoolCredentials.Result credentials =
        PoolCredentials.resolve(
            pool,
            name -> secrets.get(new ResourceID(name, namespace)).orElse(null),
            config.pools().connectTimeout(),
            config.pools().replyTimeout());
    if (!credentials.ok()) {
      inventories.remove(key);
      pool.setStatus(
          PoolStatusWriter.notReady(
              pool, credentials.reason(), credentials.message(), clock.instant()));
    } else {
      XenApiDriver driver = drivers.driver(key, credentials.endpoint());
      try {
        PoolInventory inventory = driver.inventory();
        inventories.put(key, inventory);
        pool.setStatus(readyStatus(pool, driver, inventory));
      } catch (XenApiException e) {
        inventories.remove(key);
        pool.setStatus(
            PoolStatusWriter.notReady(pool, reasonFor(e), messageFor(e), clock.instant()));
      }
    }
    announceChange(pool, before);
    return UpdateControl.patchStatus(pool).rescheduleAfter(config.pools().resyncInterval());
  }

  /** A deleted pool: log out of it and forget its inventory, so nothing schedules onto it. */
  @Override
  public DeleteControl cleanup(XenPool pool, Context<XenPool> context) {
    String key = pool.getMetadata().getNamespace() + "/" + pool.getMetadata().getName();
    drivers.forget(key);
    inventories.remove(key);
    return DeleteControl.defaultDelete();
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
      XenPool pool, XenApiDriver driver, PoolInventory inventory) {
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
      case XenApiException.CONNECTION_FAILED,
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
