package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationMode;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.scheduler.Placement;
import io.xenmigration.scheduler.PlacementRequest;
import io.xenmigration.scheduler.Reservations;
import io.xenmigration.scheduler.Scheduler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What every active migration holds, worked out from the statuses written to the cluster: slots in
 * pools, places on source and destination hosts, memory on destinations. Nothing is remembered that
 * the statuses do not say, so a restarted operator, or a new leader, counts exactly what its
 * predecessor counted as soon as it has read them. Two things bridge the gap to the cluster's view:
 * the statuses this process wrote that its cache does not show yet, and the claims of decisions
 * whose write is under way, so that two reconciles at the same moment never take the same last
 * slot, and a slot is given back only once the write ending its migration has landed.
 */
public final class MigrationLedger {

  /** A holding taken for a decision until its write lands or fails; either way it then goes. */
  public static final class Claim {
    private final Holding holding;

    private Claim(Holding holding) {
      this.holding = holding;
    }

    public Holding holding() {
      return holding;
    }
  }

  /** A placement, and the claim on its destination when one was made. */
  public record Placed(Placement placement, Claim claim, boolean storageLimited) {}

  private final Map<String, LiveMigration> written = new HashMap<>();
  private final Map<String, Claim> claims = new LinkedHashMap<>();

  /** Notes a status this process wrote, with the resourceVersion the API server gave it. */
  public synchronized void written(LiveMigration migration, Collection<Claim> settled) {
    written.put(id(migration), migration);
    settle(settled);
  }

  /** Gives back the claims of a decision whose write did not land. */
  public synchronized void settle(Collection<Claim> settled) {
    for (Claim claim : settled) {
      claims.remove(claim.holding.migration(), claim);
    }
  }

  /** Forgets a migration that is gone from the cluster. */
  public synchronized void forget(String id) {
    written.remove(id);
    claims.remove(id);
  }

  /** The newest known state of each migration: the cache's, or one written here since. */
  public synchronized List<LiveMigration> effective(Collection<LiveMigration> cached) {
    List<LiveMigration> newest = new ArrayList<>(cached.size());
    for (LiveMigration migration : cached) {
      String id = id(migration);
      LiveMigration mine = written.get(id);
      if (mine == null) {
        newest.add(migration);
      } else if (newer(migration, mine)) {
        written.remove(id); // the cache has caught up
        newest.add(migration);
      } else {
        newest.add(mine);
      }
    }
    return newest;
  }

  /** What every active migration holds, claims included (a claim stands for its migration). */
  public synchronized List<Holding> holdings(Collection<LiveMigration> cached, PoolIndex pools) {
    Map<String, Holding> held = new LinkedHashMap<>();
    for (LiveMigration migration : effective(cached)) {
      Holding holding = holdingOf(migration, pools);
      if (holding != null) {
        held.put(holding.migration(), holding);
      }
    }
    claims.forEach((id, claim) -> held.put(id, claim.holding));
    return new ArrayList<>(held.values());
  }

  /**
   * Decides whether a queued migration may start and, if it may, claims its slot at once.
   *
   * @param waiting turns a queued migration of the candidate's pools into its request, or null for
   *     one that is not waiting there
   */
  public synchronized Admission.Decision admit(
      Admission.Request candidate,
      Collection<LiveMigration> cached,
      PoolIndex pools,
      Function<LiveMigration, Admission.Request> waiting,
      List<Claim> claimed) {
    List<Holding> active = holdings(cached, pools);
    List<Admission.Request> queue = new ArrayList<>();
    java.util.Set<String> holding = new java.util.HashSet<>();
    active.forEach(h -> holding.add(h.migration()));
    for (LiveMigration migration : effective(cached)) {
      MigrationPhase phase =
          migration.getStatus() == null ? null : migration.getStatus().getPhase();
      if ((phase == null || phase == MigrationPhase.Queued) && !holding.contains(id(migration))) {
        Admission.Request request = waiting.apply(migration);
        if (request != null) {
          queue.add(request);
        }
      }
    }
    Map<String, Admission.Pool> limits = new HashMap<>();
    for (String uuid : candidate.pools()) {
      Admission.Pool pool = pools.limits(uuid);
      if (pool != null) {
        limits.put(uuid, pool);
      }
    }
    Admission.Decision decision = Admission.decide(candidate, active, queue, limits);
    if (decision.admitted()) {
      Claim claim =
          new Claim(
              new Holding(
                  candidate.id(),
                  candidate.vm(),
                  candidate.pools(),
                  candidate.sourceHost(),
                  null,
                  candidate.memory(),
                  false));
      claims.put(candidate.id(), claim);
      claimed.add(claim);
    }
    return decision;
  }

