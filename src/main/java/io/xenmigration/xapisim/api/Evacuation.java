package io.xenmigration.xapisim.api;

import io.xenmigration.xapisim.engine.MigrationEngine;
import io.xenmigration.xapisim.model.SimHost;
import io.xenmigration.xapisim.model.SimNetwork;
import io.xenmigration.xapisim.model.SimPool;
import io.xenmigration.xapisim.model.SimTask;
import io.xenmigration.xapisim.model.SimVm;
import io.xenmigration.xapisim.model.XClass;
import io.xenmigration.xapisim.model.XObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Emptying a host as xapi does it ({@code compute_evacuation_plan_no_wlb} and {@code evacuate} in
 * {@code xapi_host.ml}): a plan that places every resident VM or says why it cannot, and the
 * all-or-nothing evacuation that runs it with a bounded number of {@code pool_migrate} sub-tasks.
 */
final class Evacuation {

  /** The first xapi whose evacuate takes a network. */
  static final String NETWORK_SINCE = "1.297.0";

  /** The first xapi whose evacuate takes a batch size. */
  static final String BATCH_SIZE_SINCE = "23.27.0";

  /** From this xapi on, migrations run in batches rather than one at a time. */
  static final String BATCHES_SINCE = "22.24.0";

  /** From this xapi on, a finished migration lets the next start at once (a sliding window). */
  static final String WINDOW_SINCE = "25.22.0";

  /** From this xapi on, HA names an unprotected VM's blocker for what it is. */
  static final String HA_CODE_SINCE = "26.17.0";

  /** {@code evacuation_batch_size} in xapi.conf, used when the caller passes none or 0. */
  static final int DEFAULT_BATCH_SIZE = 10;

  /** Where each VM would go, and why the others cannot go anywhere. */
  record Plan(Map<SimVm, SimHost> placements, Map<SimVm, XapiError> errors) {}

  private Evacuation() {}

  static void register(Dispatcher dispatcher) {
    dispatcher.add("host.get_vms_which_prevent_evacuation", 1, 0, true, Evacuation::preventing);
    dispatcher.add("host.assert_can_evacuate", 1, 0, true, Evacuation::assertCanEvacuate);
    dispatcher.add("host.evacuate", 1, 2, true, c -> evacuate(c, dispatcher.engine));
    dispatcher.add("host.get_uncooperative_resident_VMs", 1, 0, true, c -> List.of());
  }

  /** The VMs an evacuation would move: residents other than the control domain. */
  static List<SimVm> residents(SimHost host) {
    List<SimVm> vms = new ArrayList<>();
    for (SimVm vm : host.residentVms) {
      if (vm.isOrdinary()) {
        vms.add(vm);
      }
    }
    return vms;
  }

