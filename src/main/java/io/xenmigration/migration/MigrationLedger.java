package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationMode;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.scheduler.Placement;
import io.xenmigration.scheduler.PlacementRequest;
import io.xenmigration.scheduler.Reservations;
import io.xenmigration.scheduler.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What every active migration holds, worked out from the statuses written to the cluster: slots in
 * pools, places on source and destination hosts, memory on destinations. Nothing is remembered that
 * the statuses do not say, so a restarted operator, or a new leader, counts exactly what its
 * predecessor counted as soon as it has read them. Two things bridge the gap to the cluster's view:
 * what this process wrote that its cache may not show yet (kept by resourceVersion, so that the
 * newer of the two always counts), and the claims of decisions whose write is under way or whose
 * answer was lost, so that two reconciles at the same moment never take the same last slot, and a
 * slot is given back only once the write ending its migration is known to have landed.
 */
public final class MigrationLedger {

  /** A holding taken for a decision until its write lands or fails; either way it then goes. */
  public static final class Claim {
    private final Holding holding;

    /**
     * Set when the write's answer was lost: the claim then holds until the cache shows the object
     * past this version (the write landed, or another did), so a write that did land is never
     * counted nowhere.
     */
    private volatile Long uncertainAfter;

    /**
     * The claim this one took the place of (the admission's slot, when the destination is chosen in
     * the same look): held again when this one alone is given back, as when the chosen host refuses
     * its pre-check.
     */
    private Claim replaced;

    /** Given back, or stood for by a landed write: never held again. */
    private boolean done;

    private Claim(Holding holding) {
      this.holding = holding;
    }

    public Holding holding() {
      return holding;
    }
  }

  /** A placement, and the claim on its destination when one was made. */
  public record Placed(
      Placement placement, Claim claim, boolean storageLimited, boolean hostLimited) {}

  /**
   * What this process wrote of a migration: its version, its phase and what it held then. Small, so
   * that it can stay until the migration is deleted: dropping it when one reconcile's copy of the
   * cache caught up would let another reconcile with an older copy count the old state.
   */
  private record Written(long version, MigrationPhase phase, Holding holding) {}

  private final Map<String, Written> written = new HashMap<>();

  /** The migrations whose newest status this process wrote is active. */
  private final Set<String> writtenActive = new HashSet<>();

  /** The migrations whose newest status this process wrote is Queued. */
  private final Set<String> writtenQueued = new HashSet<>();

  private final Map<String, Claim> claims = new LinkedHashMap<>();

  /**
   * What one version of a migration says, worked out once: every decision reads every migration in
   * the cache, and an object of a given resourceVersion never changes.
   *
   * @param holding what it holds, or null; not kept when it depends on the XenPools' pool UUIDs
   * @param byIndex whether its holding depends on the XenPools (its status names no pool UUID)
   * @param completedAt when it ended Completed, or null
   */
  private record Facts(
      String resourceVersion,
      long version,
      MigrationPhase phase,
      Holding holding,
      boolean byIndex,
      Instant completedAt) {}

  private final Map<String, Facts> facts = new HashMap<>();

  /**
   * How long one sum of arrivals serves before the cache is added up again: what this process ends
   * is added at once; what only the cache shows (ended by a predecessor) within this time, about as
   * late as the cache itself shows it.
   */
  static final Duration ARRIVALS_RECOUNT = Duration.ofSeconds(2);

  /** Where a VM went and where it left, with its memory. */
  private record Arrival(
      String destinationHost, String sourceHost, long memoryBytes, Instant completedAt) {

    /** The arrival a Completed status tells of, or null when it tells too little. */
    static Arrival of(LiveMigrationStatus status, Instant completedAt) {
      if (completedAt == null
          || status.getDestinationHostUuid() == null
          || status.getMemoryBytes() == null) {
        return null;
      }
      // Within one pool the VM's memory is free again where it was; across pools it is another
      // pool's business.
      String left = status.getDestinationPoolUuid() == null ? status.getSourceHostUuid() : null;
      return new Arrival(
          status.getDestinationHostUuid(), left, status.getMemoryBytes(), completedAt);
    }
  }

  /**
   * The migrations that arrived since one reading of a pool, summed per host: at tens of
   * completions a second and a reading a minute, adding them up for every placement would cost more
   * than the placement.
   */
  private static final class Arrivals {
    private final Instant since;
    private final Instant counted;
    private final Set<String> arrived = new HashSet<>();
    private final Map<String, Long> credits = new HashMap<>();

    private Arrivals(Instant since, Instant counted) {
      this.since = since;
      this.counted = counted;
    }

