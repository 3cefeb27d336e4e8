package io.xenmigration.scheduler;

import java.util.Locale;

/**
 * Why one host was not chosen. The message is built only when asked for, so turning down ten
 * thousand hosts costs no formatting.
 *
 * @param host the host's name-label
 * @param reason the filter that refused it
 * @param needed what the VM needed, where a quantity was short (bytes, CPUs or migrations)
 * @param available what the host had
 */
public record Rejection(String host, Reason reason, long needed, long available) {

  /** The filters, in the order they run; the first that refuses a host names the reason. */
  public enum Reason {
    /** The user named another host. */
    NotRequested,
    /** The host is where the VM runs now. */
    IsSource,
    /** A HostMaintenance holds the host: it is being emptied, or kept empty. */
    InMaintenance,
    /** An earlier attempt of this migration failed on the host. */
    ExcludedByEarlierAttempt,
    /** The host is disabled. */
    Disabled,
    /** The host's heartbeat is not alive. */
    NotLive,
    /** The host runs another hypervisor platform. */
    DifferentPlatform,
    /** The host runs an older platform version than the source. */
    OlderPlatform,
    /** Too few physical CPUs for the VM's virtual CPUs. */
    NotEnoughCpus,
    /** The host cannot see the VM's storage and disks may not be copied. */
    MissingStorage,
    /** The host has no interface on one of the VM's networks. */
    MissingNetwork,
    /** The host already receives as many migrations as allowed. */
    InboundLimit,
    /** Too little free memory once in-flight migrations are counted. */
    NotEnoughMemory
  }

  /** The reason in words a person understands. */
  public String message() {
    return switch (reason) {
      case NotRequested -> "another host was requested";
      case IsSource -> "the VM runs on this host";
      case InMaintenance -> "the host is under maintenance (a HostMaintenance holds it)";
      case ExcludedByEarlierAttempt -> "an earlier attempt of this migration failed here";
      case Disabled -> "the host is disabled";
      case NotLive -> "the host is not live";
      case DifferentPlatform -> "the host runs another hypervisor platform";
      case OlderPlatform -> "the host runs an older platform version than the source host";
      case NotEnoughCpus ->
          String.format(Locale.ROOT, "needs %d physical CPUs, the host has %d", needed, available);
      case MissingStorage ->
          "the host cannot see the VM's storage and storage migration is not allowed";
      case MissingNetwork -> "the host has no interface on one of the VM's networks";
      case InboundLimit ->
          String.format(
              Locale.ROOT, "already receiving %d migrations, the limit is %d", available, needed);
      case NotEnoughMemory ->
          String.format(
              Locale.ROOT,
              "needs %s of memory, %s free after migrations in flight",
              gib(needed),
              gib(available));
    };
  }

  private static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
  }
}
