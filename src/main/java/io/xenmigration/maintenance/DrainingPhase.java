package io.xenmigration.maintenance;

import io.xenmigration.api.v1alpha1.BlockedPolicy;
import io.xenmigration.api.v1alpha1.BlockedVm;
import io.xenmigration.api.v1alpha1.HostMaintenance;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.MaintenancePhase;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.PlannedVm;
import io.xenmigration.api.v1alpha1.PoolLimits;
import io.xenmigration.events.EventReason;
import io.xenmigration.migration.HostsInMaintenance;
import io.xenmigration.xen.HostInfo;
import io.xenmigration.xen.VmInfo;
import io.xenmigration.xen.XenApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Draining and InMaintenance: keeps the host disabled, moves every VM off through child
 * LiveMigrations (largest first, at most {@code maxParallel} at a time, one child per VM so that a
 * VM whose child gave up is reported, never tried again), looks again at VMs that cannot move yet,
 * and holds the host once nothing runs on it.
 */
final class DrainingPhase implements MaintenanceHandler {

  /** How often VMs that cannot move yet are looked at again, with xapi's blockers read again. */
  static final Duration BLOCKED_AGAIN = Duration.ofMinutes(1);

  /** How soon a draining maintenance looks again without a child telling it something. */
  static final Duration WHILE_DRAINING = Duration.ofSeconds(10);

  /** How often a host in maintenance is read fresh to keep it disabled and empty. */
  static final Duration WHILE_HELD = Duration.ofSeconds(15);

