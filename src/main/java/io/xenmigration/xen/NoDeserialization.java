package io.xenmigration.xen;

import java.io.ObjectInputFilter;

/**
 * The process-wide rule that no Java object is ever deserialized: the operator reads nothing in
 * Java's serialization format, so every class is refused, whatever library asks (the XML-RPC client
 * would, for a fault's cause). Installed before the first pool connection and at start-up; a filter
 * set on the command line ({@code -Djdk.serialFilter}) is kept.
 */
public final class NoDeserialization {

  private NoDeserialization() {}

  /** Installs the filter unless one is set already. */
  public static synchronized void install() {
    if (ObjectInputFilter.Config.getSerialFilter() == null) {
      ObjectInputFilter.Config.setSerialFilter(ObjectInputFilter.Config.createFilter("!*"));
    }
  }
}