  /**
   * The plan, with xapi's checks in xapi's order; a later check's error replaces an earlier one for
   * the same VM. Memory is packed on squeezed figures (every guest at its dynamic minimum), so a
   * plan can still fail at a migration when a guest could not be squeezed: the simulator does not
   * balloon, as xapi sometimes cannot in time.
   */
  static Plan plan(SimHost host, CallContext context) {
    SimPool pool = host.pool;
    List<SimVm> vms = residents(host);
    Map<SimVm, XapiError> errors = new LinkedHashMap<>();
    List<SimHost> targets = new ArrayList<>();
    for (SimHost other : pool.<SimHost>all(XClass.HOST)) {
      if (other != host
          && other.enabled
          && other.metrics.live
          && Versions.compare(other.platformVersion, host.platformVersion) >= 0) {
        targets.add(other);
      }
    }
    if (targets.isEmpty()) {
      for (SimVm vm : vms) {
        // xapi's documentation says no parameters; its planner sends the VM.
        errors.put(vm, new XapiError("NO_HOSTS_AVAILABLE", vm.ref));
      }
      return new Plan(Map.of(), errors);
    }
    if (pool.haEnabled) {
      String code =
          context.masterAtLeast(HA_CODE_SINCE)
              ? "HOST_EVACUATE_VM_NOT_HA_PROTECTED"
              : "HOST_NOT_ENOUGH_FREE_MEMORY";
      for (SimVm vm : vms) {
        if (!"restart".equals(vm.haRestartPriority)) {
          errors.put(vm, new XapiError(code, vm.ref));
        }
      }
    }
    for (SimVm vm : vms) {
      for (SimHost target : targets) {
        try {
          VmCalls.checkBoot(vm, target, true, false);
        } catch (XapiError e) {
          errors.put(vm, e);
          break;
        }
      }
    }
    for (SimVm vm : vms) {
      try {
        VmCalls.assertCanPoolMigrate(vm);
      } catch (XapiError e) {
        errors.put(vm, e);
      }
    }
    Map<SimHost, Long> free = new LinkedHashMap<>();
    for (SimHost target : targets) {
      free.put(target, target.squeezedFreeMemory());
    }
    List<SimVm> packed = new ArrayList<>(vms);
    packed.removeAll(errors.keySet());
    packed.sort(Comparator.comparingLong(Evacuation::squeezedNeed).reversed());
    Map<SimVm, SimHost> placements = new LinkedHashMap<>();
    for (SimVm vm : packed) {
      SimHost roomiest = null;
      for (SimHost target : targets) {
        if (roomiest == null || free.get(target) > free.get(roomiest)) {
          roomiest = target;
        }
      }
      long need = squeezedNeed(vm);
      if (free.get(roomiest) < need) {
        // The declared parameters are [needed, available]; the planner sends the VM.
        errors.put(vm, new XapiError("HOST_NOT_ENOUGH_FREE_MEMORY", vm.ref));
      } else {
        free.merge(roomiest, -need, Long::sum);
        placements.put(vm, roomiest);
      }
    }
    return new Plan(placements, errors);
  }

  private static long squeezedNeed(SimVm vm) {
    return vm.memoryDynamicMin + vm.memoryOverhead;
  }

  /** {@code get_vms_which_prevent_evacuation}: VM ref → [code, params…]. */
  private static Object preventing(CallContext context) {
    SimHost host = context.resolve(XClass.HOST, 0);
    Map<String, Object> answer = new LinkedHashMap<>();
    plan(host, context).errors().forEach((vm, error) -> answer.put(vm.ref, error.description()));
    return answer;
  }

  /** {@code assert_can_evacuate}: every blocker in one error, {@code CODE,p1,p2|CODE,…}. */
  private static Object assertCanEvacuate(CallContext context) {
    SimHost host = context.resolve(XClass.HOST, 0);
    Map<SimVm, XapiError> errors = plan(host, context).errors();
    if (!errors.isEmpty()) {
      List<String> joined = new ArrayList<>();
      for (XapiError error : errors.values()) {
        joined.add(String.join(",", error.description()));
      }
      throw new XapiError("CANNOT_EVACUATE_HOST", String.join("|", joined));
    }
    return "";
  }

  /**
   * {@code host.evacuate(host [, network] [, batch_size])}: raises the plan's first error as it is,
   * or moves every VM and fails on the first migration that fails for another reason than the VM
   * having stopped. It does not disable the host.
   */
  private static Object evacuate(CallContext context, MigrationEngine engine) {
    context.allowOptional(1, NETWORK_SINCE, BATCH_SIZE_SINCE);
    SimHost host = HostCalls.reachable(context);
    if (context.args.size() > 1 && !XObject.NULL_REF.equals(context.string(1))) {
      // Checked as xapi does; the simulator moves memory over no network in particular.
      context.<SimNetwork>resolve(XClass.NETWORK, 1);
    }
    long asked = context.args.size() > 2 ? context.number(2) : 0;
    List<String> refused = host.operationError("evacuate");
    if (refused != null) {
      throw new XapiError(refused.get(0), refused.subList(1, refused.size()).toArray());
    }
    Plan plan = plan(host, context);
    for (SimVm vm : residents(host)) {
      XapiError error = plan.errors().get(vm);
      if (error != null) {
        throw error;
      }
    }
    int size = asked > 0 ? (int) Math.min(asked, 1000) : DEFAULT_BATCH_SIZE;
    Mode mode =
        !context.masterAtLeast(BATCHES_SINCE)
            ? Mode.ONE_AT_A_TIME
            : context.masterAtLeast(WINDOW_SINCE) ? Mode.WINDOW : Mode.BATCHES;
    Run run =
        new Run(context, engine, host, plan.placements(), mode == Mode.ONE_AT_A_TIME ? 1 : size);
    run.batches = mode == Mode.BATCHES;
    return run.start();
  }

