package io.xenmigration.scheduler;

import io.xenmigration.scheduler.Rejection.Reason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Decides where a VM goes: every host runs through the filters (the first that refuses it gives the
 * reason), the hosts left are weighed, and the best one is reserved at once.
 *
 * <p>Weighing prefers, in order: a host that needs no disk copy (a storage migration moves every
 * byte of the disks and takes far longer than moving memory), then the most free memory left after
 * the VM arrives (spreading load), then the host's name and UUID, so the same inputs always give
 * the same answer.
 */
public final class Scheduler {

  private static final Comparator<Candidate> BEST_FIRST =
      Comparator.comparing(Candidate::copiesDisks)
          .thenComparing(Comparator.comparingLong(Candidate::memoryLeftBytes).reversed())
          .thenComparing(c -> c.host().name())
          .thenComparing(c -> c.host().uuid());

  /** How many of the hosts that fit are ranked in the answer. */
  static final int RANKED = 10;

  private final Reservations reservations;

  public Scheduler(Reservations reservations) {
    this.reservations = reservations;
  }

  /**
   * Places a VM and reserves memory on the chosen host for the request's migration. A new request
   * for the same migration first gives back what it held. An explicit host is checked alone: the
   * other hosts are not listed.
   */
  public Placement place(PlacementRequest request) {
    synchronized (reservations) {
      reservations.release(request.migration());
      // Only the best few candidates are ranked: a full sort would make placement grow faster
      // than the pool.
      PriorityQueue<Candidate> best = new PriorityQueue<>(RANKED + 1, BEST_FIRST.reversed());
      int fitting = 0;
      List<Rejection> rejected = new ArrayList<>();
      for (HostFacts host : request.hosts()) {
        if (request.requestedHost() != null && !requested(host, request.requestedHost())) {
          continue;
        }
        Rejection rejection = filter(request, host);
        if (rejection != null) {
          rejected.add(rejection);
        } else {
          long left =
              host.freeMemoryBytes()
                  - reservations.reservedBytes(host.uuid())
                  - request.vm().memoryBytes();
          boolean copies = !host.storage().containsAll(request.vm().storage());
          fitting++;
          best.add(new Candidate(host, copies, left));
          if (best.size() > RANKED) {
            best.poll();
          }
        }
      }
      List<Candidate> candidates = new ArrayList<>(best);
      candidates.sort(BEST_FIRST);
      Candidate chosen = candidates.isEmpty() ? null : candidates.get(0);
      if (chosen != null) {
        reservations.reserve(request.migration(), chosen.host().uuid(), request.vm().memoryBytes());
      }
      return new Placement(chosen, List.copyOf(candidates), fitting, List.copyOf(rejected));
    }
  }

  /** Gives back what a migration holds, when it ends in any way. */
  public void release(String migration) {
    reservations.release(migration);
  }

  private static boolean requested(HostFacts host, String requested) {
    return requested.equals(host.uuid()) || requested.equals(host.name());
  }

  /** The first filter that refuses the host, or null when it fits. */
  private Rejection filter(PlacementRequest request, HostFacts host) {
    VmNeeds vm = request.vm();
    if (host.uuid().equals(vm.sourceHost())) {
      return reject(host, Reason.IsSource, 0, 0);
    }
    if (request.heldHosts().containsKey(host.uuid())) {
      return reject(host, Reason.InMaintenance, 0, 0);
    }
    if (request.excluded().contains(host.uuid())) {
      return reject(host, Reason.ExcludedByEarlierAttempt, 0, 0);
    }
    if (!host.enabled()) {
      return reject(host, Reason.Disabled, 0, 0);
    }
    if (!host.live()) {
      return reject(host, Reason.NotLive, 0, 0);
    }
    if (!host.platformName().equals(vm.platformName())) {
      return reject(host, Reason.DifferentPlatform, 0, 0);
    }
    if (PlatformVersions.compare(host.platformVersion(), vm.platformVersion()) < 0) {
      return reject(host, Reason.OlderPlatform, 0, 0);
    }
    if (host.cpuCount() < vm.vcpus()) {
      return reject(host, Reason.NotEnoughCpus, vm.vcpus(), host.cpuCount());
    }
    if (!request.storageMigrationAllowed() && !host.storage().containsAll(vm.storage())) {
      return reject(host, Reason.MissingStorage, 0, 0);
    }
    if (!request.networksMapped() && !host.networks().containsAll(vm.networks())) {
      return reject(host, Reason.MissingNetwork, 0, 0);
    }
    int inbound = reservations.inbound(host.uuid());
    if (inbound >= request.maxInboundPerHost()) {
      return reject(host, Reason.InboundLimit, request.maxInboundPerHost(), inbound);
    }
    long free = host.freeMemoryBytes() - reservations.reservedBytes(host.uuid());
    if (free < vm.memoryBytes()) {
      return reject(host, Reason.NotEnoughMemory, vm.memoryBytes(), Math.max(0, free));
    }
    return null;
  }

  private static Rejection reject(HostFacts host, Reason reason, long needed, long available) {
    return new Rejection(host.name(), reason, needed, available);
  }
}
