package io.xenmigration.scheduler;

import java.util.HashMap;
import java.util.Map;

/**
 * Memory and inbound slots promised to migrations in flight, per destination host. A reservation is
 * taken when the scheduler chooses a host and released when the migration ends, whatever the
 * outcome, so two placements at the same moment never count the same free memory twice.
 */
public final class Reservations {

  private record Hold(String host, long bytes) {}

  private final Map<String, Hold> byMigration = new HashMap<>();
  private final Map<String, long[]> byHost = new HashMap<>(); // host -> {bytes, migrations}
  private final Map<String, Long> credits = new HashMap<>();

  /**
   * Memory a host has free beyond what its last reading says: positive for a VM that left it since,
   * negative for one that arrived since. It offsets the host's reservations and never counts as an
   * inbound migration, since the migration that moved that VM is over.
   */
  public synchronized void credit(String host, long bytes) {
    credits.merge(host, bytes, Long::sum);
  }

  /** Holds memory and an inbound slot on a host for a migration, replacing its earlier hold. */
  public synchronized void reserve(String migration, String host, long bytes) {
    release(migration);
    byMigration.put(migration, new Hold(host, bytes));
    long[] totals = byHost.computeIfAbsent(host, h -> new long[2]);
    totals[0] += bytes;
    totals[1]++;
  }

  /** Gives back what a migration held; nothing happens when it held nothing. */
  public synchronized void release(String migration) {
    Hold hold = byMigration.remove(migration);
    if (hold == null) {
      return;
    }
    long[] totals = byHost.get(hold.host);
    totals[0] -= hold.bytes;
    totals[1]--;
    if (totals[1] == 0) {
      byHost.remove(hold.host);
    }
  }

  /** Memory held on a host by migrations in flight, less what VMs that left it since freed. */
  public synchronized long reservedBytes(String host) {
    long[] totals = byHost.get(host);
    return (totals == null ? 0 : totals[0]) - credits.getOrDefault(host, 0L);
  }

  /** Migrations in flight to a host. */
  public synchronized int inbound(String host) {
    long[] totals = byHost.get(host);
    return totals == null ? 0 : (int) totals[1];
  }

  /** The host a migration holds memory on, or null. */
  public synchronized String hostOf(String migration) {
    Hold hold = byMigration.get(migration);
    return hold == null ? null : hold.host;
  }
}