    /** Adds an arrival once, by the object's UID: a name may be reused by a new migration. */
    private void add(String key, Arrival arrival) {
      if (arrival == null || !arrival.completedAt().isAfter(since) || !arrived.add(key)) {
        return;
      }
      // Arrived since the pool was read: its memory is taken where it went and free where it was,
      // though the last reading says otherwise.
      credits.merge(arrival.destinationHost(), -arrival.memoryBytes(), Long::sum);
      if (arrival.sourceHost() != null) {
        credits.merge(arrival.sourceHost(), arrival.memoryBytes(), Long::sum);
      }
    }
  }

  /**
   * The arrivals this process wrote that the cache may not show yet, by UID: a sum made from the
   * cache alone would miss them. Each goes once the cache shows it, or once it is older than every
   * reading kept.
   */
  private final Map<String, Arrival> ownArrivals = new LinkedHashMap<>();

  /** Sums of arrivals by the pool reading they count from, the latest few. */
  private final Map<Instant, Arrivals> arrivals = new LinkedHashMap<>();

  /**
   * Notes a status this process wrote, with the resourceVersion the API server gave it, and gives
   * back the claims the write now stands for.
   */
  public synchronized void written(LiveMigration migration, Collection<Claim> settled) {
    long version = version(migration);
    Written before = written.get(id(migration));
    if (before == null || version >= before.version()) {
      MigrationPhase phase = migration.getStatus().getPhase();
      written.put(id(migration), new Written(version, phase, holdingOf(migration, null)));
      if (phase != null && phase.isActive()) {
        writtenActive.add(id(migration));
      } else {
        writtenActive.remove(id(migration));
      }
      if (phase == MigrationPhase.Queued) {
        writtenQueued.add(id(migration));
      } else {
        writtenQueued.remove(id(migration));
      }
    }
    if (migration.getStatus().getPhase() == MigrationPhase.Completed) {
      Arrival arrival = Arrival.of(migration.getStatus(), MigrationView.completionTime(migration));
      if (arrival != null) {
        String key = arrivalKey(migration);
        ownArrivals.put(key, arrival);
        for (Arrivals since : arrivals.values()) {
          since.add(key, arrival);
        }
      }
    }
    giveBack(settled);
  }

  /**
   * Gives back the claims of a decision whose write was refused (it did not land), or a placement
   * the decision let go; a claim that another took the place of, and that is not given back itself,
   * holds again.
   */
  public synchronized void settle(Collection<Claim> settled) {
    giveBack(settled);
  }

  private void giveBack(Collection<Claim> settled) {
    settled.forEach(claim -> claim.done = true);
    for (Claim claim : settled) {
      String id = claim.holding.migration();
      if (claims.remove(id, claim)) {
        Claim before = claim.replaced;
        while (before != null && before.done) {
          before = before.replaced;
        }
        if (before != null) {
          claims.put(id, before);
        }
      }
    }
  }

  /** The claim held for a migration now, or null: what a look that fails puts back. */
  public synchronized Claim claimOf(String id) {
    return claims.get(id);
  }

  /**
   * Puts back the claim a migration held before a look that failed: whatever that look claimed was
   * never written.
   */
  public synchronized void restore(String id, Claim before) {
    if (before == null) {
      claims.remove(id);
    } else {
      claims.put(id, before);
    }
  }

  /**
   * Keeps the claims of a decision whose write's answer was lost (it may have landed) until the
   * cache shows the object past the version it was written against.
   */
  public synchronized void uncertain(Collection<Claim> kept, LiveMigration writtenAgainst) {
    for (Claim claim : kept) {
      claim.uncertainAfter = version(writtenAgainst);
    }
  }

  private Arrivals arrivalsSince(Instant inventoryReadAt, MigrationView cached, Instant now) {
    Arrivals since = arrivals.get(inventoryReadAt);
    if (since != null
        && !now.isBefore(since.counted)
        && now.isBefore(since.counted.plus(ARRIVALS_RECOUNT))) {
      return since;
    }
    since = new Arrivals(inventoryReadAt, now);
    for (LiveMigration migration : cached.completedSince(inventoryReadAt)) {
      String key = arrivalKey(migration);
      since.add(
          key, Arrival.of(migration.getStatus(), facts(id(migration), migration).completedAt()));
      ownArrivals.remove(key); // the cache shows it from now on
    }
    for (var own : ownArrivals.entrySet()) {
      since.add(own.getKey(), own.getValue());
    }
    arrivals.remove(inventoryReadAt);
    arrivals.put(inventoryReadAt, since);
    if (arrivals.size() > 8) {
      arrivals.remove(arrivals.keySet().iterator().next());
    }
    Instant oldest = arrivals.keySet().stream().min(Instant::compareTo).orElse(inventoryReadAt);
    ownArrivals.values().removeIf(arrival -> !arrival.completedAt().isAfter(oldest));
    return since;
  }

