package io.xenmigration.maintenance;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.xenmigration.api.v1alpha1.HostMaintenance;
import io.xenmigration.api.v1alpha1.MaintenancePhase;
import io.xenmigration.migration.ActionFence;
import io.xenmigration.migration.StatusStore;
import io.xenmigration.status.SafeText;
import io.xenmigration.xen.PoolWrites;
import io.xenmigration.xen.XenApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One look at a maintenance, in the order that keeps the pool safe: decide (the phase handler,
 * which only reads), write the decision (conditionally on the version read, by the current leader),
 * then act: a host call is preceded by its written intent and followed by a write of its result;
 * children are named in the status before they are created, so a restarted operator finds them
 * under the same names and never makes a second.
 */
public final class MaintenanceStep {

  private static final Logger LOG = Logger.getLogger(MaintenanceStep.class.getName());

  /** How soon a look whose write did not land is made again, on fresh state. */
  static final Duration AFTER_REFUSED_WRITE = Duration.ofMillis(200);

  /** How soon a process that may not act looks again. */
  static final Duration WHILE_FENCED = Duration.ofSeconds(5);

  /** An outcome that was written, from the phase before it, with the object as written. */
  public record Written(MaintenancePhase from, MaintenanceOutcome outcome, HostMaintenance as) {}

  /**
   * What one look did: what it wrote, the phase as last written (or read), and when to look again
   * (null: at the next event).
   */
  public record Report(List<Written> written, MaintenancePhase phase, Duration again) {}

  private final MaintenanceFlow flow;
  private final ActionFence fence;

  public MaintenanceStep(MaintenanceFlow flow, ActionFence fence) {
    this.flow = flow;
    this.fence = fence;
  }

  /** Looks once; the look's maintenance is its own copy and is changed in place. */
  public Report run(MaintenanceLook look, MaintenanceStore store, Children children) {
    HostMaintenance maintenance = look.maintenance();
    MaintenancePhase from =
        maintenance.getStatus() == null ? null : maintenance.getStatus().getPhase();
    new MaintenanceStatusWriter(maintenance);
    String before = Serialization.asJson(maintenance.getStatus());
    MaintenanceOutcome decided = flow.decide(look);
    if (decided == null) {
      return new Report(List.of(), from, null);
    }
    Instant now = look.now();
    apply(maintenance, decided, now);
    MaintenanceOutcome.Action action = decided.action();
    List<Written> written = new ArrayList<>();
    if (action == null) {
      if (Serialization.asJson(maintenance.getStatus()).equals(before)) {
        return new Report(written, from, again(decided, from));
      }
      HostMaintenance landed = write(store, maintenance);
      if (landed == null) {
        return new Report(written, from, AFTER_REFUSED_WRITE);
      }
      written.add(new Written(from, decided, landed));
      return new Report(written, landed.getStatus().getPhase(), again(decided, from));
    }
    if (!fence.mayAct()) {
      LOG.info(() -> look.key() + ": not acting: " + fence.why());
      return new Report(written, from, WHILE_FENCED);
    }
    if (action instanceof MaintenanceOutcome.HostCall call) {
      new MaintenanceStatusWriter(maintenance).intent(call.name(), now);
    }
    HostMaintenance landed = write(store, maintenance);
    if (landed == null) {
      return new Report(written, from, AFTER_REFUSED_WRITE);
    }
    written.add(new Written(from, decided, landed));
    MaintenancePhase mid = landed.getStatus().getPhase();
    if (!fence.mayAct()) {
      // The intent stands; whoever leads next reads the host before going on.
      LOG.info(() -> look.key() + ": written, not acting: " + fence.why());
      return new Report(written, mid, WHILE_FENCED);
    }
    if (action instanceof MaintenanceOutcome.CreateChildren create) {
      for (var child : create.children()) {
        try {
          children.create(child);
        } catch (RuntimeException e) {
          // Named in the status: the next look finds it missing and creates it again.
          LOG.log(
              Level.INFO,
              () ->
                  look.key()
                      + ": could not create "
                      + child.getMetadata().getName()
                      + ": "
                      + SafeText.safe(String.valueOf(e.getMessage())));
        }
      }
      return new Report(written, mid, again(decided, from));
    }
    if (action instanceof MaintenanceOutcome.CancelChildren cancel) {
      for (String name : cancel.names()) {
        try {
          children.cancel(maintenance.getMetadata().getNamespace(), name);
        } catch (RuntimeException e) {
          LOG.log(
              Level.INFO,
              () ->
                  look.key()
                      + ": could not cancel "
                      + name
                      + ": "
                      + SafeText.safe(String.valueOf(e.getMessage())));
        }
      }
      return new Report(written, mid, again(decided, from));
    }
    MaintenanceOutcome.HostCall call = (MaintenanceOutcome.HostCall) action;
    XenApiException error = null;
    try {
      call.call().run();
    } catch (XenApiException e) {
      error = e;
    }
    if (error != null && PoolWrites.NOT_LEADING.equals(error.code())) {
      return new Report(written, mid, WHILE_FENCED);
    }
    MaintenanceOutcome recorded = call.then().apply(error);
    HostMaintenance record = Serialization.clone(landed);
    new MaintenanceStatusWriter(record).intentDone();
    apply(record, recorded, now);
    HostMaintenance result = write(store, record);
    if (result == null) {
      // Made and not recorded: the intent tells the next look to read the host first.
      return new Report(written, mid, AFTER_REFUSED_WRITE);
    }
    written.add(new Written(mid, recorded, result));
    return new Report(written, result.getStatus().getPhase(), again(recorded, mid));
  }

  private static void apply(HostMaintenance maintenance, MaintenanceOutcome outcome, Instant now) {
    MaintenanceStatusWriter writer = new MaintenanceStatusWriter(maintenance);
    // A decision replaces whatever intent the last write carried: it was taken on a fresh read.
    writer.intentDone();
    outcome.edits().forEach(edit -> edit.accept(writer));
    writer.phase(outcome.phase(), outcome.reason(), outcome.message(), now);
  }

  private static HostMaintenance write(MaintenanceStore store, HostMaintenance maintenance) {
    try {
      return store.write(maintenance);
    } catch (StatusStore.WriteRefused e) {
      LOG.log(
          e.conflict() ? Level.FINE : Level.INFO,
          () ->
              maintenance.getMetadata().getName()
                  + ": status write did not land ("
                  + SafeText.safe(e.getMessage())
                  + "); looking again");
      return null;
    }
  }

  /** A new phase is handled at once; a phase that waits says when to look again. */
  private static Duration again(MaintenanceOutcome outcome, MaintenancePhase from) {
    Duration again = outcome.requeue();
    if (again == null && outcome.phase() != from && !outcome.phase().isTerminal()) {
      again = Duration.ZERO;
    }
    return again;
  }
}
