package io.xenmigration.xapisim;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.xenmigration.xapisim.model.CpuFeatures;
import io.xenmigration.xapisim.model.PoolBuilder;
import io.xenmigration.xapisim.model.SimHost;
import io.xenmigration.xapisim.model.SimPool;
import io.xenmigration.xapisim.model.SimSr;
import io.xenmigration.xapisim.model.SimVm;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Pools described in a YAML or JSON file, for the command line and the sandbox:
 *
 * <pre>
 * pools:
 *   - name: pool-a
 *     password: secret          # user root unless given
 *     port: 8443                # a free port unless given
 *     sharedSrs: [nfs-a]        # the first is the default SR
 *     hosts:
 *       - {name: a-host-1, memoryGiB: 64, cpus: 16, xapiVersion: 25.31.0}
 *       - {name: a-host-2, cpuVendor: GenuineIntel, cpuFeatures: 1fcbfbff-f7fa3223-2d93fbff}
 *     vms:
 *       - {name: web-01, host: a-host-1, memoryGiB: 4, sr: nfs-a, diskGiB: 20}
 *       - {name: db-01, host: a-host-1, memoryGiB: 8, sr: local, dirtyMiBPerSecond: 300}
 *       - {name: gpu-01, host: a-host-1, vgpu: true, haRestartPriority: restart}
 *       - {name: pinned, host: a-host-1, blockedOperations: {pool_migrate: licence}}
 *       - {name: idle, host: a-host-1, powerState: Halted}
 *     haEnabled: false
 *     restrictions: {restrict_xen_motion: "true"}   # the licence refuses pool_migrate
 *     smFeatures: {nfs: [VDI_CREATE, VDI_SNAPSHOT]}  # this driver cannot mirror
 *     templates: [Debian Bookworm 12]
 *   - name: big
 *     generate: {hosts: 200, vms: 4000, hostMemoryGiB: 512}
 * </pre>
 */
public final class PoolFile {

  private static final long GIB = 1L << 30;

  /** The whole file. */
  public record Spec(List<PoolSpec> pools) {}

  /** One pool: listed hosts and VMs, or a generated pool. */
  public record PoolSpec(
      String name,
      String username,
      String password,
      Integer port,
      List<String> sharedSrs,
      List<HostSpec> hosts,
      List<VmSpec> vms,
      List<String> templates,
      Generate generate,
      Boolean haEnabled,
      Map<String, String> restrictions,
      Map<String, List<String>> smFeatures) {}

  /**
   * A host; {@code xapiVersion} sets which call parameters and evacuation behaviour it has, {@code
   * enabled: false} starts it disabled; {@code cpuVendor} ({@code GenuineIntel} unless given) and
   * {@code cpuFeatures} (xapi's hex words) decide which VMs may move to it.
   */
  public record HostSpec(
      String name,
      Long memoryGiB,
      Integer cpus,
      String productVersion,
      String xapiVersion,
      Boolean enabled,
      String cpuVendor,
      String cpuFeatures) {}

  /**
   * A VM, running on its host unless {@code powerState} says {@code Halted} (then it has no host);
   * {@code sr: local} puts its disk on its host's local SR. {@code blockedOperations}, {@code
   * pciAttached}, {@code vgpu} and {@code haRestartPriority} make VMs an evacuation cannot move.
   * {@code cpuFeatures} are the features it last booted with (the pool's level unless given: a VM
   * that booted before a host with fewer features joined).
   */
  public record VmSpec(
      String name,
      String host,
      Long memoryGiB,
      Integer vcpus,
      String sr,
      Long diskGiB,
      Long dirtyMiBPerSecond,
      String powerState,
      Map<String, String> blockedOperations,
      Boolean pciAttached,
      Boolean vgpu,
      String haRestartPriority,
      String cpuFeatures) {}

  /** A generated pool, see {@link PoolGenerator}. */
  public record Generate(int hosts, int vms, Long hostMemoryGiB) {}

  private PoolFile() {}

  /** Reads a file; YAML is a superset of JSON, so both work. */
  public static Spec read(Path file) throws IOException {
    ObjectMapper mapper =
        new YAMLMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    Spec spec = mapper.readValue(file.toFile(), Spec.class);
    if (spec.pools() == null || spec.pools().isEmpty()) {
      throw new IOException(file + " describes no pools");
    }
    return spec;
  }

  /** Adds the file's pools to a simulator description. */
  public static XapiSimulator.Builder addTo(XapiSimulator.Builder builder, Spec spec) {
    for (PoolSpec pool : spec.pools()) {
      Objects.requireNonNull(pool.name(), "every pool needs a name");
      builder.pool(pool.name(), contents(pool));
      if (pool.port() != null) {
        builder.port(pool.name(), pool.port());
      }
      builder.credentials(
          pool.name(),
          Objects.requireNonNullElse(pool.username(), "root"),
          Objects.requireNonNullElse(pool.password(), "password"));
    }
    return builder;
  }

