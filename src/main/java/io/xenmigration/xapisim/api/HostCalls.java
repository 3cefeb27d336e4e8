package io.xenmigration.xapisim.api;

import io.xenmigration.xapisim.model.SimHost;
import io.xenmigration.xapisim.model.SimNetwork;
import io.xenmigration.xapisim.model.SimPif;
import io.xenmigration.xapisim.model.SimSession;
import io.xenmigration.xapisim.model.XClass;
import java.util.LinkedHashMap;
import java.util.Map;

/** Host calls: free memory, enabling and disabling, and receiving a storage migration. */
final class HostCalls {

  private HostCalls() {}

  static void register(Dispatcher dispatcher) {
    dispatcher.add("host.compute_free_memory", 1, 0, true, c -> reachable(c).freeMemory());
    dispatcher.add("host.disable", 1, 0, true, c -> setEnabled(c, false));
    dispatcher.add("host.enable", 1, 0, true, c -> setEnabled(c, true));
    dispatcher.add("host.migrate_receive", 3, 0, true, HostCalls::migrateReceive);
  }

  /** The host argument, which must be up to answer: calls to a dead host fail. */
  private static SimHost reachable(CallContext context) {
    SimHost host = context.resolve(XClass.HOST, 0);
    if (!host.metrics.live) {
      throw new XapiError("HOST_OFFLINE", host.ref);
    }
    return host;
  }

  private static Object setEnabled(CallContext context, boolean enabled) {
    SimHost host = reachable(context);
    if (host.enabled != enabled) {
      host.enabled = enabled;
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