  @Override
  public MaintenanceOutcome decide(MaintenanceLook look) throws XenApiException {
    MaintenancePhase phase = look.status().getPhase();
    if (look.endRequested()) {
      return ExitingPhase.begin(look, MaintenancePhase.Cancelled, null, null);
    }
    Integer timeout = look.spec().getTimeoutSeconds();
    String since = look.status().getPhaseTimes().get(MaintenancePhase.Draining.name());
    // The timeout is the first drain's: a VM arriving at a host already held starts no clock.
    if (phase == MaintenancePhase.Draining
        && timeout != null
        && since != null
        && !look.status().getPhaseTimes().containsKey(MaintenancePhase.InMaintenance.name())
        && look.now().isAfter(Instant.parse(since).plusSeconds(timeout))) {
      return ExitingPhase.begin(
          look,
          MaintenancePhase.Failed,
          "DrainTimeout",
          "the host was not empty after timeoutSeconds (" + timeout + " s)");
    }
    HostInfo host = look.host();
    if (look.driver() == null || host == null) {
      return MaintenanceOutcome.to(phase, "PoolNotReady", "waiting for the pool to be connected")
          .requeue(PlanningPhase.WAIT);
    }
    // Read fresh on a timer: the inventory's flag may predate the disable by a resync interval.
    if (look.hostCheckDue() && look.driver().host(host.ref()).enabled()) {
      return reassert(look, host, phase);
    }

    Map<String, LiveMigration> children =
        ChildMigrations.byVm(look.children(), look.maintenance(), ChildMigrations.DRAIN);
    Map<String, VmInfo> running = new LinkedHashMap<>();
    for (VmInfo vm : PlanningPhase.residents(look.inventory(), host)) {
      running.put(key(vm.uuid()), vm);
    }
    List<PlannedVm> plan = new ArrayList<>(look.status().getPlan());
    Set<String> planned = new HashSet<>();
    plan.forEach(p -> planned.add(key(p.getUuid())));
    List<VmInfo> arrived = new ArrayList<>();
    for (VmInfo vm : running.values()) {
      if (!planned.contains(key(vm.uuid()))) {
        arrived.add(vm);
      }
    }
    if (!arrived.isEmpty()) {
      // The inventory may still show a VM that left a moment ago: only one XenAPI says runs
      // here now has arrived.
      Set<String> there = new HashSet<>(look.driver().residentVms(host.ref()));
      arrived.removeIf(vm -> !there.contains(vm.ref()));
    }
    MaintenanceOutcome outcome = null;
    List<BlockedVm> blocked = new ArrayList<>();
    Map<String, BlockedVm> waiting = new HashMap<>();
    for (BlockedVm b : look.status().getBlocked()) {
      waiting.put(key(b.getUuid()), b);
    }
    Instant read =
        look.status().getBlockersReadAt() == null
            ? Instant.EPOCH
            : Instant.parse(look.status().getBlockersReadAt());
    boolean lookAgain =
        !arrived.isEmpty()
            || (!waiting.isEmpty() && !look.now().isBefore(read.plus(BLOCKED_AGAIN)));
    if (lookAgain) {
      // VMs that arrived, and those that could not move, are planned again with fresh blockers.
      List<VmInfo> again = new ArrayList<>(arrived);
      for (VmInfo vm : running.values()) {
        if (waiting.containsKey(key(vm.uuid())) && !children.containsKey(key(vm.uuid()))) {
          again.add(vm);
        }
      }
      Map<String, String> held =
          HostsInMaintenance.of(PlanningPhase.others(look), look.pools())
              .held(look.inventory().uuid(), look.inventory().hosts());
      Planner.Plan fresh = Planner.plan(look, host, again, look.status().getBlocked(), held);
      Map<String, PlannedVm> replanned = new HashMap<>();
      fresh.vms().forEach(p -> replanned.put(key(p.getUuid()), p));
      plan.replaceAll(p -> replanned.getOrDefault(key(p.getUuid()), p));
      for (VmInfo vm : arrived) {
        plan.add(replanned.get(key(vm.uuid())));
      }
      // The VMs planned again take their fresh verdict; those whose child gave up keep theirs.
      again.forEach(vm -> waiting.remove(key(vm.uuid())));
      fresh.blocked().forEach(b -> waiting.put(key(b.getUuid()), b));
      outcome = MaintenanceOutcome.to(phase, "Draining", "");
      if (phase == MaintenancePhase.InMaintenance && !arrived.isEmpty()) {
        outcome.event(
            EventReason.DrainResumed,
            arrived.size() + " VMs run on " + host.name() + " again; draining it again");
      }
      Instant now = look.now();
      outcome.edit(w -> w.blockersReadAt(now));
      for (BlockedVm b : fresh.blocked()) {
        boolean known =
            look.status().getBlocked().stream()
                .anyMatch(o -> key(o.getUuid()).equals(key(b.getUuid())));
        if (!known) {
          outcome.event(EventReason.VmBlocked, b.getMessage());
        }
      }
    }

    int moved = 0;
    int gone = 0;
    int active = 0;
    int queued = 0;
    List<PlannedVm> candidates = new ArrayList<>();
    List<String> gaveUp = new ArrayList<>();
    for (PlannedVm vm : plan) {
      String uuid = key(vm.getUuid());
      LiveMigration child = children.get(uuid);
      boolean there = running.containsKey(uuid);
      if (child != null) {
        MigrationPhase childPhase = ChildMigrations.phase(child);
        if (childPhase == MigrationPhase.Completed) {
          moved++;
          gone++;
        } else if (!childPhase.isTerminal()) {
          active++;
          if (childPhase == MigrationPhase.Queued) {
            queued++;
          }
        } else if (there && !stopped(child)) {
          // The child tried its attempts and gave up: reported, never tried again.
          BlockedVm b = gaveUp(vm, child, look.now(), waiting.get(uuid));
          blocked.add(b);
          if (!waiting.containsKey(uuid)) {
            gaveUp.add(b.getMessage());
          }
        } else {
          gone++;
        }
      } else if (!there) {
        gone++; // powered off, or moved by someone else: done
      } else if (waiting.containsKey(uuid)) {
        blocked.add(waiting.get(uuid));
      } else if (look.taken().contains(childName(look, uuid))) {
        // Another object has the name this VM's child must have: never touched, reported.
        BlockedVm b = new BlockedVm();
        b.setVm(vm.getVm());
        b.setUuid(vm.getUuid());
        b.setCode("NameTaken");
        b.setParams(List.of(childName(look, uuid)));
        b.setMessage(
            "a LiveMigration named "
                + childName(look, uuid)
                + " exists and is not this maintenance's; delete or rename it to let "
                + vm.getVm()
                + " move");
        b.setSince(look.now().toString());
        blocked.add(b);
      } else {
        candidates.add(vm);
      }
    }
    int total = plan.size();
    int blockedCount = blocked.size();
    int movedCount = moved;
    int goneCount = gone;
    if (outcome == null) {
      outcome = MaintenanceOutcome.to(phase, "Draining", "");
    }
    outcome
        .edit(w -> w.plan(plan))
        .edit(w -> w.blocked(blocked))
        .edit(w -> w.progress(movedCount, total, blockedCount, goneCount));
    for (String message : gaveUp) {
      outcome.event(EventReason.VmBlocked, message);
    }

    if (!gaveUp.isEmpty() && look.spec().getOnBlocked() == BlockedPolicy.Fail) {
      return failing(
          outcome,
          look,
          "Blocked",
          gaveUp.size() + " VMs could not be moved and onBlocked is Fail: " + gaveUp.get(0));
    }

    HostMaintenance rival = PlanningPhase.rival(look, look.inventory().uuid(), host);
    if (rival != null) {
      return failing(
          outcome,
          look,
          "HostBusy",
          "HostMaintenance "
              + rival.getMetadata().getNamespace()
              + "/"
              + rival.getMetadata().getName()
              + " holds "
              + host.name()
              + " too and is older; this one stops moving VMs");
    }
    int room = maxParallel(look) + ahead(look) - active;
    int waitingCount = queued;
    if (!candidates.isEmpty() && room > 0) {
      List<LiveMigration> create = new ArrayList<>();
      for (PlannedVm vm : candidates.subList(0, Math.min(room, candidates.size()))) {
        LiveMigration child =
            ChildMigrations.child(
                look.maintenance(), key(vm.getUuid()), ChildMigrations.DRAIN, null);
        create.add(child);
        String name = child.getMetadata().getName();
        outcome.edit(w -> w.child(name));
      }
      // Those within maxParallel start at once; the rest wait in the queue.
      int starting = Math.min(create.size(), Math.max(0, maxParallel(look) - active));
      return retitle(
              outcome,
              MaintenancePhase.Draining,
              "Draining",
              progress(
                  movedCount,
                  total,
                  active - waitingCount + starting,
                  waitingCount + create.size() - starting,
                  blockedCount))
          .act(new MaintenanceOutcome.CreateChildren(create))
          .requeue(WHILE_DRAINING);
    }
    if (active > 0 || !candidates.isEmpty()) {
      return retitle(
              outcome,
              MaintenancePhase.Draining,
              "Draining",
              progress(movedCount, total, active - waitingCount, waitingCount, blockedCount))
          .requeue(WHILE_DRAINING);
    }
    if (blockedCount > 0) {
      return retitle(
              outcome,
              MaintenancePhase.Draining,
              "Blocked",
              blockedCount
                  + " VMs cannot move (see status.blocked); looking at them again every "
                  + BLOCKED_AGAIN.toSeconds()
                  + " s")
          .requeue(BLOCKED_AGAIN);
    }
    if (phase == MaintenancePhase.InMaintenance && !look.hostCheckDue()) {
      return retitle(outcome, phase, "HostEmpty", "the host is disabled and runs no VM")
          .requeue(WHILE_HELD);
    }
    // The inventory says the host is empty: XenAPI is asked, as it may lag behind.
    List<String> stillThere = look.driver().residentVms(host.ref());
    if (!stillThere.isEmpty()) {
      return retitle(
              outcome,
              MaintenancePhase.Draining,
              "Draining",
              stillThere.size()
                  + " VMs still run on "
                  + host.name()
                  + "; waiting for the pool's inventory to show them")
          .requeue(WHILE_DRAINING);
    }
    MaintenanceOutcome held =
        retitle(
                outcome,
                MaintenancePhase.InMaintenance,
                "HostEmpty",
                host.name() + " is disabled and runs no VM")
            .requeue(WHILE_HELD);
    if (phase != MaintenancePhase.InMaintenance) {
      held.event(
          EventReason.InMaintenance,
          host.name() + " is in maintenance: " + movedCount + " VMs moved off");
    }
    return held;
  }