  /** An arrival is known by the object's UID: a name may come back as a new migration. */
  private static String arrivalKey(LiveMigration migration) {
    String uid = migration.getMetadata().getUid();
    return uid != null ? uid : id(migration);
  }

  /** Forgets a migration that is gone from the cluster. */
  public synchronized void forget(String id) {
    written.remove(id);
    writtenActive.remove(id);
    writtenQueued.remove(id);
    claims.remove(id);
    facts.remove(id);
  }

  private Facts facts(String id, LiveMigration migration) {
    String resourceVersion = migration.getMetadata().getResourceVersion();
    Facts known = resourceVersion == null ? null : facts.get(id);
    if (known != null && resourceVersion.equals(known.resourceVersion())) {
      return known;
    }
    LiveMigrationStatus status = migration.getStatus();
    MigrationPhase phase = status == null ? null : status.getPhase();
    boolean byIndex =
        phase != null
            && phase.isActive()
            && (status.getSourcePoolUuid() == null
                || (status.getDestinationPoolUuid() == null
                    && migration.getSpec() != null
                    && migration.getSpec().getDestinationPool() != null));
    Instant completedAt =
        phase == MigrationPhase.Completed ? MigrationView.completionTime(migration) : null;
    Facts found =
        new Facts(
            resourceVersion,
            version(migration),
            phase,
            byIndex ? null : holdingOf(migration, null),
            byIndex,
            completedAt);
    if (resourceVersion != null) {
      facts.put(id, found);
    }
    return found;
  }

  /** What every active migration holds, claims included (a claim stands for its migration). */
  public synchronized List<Holding> holdings(MigrationView cached, PoolIndex pools) {
    Map<String, Holding> held = new LinkedHashMap<>();
    Set<String> looked = new HashSet<>();
    for (LiveMigration migration : cached.active()) {
      looked.add(id(migration));
      hold(migration, pools, held);
    }
    // Those the cache shows waiting still, though this process has written them under way.
    for (String id : writtenActive) {
      LiveMigration migration = looked.contains(id) ? null : cached.find(id);
      if (migration != null) {
        hold(migration, pools, held);
      }
    }
    for (var entry : new ArrayList<>(claims.entrySet())) {
      Claim claim = entry.getValue();
      Long after = claim.uncertainAfter;
      if (after != null) {
        LiveMigration seen = cached.find(entry.getKey());
        if (seen != null && version(seen) > after) {
          claim.done = true;
          claims.remove(entry.getKey(), claim); // the cache now says what happened
          continue;
        }
      }
      held.put(entry.getKey(), claim.holding);
    }
    return new ArrayList<>(held.values());
  }

  private void hold(LiveMigration migration, PoolIndex pools, Map<String, Holding> held) {
    String id = id(migration);
    Facts seen = facts(id, migration);
    Written mine = written.get(id);
    Holding holding =
        mine != null && mine.version() > seen.version()
            ? mine.holding()
            : seen.byIndex() ? holdingOf(migration, pools) : seen.holding();
    if (holding != null) {
      held.put(id, holding);
    }
  }

  /** The phase of a migration as the newest known status has it. */
  private MigrationPhase phase(LiveMigration migration) {
    String id = id(migration);
    Facts seen = facts(id, migration);
    Written mine = written.get(id);
    return mine != null && mine.version() > seen.version() ? mine.phase() : seen.phase();
  }

  /**
   * Decides whether a queued migration may start and, if it may, claims its slot at once.
   *
   * @param waiting turns a queued migration of the candidate's pools into its request, or null for
   *     one that is not waiting there
   */
  public synchronized Admission.Decision admit(
      Admission.Request candidate,
      MigrationView cached,
      PoolIndex pools,
      Function<LiveMigration, Admission.Request> waiting,
      List<Claim> claimed) {
    List<Holding> active = holdings(cached, pools);
    List<Admission.Request> queue = new ArrayList<>();
    Set<String> holding = new HashSet<>();
    active.forEach(h -> holding.add(h.migration()));
    List<LiveMigration> waitingNow = new ArrayList<>(cached.queued());
    Set<String> looked = new HashSet<>();
    waitingNow.forEach(m -> looked.add(id(m)));
    // Those the cache shows under way still, though this process has written them back to wait.
    for (String id : writtenQueued) {
      LiveMigration migration = looked.contains(id) ? null : cached.find(id);
      if (migration != null) {
        waitingNow.add(migration);
      }
    }
    for (LiveMigration migration : waitingNow) {
      MigrationPhase phase = phase(migration);
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
      claim.replaced = claims.put(candidate.id(), claim);
      claimed.add(claim);
    }
    return decision;
  }

