package io.xenmigration.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
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
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.xenmigration.api.v1alpha1.HostMaintenance;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MaintenancePhase;
import io.xenmigration.api.v1alpha1.Unreadable;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.config.UnreadableResources;
import io.xenmigration.events.EventRecorder;
import io.xenmigration.maintenance.ChildMigrations;
import io.xenmigration.maintenance.Children;
import io.xenmigration.maintenance.MaintenanceLook;
import io.xenmigration.maintenance.MaintenanceOutcome;
import io.xenmigration.maintenance.MaintenanceStep;
import io.xenmigration.metrics.MaintenanceMetrics;
import io.xenmigration.migration.PoolIndex;
import io.xenmigration.pool.PoolDrivers;
import io.xenmigration.pool.PoolInventories;
import io.xenmigration.status.SafeText;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Takes a host out of service as its HostMaintenance asks: loads the maintenance with its pool and
 * children, lets {@link MaintenanceStep} decide, write and act, and tells what was written in
 * events and metrics. Deleting a maintenance that changed anything runs the same steps, as a
 * cancel, until the host is back in service; only then does its finalizer go.
 */
@ControllerConfiguration(name = "hostmaintenance")
public class HostMaintenanceReconciler
    implements Reconciler<HostMaintenance>, Cleaner<HostMaintenance> {

  private static final Logger LOG = Logger.getLogger(HostMaintenanceReconciler.class.getName());

  /** How often the host is read fresh rather than taken from the inventory. */
  static final Duration HOST_CHECK = Duration.ofSeconds(15);

  private final MaintenanceStep step;
  private final PoolDrivers drivers;
  private final PoolInventories inventories;
  private final EventRecorder events;
  private final MaintenanceMetrics metrics;
  private final UnreadableResources unreadable;
  private final KubernetesClient client;
  private final Clock clock;
  private final KnownMigrations known;
  private final Map<String, Instant> hostReadAt = new ConcurrentHashMap<>();
  private InformerEventSource<XenPool, HostMaintenance> pools;
  private InformerEventSource<LiveMigration, HostMaintenance> children;

  @Inject
  public HostMaintenanceReconciler(
      MaintenanceStep step,
      PoolDrivers drivers,
      PoolInventories inventories,
      EventRecorder events,
      MaintenanceMetrics metrics,
      UnreadableResources unreadable,
      KubernetesClient client,
      Clock clock,
      KnownMigrations known) {
    this.step = step;
    this.known = known;
    this.drivers = drivers;
    this.inventories = inventories;
    this.events = events;
    this.metrics = metrics;
    this.unreadable = unreadable;
    this.client = client;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, HostMaintenance>> prepareEventSources(
      EventSourceContext<HostMaintenance> context) {
    metrics.countKnown(() -> context.getPrimaryCache().list());
    pools =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(XenPool.class, HostMaintenance.class)
                .withSecondaryToPrimaryMapper(
                    pool ->
                        context
                            .getPrimaryCache()
                            .list(
                                hm ->
                                    hm.getSpec() != null
                                        && hm.getMetadata()
                                            .getNamespace()
                                            .equals(pool.getMetadata().getNamespace())
                                        && pool.getMetadata()
                                            .getName()
                                            .equals(hm.getSpec().getPool()))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    // A child changing wakes its maintenance: a move ended, one may start. Only children are
    // cached here (they carry the maintenance label); every other LiveMigration is read from the
    // LiveMigration controller's cache, not held a second time.
    children =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(LiveMigration.class, HostMaintenance.class)
                .withLabelSelector(ChildMigrations.MAINTENANCE_LABEL)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(HostMaintenance.class))
                .build(),
            context);
    return List.of(pools, children);
  }

  @Override
  public UpdateControl<HostMaintenance> reconcile(
      HostMaintenance maintenance, Context<HostMaintenance> context) {
    if (unreadable.report(maintenance)) {
      return UpdateControl.noUpdate();
    }
    MaintenancePhase phase =
        maintenance.getStatus() == null ? null : maintenance.getStatus().getPhase();
    if (phase != null && phase.isTerminal()) {
      return UpdateControl.noUpdate();
    }
    Duration again = look(maintenance, context, false).again();
    return again == null
        ? UpdateControl.noUpdate()
        : UpdateControl.<HostMaintenance>noUpdate()
            .rescheduleAfter(again.isZero() ? Duration.ofMillis(1) : again);
  }

  /**
   * Deleting a maintenance that may have disabled its host or started moves ends it first: its
   * moves stop and the host is back in service before the finalizer goes.
   */
  @Override
  public DeleteControl cleanup(HostMaintenance maintenance, Context<HostMaintenance> context) {
    if (unreadable.report(maintenance)) {
      if (!mayLetGo(maintenance)) {
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofMinutes(1));
      }
      return done(maintenance);
    }
    MaintenancePhase phase =
        maintenance.getStatus() == null ? null : maintenance.getStatus().getPhase();
    if (phase != null && !phase.isTerminal()) {
      MaintenanceStep.Report report = look(maintenance, context, true);
      if (report.phase() == null || !report.phase().isTerminal()) {
        Duration again = report.again() == null ? Duration.ofSeconds(1) : report.again();
        return DeleteControl.noFinalizerRemoval()
            .rescheduleAfter(again.isZero() ? Duration.ofMillis(1) : again);
      }
    }
    return done(maintenance);
  }

  private DeleteControl done(HostMaintenance maintenance) {
    hostReadAt.remove(maintenance.getMetadata().getUid());
    metrics.forget(key(maintenance));
    return DeleteControl.defaultDelete();
  }

  /** An unreadable maintenance goes only if its status shows it changed nothing, or has ended. */
  private static boolean mayLetGo(HostMaintenance maintenance) {
    String phase = Unreadable.phase(maintenance);
    if (phase.isEmpty()) {
      return true;
    }
    try {
      MaintenancePhase known = MaintenancePhase.valueOf(phase);
      return known == MaintenancePhase.Planning || known.isTerminal();
    } catch (IllegalArgumentException unknown) {
      return false;
    }
  }

  private MaintenanceStep.Report look(
      HostMaintenance maintenance, Context<HostMaintenance> context, boolean deleting) {
    String namespace = maintenance.getMetadata().getNamespace();
    String poolKey = namespace + "/" + maintenance.getSpec().getPool();
    Instant now = clock.instant();
    String uid = maintenance.getMetadata().getUid();
    Instant read = hostReadAt.get(uid);
    boolean due =
        read == null
            || !now.isBefore(read.plus(HOST_CHECK))
            || (maintenance.getStatus() != null && maintenance.getStatus().getIntent() != null);
    List<LiveMigration> owned =
        children.list(namespace, m -> isOwnedBy(m, maintenance)).collect(Collectors.toList());
    String prefix = maintenance.getMetadata().getName() + "-";
    // Names a child would take that other objects hold. Until the LiveMigration cache is there
    // none show: a create then meets the other object's 409 and leaves it alone, and the next look
    // reports the name taken.
    java.util.Set<String> taken =
        known
            .list(
                namespace,
                m -> m.getMetadata().getName().startsWith(prefix) && !isOwnedBy(m, maintenance))
            .map(m -> m.getMetadata().getName())
            .collect(Collectors.toSet());
    MaintenanceLook look =
        new MaintenanceLook(
            maintenance,
            pools.get(new ResourceID(maintenance.getSpec().getPool(), namespace)).orElse(null),
            drivers.existing(poolKey),
            inventories.get(poolKey).orElse(null),
            PoolIndex.of(pools.list().toList()),
            owned,
            context.getPrimaryCache().list().toList(),
            taken,
            deleting,
            due,
            now);
    MaintenancePhase before =
        maintenance.getStatus() == null ? null : maintenance.getStatus().getPhase();
    MaintenanceStep.Report report =
        step.run(look, resource -> StatusApply.write(context, resource), new ApiChildren());
    if (due) {
      hostReadAt.put(uid, now);
    }
    for (MaintenanceStep.Written written : report.written()) {
      announce(written);
    }
    metrics.observed(key(maintenance), report.phase() == null ? before : report.phase());
    return report;
  }

  private static boolean isOwnedBy(LiveMigration migration, HostMaintenance maintenance) {
    return migration.getMetadata().getOwnerReferences() != null
        && migration.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> maintenance.getMetadata().getUid().equals(o.getUid()));
  }

  /** Events, metrics and a log line for an outcome that was written. */
  private void announce(MaintenanceStep.Written written) {
    MaintenanceOutcome outcome = written.outcome();
    HostMaintenance as = written.as();
    LOG.log(
        outcome.phase() == written.from() ? Level.FINE : Level.INFO,
        () ->
            as.getMetadata().getName()
                + ": "
                + written.from()
                + " -> "
                + outcome.phase()
                + " ("
                + SafeText.safe(outcome.reason())
                + ": "
                + SafeText.safe(outcome.message())
                + ")");
    for (MaintenanceOutcome.Event event : outcome.events()) {
      events.record(as, event.reason(), event.message());
    }
    metrics.recorded(key(as), written.from(), as.getStatus());
  }

  private static String key(HostMaintenance maintenance) {
    return maintenance.getMetadata().getNamespace() + "/" + maintenance.getMetadata().getName();
  }

  /** Children on the API server: created once under their name, cancelled by a merge patch. */
  private final class ApiChildren implements Children {
    @Override
    public void create(LiveMigration child) {
      try {
        client.resource(child).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }

    @Override
    public void cancel(String namespace, String name) {
      client
          .resources(LiveMigration.class)
          .inNamespace(namespace)
          .withName(name)
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"cancel\":true}}");
    }
  }
}
