package io.xenmigration.xen;

import com.xensource.xenapi.Host;
import com.xensource.xenapi.HostMetrics;
import com.xensource.xenapi.PBD;
import com.xensource.xenapi.PIF;
import com.xensource.xenapi.Pool;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VM;
import java.net.URL;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One pool, in the operator's words: what it holds, which VM a name means, and (to come) how to
 * move one. The only place that speaks the XenServer SDK; every failure leaves as a {@link
 * XenApiException}.
 */
public final class XenApiDriver implements AutoCloseable {

  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final PoolSession session;
  private final CallMeter meter;
  private final Clock clock;

  public XenApiDriver(PoolEndpoint endpoint, CallMeter meter, Clock clock) {
    this.session = new PoolSession(endpoint, meter);
    this.meter = meter;
    this.clock = clock;
  }

  /** The URL in use: the master's, even when the configured one was a member's. */
  public URL masterUrl() {
    return session.url();
  }

  /** Whether the configured URL was a pool member's and the driver followed it to the master. */
  public boolean redirectedToMaster() {
    return session.redirected();
  }

  /** Logs in now, if not yet logged in: a cheap check that the pool is reachable. */
  public void connect() throws XenApiException {
    try (CallMeter.Scope scope = meter.operation("connect")) {
      session.call(connection -> connection.getSessionReference());
    }
  }

  /**
   * Reads the pool in six calls, one per class: pool, hosts, host metrics, VMs, PBDs and PIFs, each
   * with {@code get_all_records}.
   */
  public PoolInventory inventory() throws XenApiException {
    try (CallMeter.Scope scope = meter.operation("inventory")) {
      return session.call(
          connection -> {
            Pool.Record pool = Pool.getAllRecords(connection).values().iterator().next();
            Map<Host, Host.Record> hosts = Host.getAllRecords(connection);
            Map<HostMetrics, HostMetrics.Record> metrics = HostMetrics.getAllRecords(connection);
            Map<VM, VM.Record> vms = VM.getAllRecords(connection);
            Map<PBD, PBD.Record> pbds = PBD.getAllRecords(connection);
            Map<PIF, PIF.Record> pifs = PIF.getAllRecords(connection);

            Map<String, Set<String>> storage = new HashMap<>();
            pbds.values().stream()
                .filter(p -> Boolean.TRUE.equals(p.currentlyAttached))
                .forEach(
                    p -> storage.computeIfAbsent(ref(p.host), h -> new HashSet<>()).add(ref(p.SR)));
            Map<String, Set<String>> networks = new HashMap<>();
            pifs.values()
                .forEach(
                    p ->
                        networks
                            .computeIfAbsent(ref(p.host), h -> new HashSet<>())
                            .add(ref(p.network)));
            List<VmInfo> ordinary = new ArrayList<>();
            Map<String, Integer> residents = new HashMap<>();
            vms.forEach(
                (vm, record) -> {
                  if (isOrdinary(record)) {
                    VmInfo info = vmInfo(vm, record);
                    ordinary.add(info);
                    if (info.residentOn() != null) {
                      residents.merge(info.residentOn(), 1, Integer::sum);
                    }
                  }
                });
            List<HostInfo> hostInfos = new ArrayList<>();
            hosts.forEach(
                (host, record) -> {
                  HostMetrics.Record live = metrics.get(record.metrics);
                  String ref = host.toWireString();
                  hostInfos.add(
                      new HostInfo(
                          ref,
                          record.uuid,
                          record.nameLabel,
                          record.address,
                          Boolean.TRUE.equals(record.enabled),
                          live != null && Boolean.TRUE.equals(live.live),
                          value(record.softwareVersion, "platform_name"),
                          value(record.softwareVersion, "platform_version"),
                          value(record.softwareVersion, "product_version"),
                          live == null ? 0 : live.memoryTotal,
                          live == null ? 0 : live.memoryFree,
                          cpuCount(record),
                          Set.copyOf(storage.getOrDefault(ref, Set.of())),
                          Set.copyOf(networks.getOrDefault(ref, Set.of())),
                          residents.getOrDefault(ref, 0)));
                });
            hostInfos.sort((a, b) -> a.name().compareTo(b.name()));
            ordinary.sort((a, b) -> a.name().compareTo(b.name()));
            String master = ref(pool.master);
            Host.Record masterRecord = hosts.get(pool.master);
            String apiVersion =
                masterRecord == null
                    ? ""
                    : masterRecord.APIVersionMajor + "." + masterRecord.APIVersionMinor;
            return new PoolInventory(
                pool.nameLabel,
                master,
                ref(pool.defaultSR),
                apiVersion,
                List.copyOf(hostInfos),
                List.copyOf(ordinary),
                clock.instant());
          });
    }
  }

