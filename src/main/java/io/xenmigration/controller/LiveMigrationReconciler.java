package io.xenmigration.controller;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.xenmigration.api.v1alpha1.HostMaintenance;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.config.UnreadableResources;
import io.xenmigration.events.EventReason;
import io.xenmigration.events.EventRecorder;
import io.xenmigration.metrics.MigrationMetrics;
import io.xenmigration.migration.HostsInMaintenance;
import io.xenmigration.migration.MigrationContext;
import io.xenmigration.migration.MigrationFlow;
import io.xenmigration.migration.MigrationStatusWriter;
import io.xenmigration.migration.MigrationStep;
import io.xenmigration.migration.PhaseOutcome;
import io.xenmigration.migration.PoolIndex;
import io.xenmigration.status.SafeText;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Moves a VM as its LiveMigration asks: loads the migration with its pools, lets {@link
 * MigrationStep} decide, write, act and record, tells what was written in events and metrics, and
 * comes back when the step asks. Deleting an active migration runs the same steps, as a cancel,
 * until the migration has ended; only then does its finalizer go.
 */
@ControllerConfiguration(name = "livemigration")
public class LiveMigrationReconciler implements Reconciler<LiveMigration>, Cleaner<LiveMigration> {

  private static final Logger LOG = Logger.getLogger(LiveMigrationReconciler.class.getName());

  /** How soon a migration whose reconciles kept failing is looked at again. */
  static final Duration AFTER_STALL = Duration.ofMinutes(1);

  private final MigrationFlow flow;
  private final MigrationStep step;
  private final EventRecorder events;
  private final MigrationMetrics metrics;
  private final UnreadableResources unreadable;
  private final Clock clock;
  private final KnownMigrations known;
  private InformerEventSource<XenPool, LiveMigration> pools;
  private InformerEventSource<HostMaintenance, LiveMigration> maintenances;

