package io.xenmigration.testing;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Host;
import com.xensource.xenapi.Network;
import com.xensource.xenapi.Pool;
import com.xensource.xenapi.SR;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.Task;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VBD;
import com.xensource.xenapi.VDI;
import com.xensource.xenapi.VIF;
import com.xensource.xenapi.VM;
import io.xenmigration.xapisim.ManualClock;
import io.xenmigration.xapisim.XapiSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A logged-in SDK connection to one simulated pool, with lookups by name for tests. */
public final class SimClient {

  public final Connection connection;

  /** A connection that also sends calls the SDK has no method for, or not with these arguments. */
  private static final class RawConnection extends Connection {
    RawConnection(java.net.URL url) {
      super(url);
    }

    Object call(String method, Object... params) throws Exception {
      return dispatch(method, params).get("Value");
    }
  }

  public SimClient(XapiSimulator simulator, String pool) {
    this.connection = new RawConnection(simulator.url(pool));
    try {
      Session.loginWithPassword(connection, "root", "password", "2.14");
    } catch (Exception e) {
      throw new IllegalStateException("login to " + pool + " failed", e);
    }
  }

  public VM vm(String name) throws Exception {
    return VM.getByNameLabel(connection, name).iterator().next();
  }

  public Host host(String name) throws Exception {
    return Host.getByNameLabel(connection, name).iterator().next();
  }

  public SR sr(String name) throws Exception {
    return SR.getByNameLabel(connection, name).iterator().next();
  }

  /** The local SR of a host. */
  public SR localSr(String host) throws Exception {
    return sr("Local storage on " + host);
  }

  /** The pool's management network. */
  public Network managementNetwork() throws Exception {
    Pool pool = Pool.getAll(connection).iterator().next();
    Host master = pool.getMaster(connection);
    for (var pif : master.getPIFs(connection)) {
      if (pif.getManagement(connection)) {
        return pif.getNetwork(connection);
      }
    }
    throw new IllegalStateException("no management network");
  }

  /** Every disk of a VM mapped to one SR. */
  public Map<VDI, SR> disksTo(VM vm, SR sr) throws Exception {
    Map<VDI, SR> map = new LinkedHashMap<>();
    for (VBD vbd : vm.getVBDs(connection)) {
      VBD.Record record = vbd.getRecord(connection);
      if (record.type == Types.VbdType.DISK && !record.empty) {
        map.put(record.VDI, sr);
      }
    }
    return map;
  }

  /** Every network interface of a VM mapped to one network. */
  public Map<VIF, Network> interfacesTo(VM vm, Network network) throws Exception {
    Map<VIF, Network> map = new LinkedHashMap<>();
    for (VIF vif : vm.getVIFs(connection)) {
      map.put(vif, network);
    }
    return map;
  }

  /**
   * Steps the clock until the task ends, reading its progress after every step; returns the
   * progress readings.
   */
  public List<Double> runToEnd(Task task, ManualClock clock, Duration step, int maxSteps)
      throws Exception {
    List<Double> readings = new ArrayList<>();
    for (int i = 0; i < maxSteps; i++) {
      readings.add(task.getProgress(connection));
      if (task.getStatus(connection) != Types.TaskStatusType.PENDING) {
        return readings;
      }
      clock.advance(step);
    }
    throw new AssertionError("task still pending after " + maxSteps + " steps: " + readings);
  }

  /**
   * Calls a method with this session and the given arguments as they are (refs as strings), the
   * answer as XML-RPC decoded it; a failure throws the SDK's exception for its code.
   */
  public Object call(String method, Object... params) throws Exception {
    Object[] all = new Object[params.length + 1];
    all[0] = connection.getSessionReference();
    System.arraycopy(params, 0, all, 1, params.length);
    return ((RawConnection) connection).call(method, all);
  }

  /** The task's error info as a list. */
  public List<String> errorInfo(Task task) throws Exception {
    return new ArrayList<>(task.getErrorInfo(connection));
  }
}