  /** How the xapi of a pool's master schedules an evacuation's migrations. */
  private enum Mode {
    ONE_AT_A_TIME,
    BATCHES,
    WINDOW
  }

  /** One evacuation in progress; every method runs under the world's lock. */
  private static final class Run {
    private final CallContext context;
    private final MigrationEngine engine;
    private final SimHost host;
    private final SimTask task;
    private final Deque<Map.Entry<SimVm, SimHost>> waiting;
    private final List<SimTask> inFlight = new ArrayList<>();
    private final int size;
    private final int total;
    private final CompletableFuture<Object> done = new CompletableFuture<>();
    private boolean batches;
    private int completed;

    Run(
        CallContext context,
        MigrationEngine engine,
        SimHost host,
        Map<SimVm, SimHost> placements,
        int size) {
      this.context = context;
      this.engine = engine;
      this.host = host;
      this.task = context.task();
      this.waiting = new ArrayDeque<>(placements.entrySet());
      this.size = size;
      this.total = placements.size();
    }

    CompletableFuture<Object> start() {
      host.currentOperations.put(task, "evacuate");
      context.emit(host, "mod");
      launch();
      return done;
    }

    private void launch() {
      boolean room = batches ? inFlight.isEmpty() : inFlight.size() < size;
      int starts = room ? (batches ? size : size - inFlight.size()) : 0;
      List<Object[]> failedAtOnce = new ArrayList<>();
      while (starts-- > 0 && !waiting.isEmpty() && !done.isDone()) {
        Map.Entry<SimVm, SimHost> next = waiting.poll();
        SimPool pool = host.pool;
        SimTask sub = pool.register(new SimTask(pool, "Async.VM.pool_migrate", context.now()));
        context.emit(sub, "add");
        inFlight.add(sub);
        try {
          Object started =
              VmCalls.startPoolMigrate(sub, next.getKey(), next.getValue(), engine, false);
          ((CompletableFuture<?>) started).whenComplete((value, error) -> ended(sub, error));
        } catch (XapiError e) {
          Dispatcher.finish(context, sub, null, e);
          failedAtOnce.add(new Object[] {sub, e});
        }
      }
      for (Object[] failed : failedAtOnce) {
        ended((SimTask) failed[0], (Throwable) failed[1]);
      }
      if (waiting.isEmpty() && inFlight.isEmpty() && !done.isDone()) {
        finish();
      }
    }

    private void ended(SimTask sub, Throwable error) {
      if (!inFlight.remove(sub) || done.isDone()) {
        forget(sub);
        return;
      }
      completed++;
      task.progress = (double) completed / total;
      context.emit(task, "mod");
      forget(sub);
      Throwable cause = error instanceof CompletionException ? error.getCause() : error;
      if (cause instanceof XapiError failure && !failure.code().equals("VM_BAD_POWER_STATE")) {
        // The evacuation fails at once; sub-tasks still running are destroyed, not cancelled,
        // and their migrations go on.
        for (SimTask pending : inFlight) {
          pending.currentOperations.put("task", "destroy");
        }
        inFlight.clear();
        end(null, failure);
        return;
      }
      launch();
    }

    /** A finished sub-task is destroyed, as xapi's evacuate does. */
    private void forget(SimTask sub) {
      if (sub.pool.find(XClass.TASK, sub.ref) != null) {
        sub.pool.unregister(sub);
        context.emit(sub, "del");
      }
    }

    private void finish() {
      int left = residents(host).size();
      if (left > 0) {
        end(
            null,
            new XapiError(
                "INTERNAL_ERROR", "evacuate: " + left + " VMs are still resident on " + host.ref));
      } else {
        end("", null);
      }
    }

    private void end(Object result, XapiError error) {
      host.currentOperations.remove(task);
      context.emit(host, "mod");
      Dispatcher.finish(context, task, result, error);
      if (error == null) {
        done.complete(result);
      } else {
        done.completeExceptionally(error);
      }
    }
  }
}
