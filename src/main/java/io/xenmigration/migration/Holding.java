package io.xenmigration.migration;

import java.util.List;

/**
 * What one active migration holds: a slot in each pool it touches, a place among its source host's
 * outgoing migrations (and its storage migrations when it copies disks), and, once it has a
 * destination, an inbound place and memory on that host.
 *
 * @param migration namespace/name
 * @param vm the VM's UUID
 * @param pools UUIDs of the pools it touches: its own, then the destination pool if another
 * @param sourceHost UUID of the host the VM leaves, or null when not known
 * @param destinationHost UUID of the host the VM goes to, or null before it is chosen
 * @param memoryBytes memory held on the destination host
 * @param copiesDisks whether it is a storage migration (xapi counts them per sending host)
 */
public record Holding(
    String migration,
    String vm,
    List<String> pools,
    String sourceHost,
    String destinationHost,
    long memoryBytes,
    boolean copiesDisks) {

  public Holding {
    pools = List.copyOf(pools);
  }
}