  /** The host came back enabled: it is disabled again, and so enabled again at the end. */
  private static MaintenanceOutcome reassert(
      MaintenanceLook look, HostInfo host, MaintenancePhase phase) {
    String name = host.name();
    String message =
        name + " was enabled again (a toolstack restart or a person); disabling it again";
    return MaintenanceOutcome.to(phase, "Reenabled", message)
        .edit(w -> w.hostEnabled(true))
        .event(EventReason.HostReenabled, message)
        .act(
            new MaintenanceOutcome.HostCall(
                "DisableHost",
                () -> look.driver().disableHost(host.ref()),
                error -> {
                  if (error == null) {
                    return MaintenanceOutcome.to(phase, "Draining", "disabled " + name + " again")
                        .edit(w -> w.disabledHere(true))
                        .edit(w -> w.hostEnabled(false))
                        .requeue(Duration.ZERO);
                  }
                  if (error.isTransient()) {
                    return MaintenanceOutcome.to(phase, error.code(), error.getMessage())
                        .requeue(DisablingPhase.AFTER_TRANSIENT);
                  }
                  return ExitingPhase.begin(
                      look,
                      MaintenancePhase.Failed,
                      error.code(),
                      "could not disable " + name + " again: " + error.getMessage());
                }));
  }

  private static String childName(MaintenanceLook look, String uuid) {
    return ChildMigrations.name(look.maintenance(), uuid, ChildMigrations.DRAIN);
  }

