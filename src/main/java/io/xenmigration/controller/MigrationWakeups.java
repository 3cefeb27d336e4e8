package io.xenmigration.controller;

import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.migration.MigrationFlow;
import io.xenmigration.migration.Wakeups;
import java.util.List;
import java.util.Set;

/**
 * Turns the operator's own news into reconciles: a followed XenAPI task changed, or a slot freed up
 * in a pool, so the migrations concerned are looked at now instead of at their next beat.
 */
final class MigrationWakeups extends AbstractEventSource<Void, LiveMigration> implements Wakeups {

  private final EventSourceContext<LiveMigration> context;
  private final MigrationFlow flow;

  MigrationWakeups(EventSourceContext<LiveMigration> context, MigrationFlow flow) {
    super(Void.class, "migration-wakeups");
    this.context = context;
    this.flow = flow;
  }

  @Override
  public void start() throws OperatorException {
    super.start();
    flow.wakeWith(this);
  }

  @Override
  public void stop() throws OperatorException {
    flow.wakeWith(Wakeups.NONE);
    super.stop();
  }

  @Override
  public void migration(String key) {
    int slash = key.indexOf('/');
    wake(new ResourceID(key.substring(slash + 1), key.substring(0, slash)));
  }

  @Override
  public void queuedIn(String poolKey) {
    int slash = poolKey.indexOf('/');
    String namespace = poolKey.substring(0, slash);
    String pool = poolKey.substring(slash + 1);
    new CachedMigrations(context.getPrimaryCache(), null)
        .inPhases(List.of(CachedMigrations.NO_PHASE, MigrationPhase.Queued.name())).stream()
            .filter(
                m ->
                    namespace.equals(m.getMetadata().getNamespace())
                        && m.getSpec() != null
                        && pool.equals(m.getSpec().getPool()))
            .forEach(m -> wake(ResourceID.fromResource(m)));
  }

  private void wake(ResourceID id) {
    if (isRunning()) {
      getEventHandler().handleEvent(new Event(id));
    }
  }

  @Override
  public Set<Void> getSecondaryResources(LiveMigration primary) {
    return Set.of();
  }
}