  private static java.util.function.Consumer<PoolBuilder> contents(PoolSpec pool) {
    if (pool.generate() != null) {
      Generate g = pool.generate();
      return PoolGenerator.pool(
          pool.name(), g.hosts(), g.vms(), Objects.requireNonNullElse(g.hostMemoryGiB(), 256L));
    }
    return builder -> {
      SimPool simPool = builder.pool();
      for (String sr :
          Objects.requireNonNullElse(pool.sharedSrs(), List.of(pool.name() + "-nfs"))) {
        builder.addSharedSr(sr);
      }
      for (HostSpec host : Objects.requireNonNullElse(pool.hosts(), List.<HostSpec>of())) {
        SimHost simHost =
            builder.addHost(host.name(), Objects.requireNonNullElse(host.memoryGiB(), 64L) * GIB);
        simHost.cpuCount = Objects.requireNonNullElse(host.cpus(), 16);
        if (host.productVersion() != null) {
          simHost.productVersion = host.productVersion();
        }
        if (host.xapiVersion() != null) {
          simHost.xapiVersion = host.xapiVersion();
        }
        simHost.enabled = !Boolean.FALSE.equals(host.enabled());
        if (host.cpuVendor() != null) {
          simHost.cpuVendor = host.cpuVendor();
        }
        if (host.cpuFeatures() != null) {
          simHost.cpuFeatures = features(host.cpuFeatures(), "host " + host.name());
        }
      }
      if (pool.restrictions() != null) {
        simPool.restrictions.putAll(pool.restrictions());
      }
      if (pool.smFeatures() != null) {
        pool.smFeatures().forEach((type, features) -> driverFeatures(simPool, type, features));
      }
      simPool.haEnabled = Boolean.TRUE.equals(pool.haEnabled());
      for (VmSpec vm : Objects.requireNonNullElse(pool.vms(), List.<VmSpec>of())) {
        SimHost host = simPool.host(vm.host());
        if (host == null) {
          throw new IllegalArgumentException(
              "VM " + vm.name() + " names unknown host " + vm.host() + " in pool " + pool.name());
        }
        String srName = Objects.requireNonNullElse(vm.sr(), "shared");
        SimSr sr =
            switch (srName) {
              case "local" -> builder.localSr(host);
              case "shared" -> simPool.defaultSr;
              default -> simPool.sr(srName);
            };
        if (sr == null) {
          throw new IllegalArgumentException("VM " + vm.name() + " names unknown SR " + srName);
        }
        long memory = Objects.requireNonNullElse(vm.memoryGiB(), 2L) * GIB;
        long disk = Objects.requireNonNullElse(vm.diskGiB(), 20L) * GIB;
        String power = Objects.requireNonNullElse(vm.powerState(), "Running");
        SimVm simVm =
            switch (power) {
              case "Running" -> builder.addVm(vm.name(), host, memory, sr, disk);
              case "Halted" -> builder.addHaltedVm(vm.name(), memory, sr, disk);
              default ->
                  throw new IllegalArgumentException(
                      "VM " + vm.name() + ": powerState must be Running or Halted, not " + power);
            };
        if (vm.blockedOperations() != null) {
          simVm.blockedOperations.putAll(vm.blockedOperations());
        }
        simVm.pciAttached = Boolean.TRUE.equals(vm.pciAttached());
        simVm.vgpuAttached = Boolean.TRUE.equals(vm.vgpu());
        simVm.haRestartPriority = Objects.requireNonNullElse(vm.haRestartPriority(), "");
        simVm.vcpusMax = Objects.requireNonNullElse(vm.vcpus(), 2);
        simVm.dirtyBytesPerSecond = Objects.requireNonNullElse(vm.dirtyMiBPerSecond(), 0L) << 20;
        if (vm.cpuFeatures() != null) {
          simVm.lastBootCpuFlags.put("features", features(vm.cpuFeatures(), "VM " + vm.name()));
        }
      }
      for (String template : Objects.requireNonNullElse(pool.templates(), List.<String>of())) {
        builder.addTemplate(template);
      }
    };
  }

  /** Replaces a driver's features: {@code VDI_MIRROR} or, with a version, {@code VDI_MIRROR/2}. */
  private static void driverFeatures(SimPool pool, String type, List<String> features) {
    var driver = pool.sm(type);
    driver.features.clear();
    for (String feature : features) {
      int slash = feature.indexOf('/');
      long version = 1;
      if (slash >= 0) {
        try {
          version = Long.parseLong(feature.substring(slash + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "smFeatures." + type + ": " + feature + " is not NAME or NAME/VERSION");
        }
      }
      driver.features.put(slash < 0 ? feature : feature.substring(0, slash), version);
    }
  }

  private static String features(String text, String owner) {
    if (!CpuFeatures.valid(text)) {
      throw new IllegalArgumentException(
          owner
              + ": cpuFeatures must be hex words joined by dashes, as xapi writes them, not "
              + text);
    }
    return text.toLowerCase(java.util.Locale.ROOT);
  }
}