  /** Whether a child ended because its VM no longer runs (or exists): the VM is done. */
  private static boolean stopped(LiveMigration child) {
    String reason = child.getStatus() == null ? null : child.getStatus().getReason();
    return "VMNotRunning".equals(reason)
        || "VM_NOT_FOUND".equals(reason)
        || "VMLeftHost".equals(reason);
  }

  /** A VM whose child ended without moving it. */
  private static BlockedVm gaveUp(
      PlannedVm vm, LiveMigration child, Instant now, BlockedVm earlier) {
    var status = child.getStatus();
    String reason = status.getReason() == null ? "Failed" : status.getReason();
    int attempts = status.getAttempts() == null ? 0 : status.getAttempts().size();
    String message =
        "LiveMigration "
            + child.getMetadata().getName()
            + " ended "
            + status.getPhase()
            + " after "
            + attempts
            + " attempts ("
            + reason
            + ": "
            + status.getMessage()
            + "); "
            + vm.getVm()
            + " is not tried again by this maintenance";
    BlockedVm blocked = new BlockedVm();
    blocked.setVm(vm.getVm());
    blocked.setUuid(vm.getUuid());
    blocked.setCode(reason);
    blocked.setParams(List.of());
    blocked.setMessage(message);
    blocked.setSince(
        earlier != null && earlier.getSince() != null ? earlier.getSince() : now.toString());
    return blocked;
  }

  /** The most VMs moved off at once: the spec's, else the pool's per-host limit. */
  static int maxParallel(MaintenanceLook look) {
    Integer asked = look.spec().getMaxParallel();
    if (asked != null) {
      return asked;
    }
    PoolLimits limits = look.pools().poolLimits(look.inventory().uuid());
    return limits == null || limits.getMaxParallelPerHost() == null
        ? 1
        : limits.getMaxParallelPerHost();
  }

  /**
   * How many children may wait in the LiveMigration queue beyond {@code maxParallel}: one per slot
   * when {@code maxParallel} is left to its default, the pool's per-host limit, which the queue
   * enforces on every move off this host, so that the queue starts the next move the moment one
   * ends rather than a round trip later. Never with a {@code maxParallel} of the spec's: should the
   * pool's limit be raised above it, queued children would start beyond it.
   */
  static int ahead(MaintenanceLook look) {
    return look.spec().getMaxParallel() == null ? maxParallel(look) : 0;
  }

  private static String progress(int moved, int total, int moving, int queued, int blocked) {
    return moved
        + " of "
        + total
        + " VMs moved, "
        + moving
        + " moving"
        + (queued == 0 ? "" : ", " + queued + " queued")
        + (blocked == 0 ? "" : ", " + blocked + " cannot move");
  }

  /** The decision to end as Failed, with this look's edits and events kept. */
  private static MaintenanceOutcome failing(
      MaintenanceOutcome outcome, MaintenanceLook look, String reason, String message) {
    MaintenanceOutcome failing = ExitingPhase.begin(look, MaintenancePhase.Failed, reason, message);
    outcome.edits().forEach(failing::edit);
    outcome.events().forEach(e -> failing.event(e.reason(), e.message()));
    return failing;
  }

  /** The outcome with its final phase and words, its edits and events kept. */
  private static MaintenanceOutcome retitle(
      MaintenanceOutcome outcome, MaintenancePhase phase, String reason, String message) {
    MaintenanceOutcome titled = MaintenanceOutcome.to(phase, reason, message);
    outcome.edits().forEach(titled::edit);
    outcome.events().forEach(e -> titled.event(e.reason(), e.message()));
    return titled;
  }

  private static String key(String uuid) {
    return uuid.toLowerCase(Locale.ROOT);
  }
}
