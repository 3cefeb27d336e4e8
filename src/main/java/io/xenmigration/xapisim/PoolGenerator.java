package io.xenmigration.xapisim;

import io.xenmigration.xapisim.model.PoolBuilder;
import io.xenmigration.xapisim.model.SimHost;
import io.xenmigration.xapisim.model.SimSr;
import io.xenmigration.xapisim.model.SimVm;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Large pools for benchmarks: {@code hosts} hosts and {@code vms} running VMs of mixed memory
 * sizes, about a third on host-local storage, spread round-robin. The same arguments always give
 * the same pool.
 */
public final class PoolGenerator {

  private static final long GIB = 1L << 30;
  private static final List<Long> VM_MEMORY_GIB = List.of(1L, 2L, 2L, 4L, 4L, 8L, 16L);

  private PoolGenerator() {}

  /**
   * A pool description: hosts named {@code <prefix>-host-<n>} with {@code hostMemoryGiB} each, VMs
   * named {@code <prefix>-vm-<n>}.
   */
  public static Consumer<PoolBuilder> pool(String prefix, int hosts, int vms, long hostMemoryGiB) {
    return builder -> {
      Random random = new Random(hosts * 31L + vms);
      SimSr shared = builder.addSharedSr(prefix + "-nfs");
      SimHost[] all = new SimHost[hosts];
      for (int i = 0; i < hosts; i++) {
        all[i] = builder.addHost(String.format("%s-host-%d", prefix, i + 1), hostMemoryGiB * GIB);
      }
      for (int i = 0; i < vms; i++) {
        SimHost host = all[i % hosts];
        long memory = VM_MEMORY_GIB.get(random.nextInt(VM_MEMORY_GIB.size())) * GIB;
        if (host.freeMemory() < memory + (64L << 20)) {
          continue; // a full host takes no more VMs
        }
        SimSr sr = random.nextInt(3) == 0 ? builder.localSr(host) : shared;
        SimVm vm =
            builder.addVm(
                String.format("%s-vm-%d", prefix, i + 1),
                host,
                memory,
                sr,
                (10 + random.nextInt(90)) * GIB);
        vm.vcpusMax = 1 + random.nextInt(4);
      }
    };
  }
}