  /**
   * Places a migration on a destination, counting the memory and inbound places every other
   * migration holds, and claims the chosen host at once. A placement that would copy disks while
   * the source host already sends as many storage migrations as allowed claims nothing.
   *
   * @param pools the pools the migration touches, its own first
   * @param copiesAll whether the disks are copied whatever the host (cross-pool, or asked for)
   * @param maxStorageFromHost storage migrations one host may send at once
   */
  public synchronized Placed place(
      PlacementRequest request,
      List<String> pools,
      boolean copiesAll,
      int maxStorageFromHost,
      Collection<LiveMigration> cached,
      PoolIndex index) {
    Reservations reservations = new Reservations();
    int storageFromSource = 0;
    for (Holding holding : holdings(cached, index)) {
      if (holding.migration().equals(request.migration())) {
        continue;
      }
      if (holding.destinationHost() != null) {
        reservations.reserve(holding.migration(), holding.destinationHost(), holding.memoryBytes());
      }
      if (holding.copiesDisks() && request.vm().sourceHost().equals(holding.sourceHost())) {
        storageFromSource++;
      }
    }
    Placement placement = new Scheduler(reservations).place(request);
    if (!placement.placed()) {
      return new Placed(placement, null, false);
    }
    boolean copies = copiesAll || placement.chosen().copiesDisks();
    if (copies && storageFromSource >= maxStorageFromHost) {
      return new Placed(placement, null, true);
    }
    Claim claim =
        new Claim(
            new Holding(
                request.migration(),
                request.vm().uuid(),
                pools,
                request.vm().sourceHost(),
                placement.chosen().host().uuid(),
                request.vm().memoryBytes(),
                copies));
    claims.put(request.migration(), claim);
    return new Placed(placement, claim, false);
  }

  /** What a migration holds by its status, or null when it holds nothing. */
  static Holding holdingOf(LiveMigration migration, PoolIndex pools) {
    LiveMigrationStatus status = migration.getStatus();
    MigrationPhase phase = status == null ? null : status.getPhase();
    if (phase == null || !phase.isActive() || migration.getSpec() == null) {
      return null;
    }
    String namespace = migration.getMetadata().getNamespace();
    String source =
        status.getSourcePoolUuid() != null
            ? status.getSourcePoolUuid()
            : pools.uuid(namespace, migration.getSpec().getPool());
    String destination =
        status.getDestinationPoolUuid() != null
            ? status.getDestinationPoolUuid()
            : pools.uuid(namespace, migration.getSpec().getDestinationPool());
    List<String> touched = new ArrayList<>();
    // A pool not known yet is counted under its XenPool's name, so the slot is not lost.
    touched.add(source != null ? source : namespace + "/" + migration.getSpec().getPool());
    if (migration.getSpec().getDestinationPool() != null) {
      touched.add(
          destination != null
              ? destination
              : namespace + "/" + migration.getSpec().getDestinationPool());
    }
    boolean moving = phase == MigrationPhase.Running || phase == MigrationPhase.RollingBack;
    return new Holding(
        id(migration),
        status.getVmUuid() != null ? status.getVmUuid() : migration.getSpec().getVm(),
        touched,
        status.getSourceHostUuid(),
        moving ? status.getDestinationHostUuid() : null,
        status.getMemoryBytes() == null ? 0 : status.getMemoryBytes(),
        moving && status.getMode() != null && status.getMode() != MigrationMode.PoolMigrate);
  }

  static String id(LiveMigration migration) {
    return migration.getMetadata().getNamespace() + "/" + migration.getMetadata().getName();
  }

  /** Whether the cache's copy is at least as new as the one written here. */
  private static boolean newer(LiveMigration cached, LiveMigration mine) {
    String theirs = cached.getMetadata().getResourceVersion();
    String ours = mine.getMetadata().getResourceVersion();
    try {
      return Long.parseLong(theirs) >= Long.parseLong(ours);
    } catch (NumberFormatException | NullPointerException notNumbers) {
      return java.util.Objects.equals(theirs, ours);
    }
  }
}