  /**
   * The VM a user named: by UUID, or by a name-label only one VM has. Templates, snapshots and
   * control domains never match.
   */
  public VmInfo resolveVm(String uuidOrName) throws XenApiException {
    try (CallMeter.Scope scope = meter.operation("resolveVm")) {
      return session.call(
          connection -> {
            if (UUID.matcher(uuidOrName).matches()) {
              try {
                VM vm = VM.getByUuid(connection, uuidOrName);
                VM.Record record = vm.getRecord(connection);
                if (!isOrdinary(record)) {
                  throw notAVm(uuidOrName, record);
                }
                return vmInfo(vm, record);
              } catch (Types.UuidInvalid notAUuidWeKnow) {
                // A name-label may look like a UUID; fall through to the name.
              }
            }
            List<VmInfo> matches = new ArrayList<>();
            VM.Record lastRefused = null;
            for (VM vm : VM.getByNameLabel(connection, uuidOrName)) {
              VM.Record record = vm.getRecord(connection);
              if (isOrdinary(record)) {
                matches.add(vmInfo(vm, record));
              } else {
                lastRefused = record;
              }
            }
            if (matches.size() == 1) {
              return matches.get(0);
            }
            if (matches.size() > 1) {
              List<String> uuids = matches.stream().map(VmInfo::uuid).sorted().toList();
              throw new XenApiException(
                  "VM_NAME_AMBIGUOUS",
                  uuids,
                  XenApiException.Kind.TERMINAL,
                  matches.size()
                      + " VMs are named '"
                      + uuidOrName
                      + "'; name one by UUID: "
                      + String.join(", ", uuids),
                  null);
            }
            if (lastRefused != null) {
              throw notAVm(uuidOrName, lastRefused);
            }
            throw new XenApiException(
                "VM_NOT_FOUND",
                List.of(uuidOrName),
                XenApiException.Kind.TERMINAL,
                "no VM has the UUID or name-label '" + uuidOrName + "'",
                null);
          });
    }
  }

  private static XenApiException notAVm(String named, VM.Record record) {
    String what =
        Boolean.TRUE.equals(record.isControlDomain)
            ? "a control domain"
            : Boolean.TRUE.equals(record.isASnapshot) ? "a snapshot" : "a template";
    return new XenApiException(
        "NOT_A_VM",
        List.of(named, record.uuid),
        XenApiException.Kind.TERMINAL,
        "'" + named + "' is " + what + ", which cannot be live-migrated",
        null);
  }

  private static boolean isOrdinary(VM.Record record) {
    return !Boolean.TRUE.equals(record.isATemplate)
        && !Boolean.TRUE.equals(record.isASnapshot)
        && !Boolean.TRUE.equals(record.isControlDomain);
  }

  private static VmInfo vmInfo(VM vm, VM.Record record) {
    String host = ref(record.residentOn);
    long memory = nonNull(record.memoryDynamicMax) + nonNull(record.memoryOverhead);
    return new VmInfo(
        vm.toWireString(),
        record.uuid,
        record.nameLabel,
        record.powerState == null ? "" : record.powerState.toString(),
        host,
        memory);
  }

  private static long nonNull(Long value) {
    return value == null ? 0 : value;
  }

  private static int cpuCount(Host.Record record) {
    try {
      return Integer.parseInt(value(record.cpuInfo, "cpu_count"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String value(Map<String, String> map, String key) {
    return map == null ? "" : map.getOrDefault(key, "");
  }

  /** A ref's wire form, or null for none. */
  private static String ref(com.xensource.xenapi.XenAPIObject object) {
    if (object == null) {
      return null;
    }
    String ref = object.toWireString();
    return ref == null || ref.equals("OpaqueRef:NULL") ? null : ref;
  }

  @Override
  public void close() {
    session.close();
  }
}
