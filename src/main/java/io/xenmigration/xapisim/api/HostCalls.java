package io.xenmigration.xapisim.api;

import io.xenmigration.xapisim.model.SimHost;
import io.xenmigration.xapisim.model.SimNetwork;
import io.xenmigration.xapisim.model.SimPif;
import io.xenmigration.xapisim.model.SimSession;
import io.xenmigration.xapisim.model.XClass;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Host calls: free memory, taking a host out of service and back ({@code xapi_host.ml}), its
 * evacuation, and receiving a storage migration.
 */
final class HostCalls {

  /** The first xapi that takes {@code auto_enable} on {@code host.disable}. */
  static final String AUTO_ENABLE_SINCE = "25.31.0";

  private HostCalls() {}

  static void register(Dispatcher dispatcher) {
    dispatcher.add("host.compute_free_memory", 1, 0, true, c -> reachable(c).squeezedFreeMemory());
    dispatcher.add("host.disable", 1, 1, true, HostCalls::disable);
    dispatcher.add("host.enable", 1, 0, true, HostCalls::enable);
    dispatcher.add("host.migrate_receive", 3, 0, true, HostCalls::migrateReceive);
    Evacuation.register(dispatcher);
  }

  /** The host argument, which must be up to answer: calls to a dead host fail. */
  static SimHost reachable(CallContext context) {
    SimHost host = context.resolve(XClass.HOST, 0);
    if (!host.metrics.live) {
      throw new XapiError("HOST_OFFLINE", host.ref);
    }
    return host;
  }

  /**
   * Stops VMs starting on or arriving at the host. With {@code auto_enable=false} it stays disabled
   * across toolstack restarts; without it (or before xapi 25.31) a restart enables it again. A host
   * already disabled is left as it is.
   */
  private static Object disable(CallContext context) {
    context.allowOptional(1, AUTO_ENABLE_SINCE);
    SimHost host = reachable(context);
    boolean autoEnable = context.args.size() < 2 || context.bool(1);
    if (host.enabled) {
      host.enabled = false;
      host.autoEnable = autoEnable;
      context.emit(host, "mod");
    }
    return "";
  }

  /** Puts the host back in service, with xapi's refusals in xapi's order. */
  private static Object enable(CallContext context) {
    SimHost host = reachable(context);
    if (host.booting) {
      throw new XapiError("HOST_STILL_BOOTING");
    }
    if (host.disabledUntilReboot) {
      throw new XapiError("HOST_DISABLED_UNTIL_REBOOT", host.ref);
    }
    host.autoEnable = true;
    if (!host.enabled) {
      host.enabled = true;
      context.emit(host, "mod");
    }
    return "";
  }

  /**
   * Prepares a host to receive a VM with its disks: the answer is the {@code dest} map the sender
   * passes to {@code VM.migrate_send}, with a new session on this pool.
   */
  private static Object migrateReceive(CallContext context) {
    SimHost host = reachable(context);
    SimNetwork network = context.resolve(XClass.NETWORK, 1);
    context.stringMap(2);
    SimPif pif = host.pifOn(network);
    if (pif == null) {
      throw new XapiError("HOST_CANNOT_ATTACH_NETWORK", host.ref, network.ref);
    }
    if (pif.ip.isEmpty()) {
      throw new XapiError("INTERFACE_HAS_NO_IP", pif.ref);
    }
    SimSession session =
        context.pool.register(
            new SimSession(context.pool, context.session.username, context.now()));
    Map<String, Object> dest = new LinkedHashMap<>();
    dest.put("SM", "http://" + pif.ip + "/services/SM?session_id=" + session.ref);
    dest.put("host", host.ref);
    dest.put("xenops", "http://" + pif.ip + "/services/xenops?session_id=" + session.ref);
    dest.put("session_id", session.ref);
    dest.put("master", "http://" + context.pool.master.address + "/");
    return dest;
  }
}