  @Inject
  public LiveMigrationReconciler(
      MigrationFlow flow,
      MigrationStep step,
      EventRecorder events,
      MigrationMetrics metrics,
      UnreadableResources unreadable,
      Clock clock,
      KnownMigrations known) {
    this.flow = flow;
    this.known = known;
    this.step = step;
    this.events = events;
    this.metrics = metrics;
    this.unreadable = unreadable;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, LiveMigration>> prepareEventSources(
      EventSourceContext<LiveMigration> context) {
    context.getPrimaryCache().addIndexers(CachedMigrations.indexers());
    known.use(context.getPrimaryCache());
    metrics.countKnown(() -> context.getPrimaryCache().list());
    // A pool becoming Ready wakes the migrations waiting for it.
    pools =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(XenPool.class, LiveMigration.class)
                .withSecondaryToPrimaryMapper(
                    pool ->
                        context
                            .getPrimaryCache()
                            .list(m -> Pools.names(m, pool))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    // The hosts maintenances hold; a migration reads them when it places its VM, and the
    // controller waits for this cache to fill before its first look, so none is missed.
    maintenances =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(HostMaintenance.class, LiveMigration.class)
                .withSecondaryToPrimaryMapper(hm -> java.util.Set.of())
                .build(),
            context);
    return List.of(pools, maintenances, new MigrationWakeups(context, flow));
  }

  @Override
  public UpdateControl<LiveMigration> reconcile(
      LiveMigration migration, Context<LiveMigration> context) {
    if (unreadable.report(migration)) {
      return UpdateControl.noUpdate();
    }
    MigrationPhase phase = migration.getStatus() == null ? null : migration.getStatus().getPhase();
    if (phase != null && phase.isTerminal() && migration.getStatus().getIntent() == null) {
      return UpdateControl.noUpdate();
    }
    Duration again = look(migration, context, false).again();
    return again == null
        ? UpdateControl.noUpdate()
        : UpdateControl.<LiveMigration>noUpdate().rescheduleAfter(atLeastAMoment(again));
  }

  /**
   * Deleting a migration that may have touched a pool cancels it: the same steps run, rollback
   * included, until it has ended and its VM is verified; "not known yet" waits, never lets go.
   */
  @Override
  public DeleteControl cleanup(LiveMigration migration, Context<LiveMigration> context) {
    String key = Pools.key(migration);
    if (unreadable.report(migration) && !unreadable.mayLetGo(migration)) {
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(AFTER_STALL);
    }
    MigrationPhase phase = migration.getStatus() == null ? null : migration.getStatus().getPhase();
    if (phase != null && phase.isActive()) {
      MigrationStep.Report report = look(migration, context, true);
      // Only what was written counts: a decision whose write did not land ended nothing.
      if (!report.phase().isTerminal()) {
        return DeleteControl.noFinalizerRemoval()
            .rescheduleAfter(
                atLeastAMoment(report.again() == null ? Duration.ofSeconds(1) : report.again()));
      }
    }
    metrics.forget(key);
    flow.ledger().forget(key);
    return DeleteControl.defaultDelete();
  }

  /**
   * Once the controller's retries are spent on an error that is not XenAPI's (those the flow
   * handles), says so in the status and looks again later instead of leaving the migration stuck.
   */
  @Override
  public ErrorStatusUpdateControl<LiveMigration> updateErrorStatus(
      LiveMigration migration, Context<LiveMigration> context, Exception e) {
    boolean lastTry = context.getRetryInfo().map(RetryInfo::isLastAttempt).orElse(true);
    MigrationPhase phase = migration.getStatus() == null ? null : migration.getStatus().getPhase();
    if (!lastTry || phase == null || phase.isTerminal()) {
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    // The failed look may have changed its copy in part: the stall is written on the cached one.
    LiveMigration cached =
        context.getPrimaryCache() == null
            ? null
            : context.getPrimaryCache().get(ResourceID.fromResource(migration)).orElse(null);
    LiveMigration stalled = cached == null ? migration : Serialization.clone(cached);
    MigrationPhase was =
        stalled.getStatus() == null || stalled.getStatus().getPhase() == null
            ? phase
            : stalled.getStatus().getPhase();
    String message =
        "the operator could not handle this migration (" + e + "); looking again later";
    new MigrationStatusWriter(stalled).phase(was, "Stalled", message, clock.instant());
    events.record(stalled, EventReason.Stalled, message);
    // No retry once they are spent: the look after the pause is a fresh one.
    return ErrorStatusUpdateControl.patchStatus(stalled).withNoRetry().rescheduleAfter(AFTER_STALL);
  }

  private MigrationStep.Report look(
      LiveMigration migration, Context<LiveMigration> context, boolean deleting) {
    String namespace = migration.getMetadata().getNamespace();
    PoolIndex index = PoolIndex.of(pools.list().toList());
    MigrationContext look =
        new MigrationContext(
            migration,
            pool(namespace, migration.getSpec().getPool()),
            pool(namespace, migration.getSpec().getDestinationPool()),
            new CachedMigrations(context.getPrimaryCache(), clock.instant()),
            index,
            deleting,
            clock.instant(),
            HostsInMaintenance.of(maintenances.list().toList(), index));
    MigrationStep.Report report = step.run(look, new ReconcileStatusStore(context));
    for (MigrationStep.Written written : report.written()) {
      announce(migration, written);
    }
    return report;
  }

  /** Events, metrics and a log line for an outcome that was written. */
  private void announce(LiveMigration migration, MigrationStep.Written written) {
    PhaseOutcome outcome = written.outcome();
    MigrationPhase from = written.from();
    LOG.log(
        outcome.phase() == from ? Level.FINE : Level.INFO,
        () ->
            migration.getMetadata().getName()
                + ": "
                + from
                + " -> "
                + outcome.phase()
                + " ("
                + SafeText.safe(outcome.reason())
                + ": "
                + SafeText.safe(written.message())
                + ")");
    String pool = Pools.poolKey(migration);
    LiveMigration as = written.migration();
    if (from != outcome.phase()) {
      metrics.phaseChanged(pool, from, outcome.phase(), as.getStatus(), clock.instant());
    }
    metrics.observed(pool, Pools.key(migration), outcome.phase());
    for (PhaseOutcome.Event event : written.events()) {
      events.record(as, event.reason(), event.message());
    }
  }

  private XenPool pool(String namespace, String name) {
    return name == null ? null : pools.get(new ResourceID(name, namespace)).orElse(null);
  }

  private static Duration atLeastAMoment(Duration again) {
    return again.isZero() ? Duration.ofMillis(1) : again;
  }
}
