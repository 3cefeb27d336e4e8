package io.xenmigration.testing;

import io.xenmigration.xapisim.SimClock;
import io.xenmigration.xapisim.XapiSimulator;
import io.xenmigration.xapisim.engine.SimSettings;
import io.xenmigration.xapisim.model.PoolBuilder;
import io.xenmigration.xapisim.model.SimHost;
import io.xenmigration.xapisim.model.SimSr;

/**
 * Simulated pools the tests share: {@code pool-a} (three hosts, shared NFS and local storage, a
 * template and a snapshot) and {@code pool-b} (two hosts, no VMs) for cross-pool moves.
 */
public final class SimFixtures {

  public static final long GIB = 1L << 30;

  private SimFixtures() {}

  /** Both pools, on the given clock and settings. */
  public static XapiSimulator.Builder twoPools(SimClock clock, SimSettings settings) {
    return XapiSimulator.builder()
        .clock(clock)
        .settings(settings)
        .pool("pool-a", SimFixtures::poolA)
        .pool("pool-b", SimFixtures::poolB);
  }

  /**
   * {@code a-host-1..3} with 64 GiB; {@code vm-shared} (4 GiB, disk on {@code nfs-a}) and {@code
   * vm-local} (2 GiB, disk on a-host-1's local SR), both on a-host-1; {@code vm-busy} (8 GiB,
   * shared) on a-host-2.
   */
  public static void poolA(PoolBuilder pool) {
    SimSr nfs = pool.addSharedSr("nfs-a");
    SimHost host1 = pool.addHost("a-host-1", 64 * GIB);
    pool.addHost("a-host-2", 64 * GIB);
    pool.addHost("a-host-3", 64 * GIB);
    pool.addVm("vm-shared", host1, 4 * GIB, nfs, 20 * GIB);
    pool.addVm("vm-local", host1, 2 * GIB, pool.localSr(host1), 10 * GIB);
    pool.addVm("vm-busy", pool.pool().host("a-host-2"), 8 * GIB, nfs, 40 * GIB);
    pool.addTemplate("Debian Bookworm 12");
    pool.addSnapshot(pool.pool().vm("vm-shared"), "vm-shared before upgrade");
  }

  /** {@code b-host-1} and {@code b-host-2} with 64 GiB, shared {@code nfs-b}. */
  public static void poolB(PoolBuilder pool) {
    pool.addSharedSr("nfs-b");
    pool.addHost("b-host-1", 64 * GIB);
    pool.addHost("b-host-2", 64 * GIB);
  }
}
