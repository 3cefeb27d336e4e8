package io.xenmigration.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.config.UnreadableResources;
import io.xenmigration.events.EventRecorder;
import io.xenmigration.metrics.MigrationMetrics;
import io.xenmigration.migration.MigrationStatusWriter;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Once the controller's retries are spent, a migration is marked Stalled and looked at again after
 * a pause, with no retry left pending: the next look is a fresh one, not the SDK's ten-hour
 * maximum, and an error before the last try is retried as usual.
 */
class ErrorStatusTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final LiveMigrationReconciler reconciler =
      new LiveMigrationReconciler(
          null,
          null,
          new EventRecorder(null, Clock.fixed(T0, ZoneOffset.UTC)),
          new MigrationMetrics(new SimpleMeterRegistry()),
          new UnreadableResources(new EventRecorder(null, Clock.fixed(T0, ZoneOffset.UTC))),
          Clock.fixed(T0, ZoneOffset.UTC),
          new KnownMigrations());

  private static LiveMigration running() {
    LiveMigration lm = new LiveMigration();
    lm.setMetadata(new ObjectMetaBuilder().withName("move").withNamespace("ns").build());
    lm.setSpec(new LiveMigrationSpec());
    MigrationStatusWriter w = new MigrationStatusWriter(lm);
    w.phase(MigrationPhase.Queued, "Queued", "accepted", T0);
    w.phase(MigrationPhase.Preparing, "Admitted", "", T0);
    w.phase(MigrationPhase.Running, "Migrating", "", T0);
    return lm;
  }

  @SuppressWarnings("unchecked")
  private static Context<LiveMigration> tried(boolean last) {
    RetryInfo retry =
        new RetryInfo() {
          @Override
          public int getAttemptCount() {
            return 5;
          }

          @Override
          public boolean isLastAttempt() {
            return last;
          }
        };
    return (Context<LiveMigration>)
        Proxy.newProxyInstance(
            Context.class.getClassLoader(),
            new Class<?>[] {Context.class},
            (proxy, method, args) ->
                method.getName().equals("getRetryInfo") ? Optional.of(retry) : null);
  }

  @Test
  void afterTheLastRetryTheMigrationIsStalledAndLookedAtAgainWithoutARetryPending() {
    LiveMigration lm = running();
    ErrorStatusUpdateControl<LiveMigration> control =
        reconciler.updateErrorStatus(lm, tried(true), new IllegalStateException("boom"));
    assertThat(control.isNoRetry()).isTrue();
    assertThat(control.getScheduleDelay()).contains(LiveMigrationReconciler.AFTER_STALL.toMillis());
    assertThat(control.getResource()).isPresent();
    assertThat(lm.getStatus().getReason()).isEqualTo("Stalled");
    assertThat(lm.getStatus().getPhase()).isEqualTo(MigrationPhase.Running);
    assertThat(lm.getStatus().getMessage()).contains("boom");
  }

  @Test
  void beforeTheLastRetryTheSdkRetriesAsUsual() {
    ErrorStatusUpdateControl<LiveMigration> control =
        reconciler.updateErrorStatus(running(), tried(false), new IllegalStateException("boom"));
    assertThat(control.isDefaultErrorProcessing()).isTrue();
  }
}
