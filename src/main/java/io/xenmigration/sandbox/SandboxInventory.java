package io.xenmigration.sandbox;

import io.xenmigration.xapisim.model.PoolBuilder;
import io.xenmigration.xapisim.model.SimHost;
import io.xenmigration.xapisim.model.SimSr;
import java.util.List;
import java.util.function.Consumer;

/**
 * The sandbox's pools, the same on every run because the examples and docs name them: {@code
 * pool-a} with hosts {@code a-host-1}... and running VMs {@code vm-01}... of mixed sizes (every
 * third VM on its host's local storage, the others on shared NFS), and an empty {@code pool-b} with
 * {@code b-host-1} and {@code b-host-2} for cross-pool moves.
 */
final class SandboxInventory {

  private static final long GIB = 1L << 30;

  /** VM memory in GiB, in turn: vm-01 2 GiB, vm-02 4 GiB, ... */
  private static final List<Integer> MEMORY_GIB = List.of(2, 4, 8, 1, 16, 4);

  private SandboxInventory() {}

  /** pool-a: VM n runs on host ((n - 1) mod hosts) + 1; VMs 3, 6, 9... use local storage. */
  static Consumer<PoolBuilder> poolA(int hosts, int vms) {
    return pool -> {
      SimSr shared = pool.addSharedSr("nfs-a");
      SimHost[] all = new SimHost[hosts];
      for (int i = 0; i < hosts; i++) {
        all[i] = pool.addHost("a-host-" + (i + 1), 128 * GIB);
      }
      for (int n = 1; n <= vms; n++) {
        SimHost host = all[(n - 1) % hosts];
        long memory = MEMORY_GIB.get((n - 1) % MEMORY_GIB.size()) * GIB;
        if (host.freeMemory() < memory + GIB) {
          continue; // a full host takes no more VMs
        }
        SimSr sr = n % 3 == 0 ? pool.localSr(host) : shared;
        pool.addVm(String.format("vm-%02d", n), host, memory, sr, 20 * GIB);
      }
    };
  }

  /** pool-b: two empty hosts sharing {@code nfs-b}. */
  static Consumer<PoolBuilder> poolB() {
    return pool -> {
      pool.addSharedSr("nfs-b");
      pool.addHost("b-host-1", 128 * GIB);
      pool.addHost("b-host-2", 128 * GIB);
    };
  }
}