  /**
   * Places a migration on a destination, counting the memory and inbound places every other
   * migration holds (and the memory of migrations that arrived after the destination pool was last
   * read, which its free memory does not show yet), and claims the chosen host at once. A placement
   * that would copy disks while the source host already sends as many storage migrations as
   * allowed, or from a source host that already sends as many migrations as allowed (it may not be
   * the host the queue counted, if the VM moved), claims nothing.
   *
   * @param pools the pools the migration touches, its own first
   * @param copiesAll whether the disks are copied whatever the host (cross-pool, or asked for)
   * @param maxPerSourceHost migrations one source host may send at once
   * @param maxStorageFromHost storage migrations one host may send at once
   * @param inventoryReadAt when the destination pool's free memory was read
   * @param now the time of the look, which says when arrivals only the cache shows are added up
   */
  public synchronized Placed place(
      PlacementRequest request,
      List<String> pools,
      boolean copiesAll,
      int maxPerSourceHost,
      int maxStorageFromHost,
      Instant inventoryReadAt,
      MigrationView cached,
      PoolIndex index,
      Instant now) {
    Reservations reservations = new Reservations();
    int fromSource = 0;
    int storageFromSource = 0;
    String sourceHost = request.vm().sourceHost();
    for (Holding holding : holdings(cached, index)) {
      if (holding.migration().equals(request.migration())) {
        continue;
      }
      if (holding.destinationHost() != null) {
        reservations.reserve(holding.migration(), holding.destinationHost(), holding.memoryBytes());
      }
      if (sourceHost.equals(holding.sourceHost())) {
        fromSource++;
        if (holding.copiesDisks()) {
          storageFromSource++;
        }
      }
    }
    arrivalsSince(inventoryReadAt, cached, now).credits.forEach(reservations::credit);
    if (fromSource >= maxPerSourceHost) {
      return new Placed(null, null, false, true);
    }
    Placement placement = new Scheduler(reservations).place(request);
    if (!placement.placed()) {
      return new Placed(placement, null, false, false);
    }
    boolean copies = copiesAll || placement.chosen().copiesDisks();
    if (copies && storageFromSource >= maxStorageFromHost) {
      return new Placed(placement, null, true, false);
    }
    Claim claim =
        new Claim(
            new Holding(
                request.migration(),
                request.vm().uuid(),
                pools,
                sourceHost,
                placement.chosen().host().uuid(),
                request.vm().memoryBytes(),
                copies));
    claim.replaced = claims.put(request.migration(), claim);
    return new Placed(placement, claim, false, false);
  }

  /**
   * What a migration holds by its status, or null when it holds nothing. A migration whose spec
   * cannot be read is counted by its status alone, which names its pools.
   */
  static Holding holdingOf(LiveMigration migration, PoolIndex pools) {
    LiveMigrationStatus status = migration.getStatus();
    MigrationPhase phase = status == null ? null : status.getPhase();
    if (phase == null || !phase.isActive()) {
      return null;
    }
    String namespace = migration.getMetadata().getNamespace();
    var spec = migration.getSpec();
    String source = status.getSourcePoolUuid();
    if (source == null && spec != null && pools != null) {
      source = pools.uuid(namespace, spec.getPool());
    }
    String destination = status.getDestinationPoolUuid();
    boolean crossPool = destination != null || (spec != null && spec.getDestinationPool() != null);
    if (destination == null && crossPool && spec != null && pools != null) {
      destination = pools.uuid(namespace, spec.getDestinationPool());
    }
    List<String> touched = new ArrayList<>();
    // A pool not known yet is counted under its XenPool's name, so the slot is not lost.
    touched.add(source != null ? source : namespace + "/" + (spec == null ? "?" : spec.getPool()));
    if (crossPool) {
      touched.add(
          destination != null
              ? destination
              : namespace + "/" + (spec == null ? "?" : spec.getDestinationPool()));
    }
    boolean moving = phase == MigrationPhase.Running || phase == MigrationPhase.RollingBack;
    return new Holding(
        id(migration),
        status.getVmUuid() != null ? status.getVmUuid() : spec == null ? "?" : spec.getVm(),
        touched,
        status.getSourceHostUuid(),
        moving ? status.getDestinationHostUuid() : null,
        status.getMemoryBytes() == null ? 0 : status.getMemoryBytes(),
        moving && status.getMode() != null && status.getMode() != MigrationMode.PoolMigrate);
  }

  static String id(LiveMigration migration) {
    return migration.getMetadata().getNamespace() + "/" + migration.getMetadata().getName();
  }

  /** The resourceVersion as a number (the API server's are; the SDK's caches assume so). */
  private static long version(LiveMigration migration) {
    try {
      return Long.parseLong(migration.getMetadata().getResourceVersion());
    } catch (NumberFormatException | NullPointerException notANumber) {
      return -1;
    }
  }
}
