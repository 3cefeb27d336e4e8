package io.xenmigration.xen;

import java.util.Map;

/**
 * What {@code host.migrate_receive} answered: the map a storage or cross-pool migration sends to
 * the destination. It carries a session on the destination pool, so it is never shown.
 */
public record DestinationTicket(String host, Map<String, String> dest) {

  public DestinationTicket {
    dest = Map.copyOf(dest);
  }

  @Override
  public String toString() {
    return "DestinationTicket[host=" + host + "]";
  }
}
