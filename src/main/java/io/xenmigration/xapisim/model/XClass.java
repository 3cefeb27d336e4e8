package io.xenmigration.xapisim.model;

import java.util.Locale;

/** The XenAPI classes the simulator serves, with the names xapi uses for each. */
public enum XClass {
  POOL("pool"),
  HOST("host"),
  HOST_METRICS("host_metrics"),
  VM("VM"),
  SR("SR"),
  PBD("PBD"),
  VDI("VDI"),
  VBD("VBD"),
  VIF("VIF"),
  NETWORK("network"),
  PIF("PIF"),
  TASK("task"),
  SM("SM"),
  SESSION("session");

  private final String wireName;

  XClass(String wireName) {
    this.wireName = wireName;
  }

  /** The name in method names and in {@code HANDLE_INVALID}, such as {@code VM} or {@code host}. */
  public String wireName() {
    return wireName;
  }

  /** The name in {@code event.from} classes and event records: always lower case. */
  public String eventName() {
    return wireName.toLowerCase(Locale.ROOT);
  }

  /** The class a method name starts with, or null. */
  public static XClass ofWireName(String name) {
    for (XClass x : values()) {
      if (x.wireName.equals(name)) {
        return x;
      }
    }
    return null;
  }

  /** The class an {@code event.from} name denotes, or null. */
  public static XClass ofEventName(String name) {
    for (XClass x : values()) {
      if (x.eventName().equals(name)) {
        return x;
      }
    }
    return null;
  }
}
