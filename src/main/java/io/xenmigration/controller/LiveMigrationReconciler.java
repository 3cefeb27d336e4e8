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
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.events.EventReason;
import io.xenmigration.events.EventRecorder;
import io.xenmigration.metrics.MigrationMetrics;
import io.xenmigration.migration.MigrationContext;
import io.xenmigration.migration.MigrationFlow;
import io.xenmigration.migration.MigrationStatusWriter;
import io.xenmigration.migration.PhaseOutcome;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Moves a VM as its LiveMigration asks: loads the migration with its pools, lets the handler of its
 * phase decide, writes the outcome to the status, records an event per phase change, and comes back
 * when the outcome asks. The decisions live in {@link MigrationFlow}.
 */
@ControllerConfiguration(name = "livemigration")
public class LiveMigrationReconciler implements Reconciler<LiveMigration>, Cleaner<LiveMigration> {

  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(LiveMigrationReconciler.class.getName());

  /** How soon a migration whose reconciles kept failing is looked at again. */
  static final Duration AFTER_STALL = Duration.ofMinutes(1);

  private final MigrationFlow flow;
  private final EventRecorder events;
  private final MigrationMetrics metrics;
  private final Clock clock;
  private InformerEventSource<XenPool, LiveMigration> pools;

  @Inject
  public LiveMigrationReconciler(
      MigrationFlow flow, EventRecorder events, MigrationMetrics metrics, Clock clock) {
    this.flow = flow;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, LiveMigration>> prepareEventSources(
      EventSourceContext<LiveMigration> context) {
    metrics.countKnown(() -> context.getPrimaryCache().list());
    // A pool becoming Ready wakes the migrations waiting for it.
    pools =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(XenPool.class, LiveMigration.class)
                .withSecondaryToPrimaryMapper(
                    pool ->
                        context
                            .getPrimaryCache()
                            .list(
                                m ->
                                    m.getMetadata()
                                            .getNamespace()
                                            .equals(pool.getMetadata().getNamespace())
                                        && m.getSpec() != null
                                        && (pool.getMetadata()
                                                .getName()
                                                .equals(m.getSpec().getPool())
                                            || pool.getMetadata()
                                                .getName()
                                                .equals(m.getSpec().getDestinationPool())))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    return List.of(pools, new MigrationWakeups(context, flow));
  }

  @Override
  public UpdateControl<LiveMigration> reconcile(
      LiveMigration migration, Context<LiveMigration> context) throws Exception {
    String unchanged =
        migration.getStatus() == null ? null : Serialization.asJson(migration.getStatus());
    MigrationStatusWriter writer = new MigrationStatusWriter(migration);
    MigrationPhase before = writer.status().getPhase();
    if (before == null) {
      // Accepted: written on its own, so that every migration is seen in the queue first.
      writer.phase(MigrationPhase.Queued, "Queued", "accepted", clock.instant());
      events.record(migration, EventReason.Queued, "accepted");
      metrics.observed(poolKey(migration), key(migration), MigrationPhase.Queued);
      return UpdateControl.patchStatus(migration).rescheduleAfter(Duration.ofMillis(1));
    }
    if (before.isTerminal()) {
      return UpdateControl.noUpdate();
    }
    PhaseOutcome outcome = flow.handle(context(migration, context));
    LOG.log(
        outcome.phase() == before ? java.util.logging.Level.FINE : java.util.logging.Level.INFO,
        () ->
            migration.getMetadata().getName()
                + ": "
                + writer.status().getPhase()
                + " -> "
                + outcome.phase()
                + " ("
                + outcome.reason()
                + ": "
                + outcome.message()
                + ")");
    apply(migration, writer, outcome);
    metrics.observed(poolKey(migration), key(migration), outcome.phase());
    UpdateControl<LiveMigration> control =
        Serialization.asJson(migration.getStatus()).equals(unchanged)
            ? UpdateControl.noUpdate()
            : UpdateControl.patchStatus(migration);
    // A status patch does not wake the controller (the generation is unchanged): a new phase is
    // handled at once, and a phase that waits says when to look again.
    Duration again = outcome.requeue();
    if (again == null && outcome.phase() != before && !outcome.phase().isTerminal()) {
      again = Duration.ZERO;
    }
    if (again != null) {
      control = control.rescheduleAfter(again.isZero() ? Duration.ofMillis(1) : again);
    }
    return control;
  }

  /** Deleting an active migration stops it first; a finished or queued one goes at once. */
  @Override
  public DeleteControl cleanup(LiveMigration migration, Context<LiveMigration> context)
      throws Exception {
    Duration again = flow.abandon(context(migration, context));
    if (again == null) {
      metrics.forget(key(migration));
    }
    return again == null
        ? DeleteControl.defaultDelete()
        : DeleteControl.noFinalizerRemoval().rescheduleAfter(again);
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
    String message =
        "the operator could not handle this migration (" + e + "); looking again later";
    new MigrationStatusWriter(migration).phase(phase, "Stalled", message, clock.instant());
    events.record(migration, EventReason.Stalled, message);
    return ErrorStatusUpdateControl.patchStatus(migration).rescheduleAfter(AFTER_STALL);
  }

  private static String key(LiveMigration migration) {
    return migration.getMetadata().getNamespace() + "/" + migration.getMetadata().getName();
  }

  private static String poolKey(LiveMigration migration) {
    return migration.getMetadata().getNamespace()
        + "/"
        + (migration.getSpec() == null ? null : migration.getSpec().getPool());
  }

  private MigrationContext context(LiveMigration migration, Context<LiveMigration> context) {
    String namespace = migration.getMetadata().getNamespace();
    XenPool source =
        pool(namespace, migration.getSpec() == null ? null : migration.getSpec().getPool());
    XenPool destination =
        pool(
            namespace,
            migration.getSpec() == null ? null : migration.getSpec().getDestinationPool());
    List<LiveMigration> others =
        context
            .getPrimaryCache()
            .list(
                m ->
                    m.getMetadata().getNamespace().equals(namespace)
                        && !m.getMetadata().getName().equals(migration.getMetadata().getName()))
            .toList();
    return new MigrationContext(migration, source, destination, others, clock.instant());
  }

  private XenPool pool(String namespace, String name) {
    return name == null ? null : pools.get(new ResourceID(name, namespace)).orElse(null);
  }

  private void apply(LiveMigration migration, MigrationStatusWriter writer, PhaseOutcome outcome) {
    MigrationPhase from = writer.status().getPhase();
    outcome.edits().forEach(edit -> edit.accept(writer));
    writer.phase(outcome.phase(), outcome.reason(), outcome.message(), clock.instant());
    if (from != outcome.phase()) {
      metrics.phaseChanged(
          poolKey(migration), from, outcome.phase(), writer.status(), clock.instant());
    }
    for (PhaseOutcome.Event event : outcome.events()) {
      events.record(migration, event.reason(), event.message());
    }
  }
}
