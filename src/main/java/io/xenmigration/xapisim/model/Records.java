package io.xenmigration.xapisim.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small helpers to build records with xapi's value shapes. */
final class Records {

  private Records() {}

  /** An ordered record builder; int64 fields are added as {@code long}. */
  static Map<String, Object> fields(Object... keysAndValues) {
    Map<String, Object> record = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      record.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return record;
  }

  /** The runtime fields xapi gives every virtual device (VBD, VIF), idle values. */
  static Map<String, Object> deviceRuntime() {
    return fields(
        "status_code",
        0L,
        "status_detail",
        "",
        "runtime_properties",
        Map.of(),
        "qos_algorithm_type",
        "",
        "qos_algorithm_params",
        Map.of(),
        "qos_supported_algorithms",
        List.of(),
        "metrics",
        XObject.NULL_REF);
  }

  /** The refs of some objects, in order. */
  static List<String> refs(Collection<? extends XObject> objects) {
    List<String> refs = new ArrayList<>(objects.size());
    for (XObject object : objects) {
      refs.add(object.ref);
    }
    return refs;
  }

  /** A copy of a map keyed by object refs. */
  static Map<String, String> byRef(Map<? extends XObject, String> map) {
    Map<String, String> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(k.ref, v));
    return copy;
  }
}
