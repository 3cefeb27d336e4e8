package io.xenmigration.xapisim.api;

import io.xenmigration.xapisim.ManualClock;
import io.xenmigration.xapisim.model.PoolBuilder;
import io.xenmigration.xapisim.model.SimPool;
import io.xenmigration.xapisim.model.SimTask;
import io.xenmigration.xapisim.model.SimWorld;
import io.xenmigration.xapisim.model.XClass;
import io.xenmigration.xapisim.model.XObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The calls every class has: {@code get_all}, {@code get_all_records}, {@code get_record}, {@code
 * get_by_uuid}, {@code get_by_name_label} and a getter per record field.
 */
final class ObjectCalls {

  /** Classes a client may list; sessions are private to their holder. */
  private static final List<XClass> LISTABLE =
      List.of(
          XClass.POOL,
          XClass.HOST,
          XClass.HOST_METRICS,
          XClass.VM,
          XClass.SR,
          XClass.PBD,
          XClass.VDI,
          XClass.VBD,
          XClass.VIF,
          XClass.NETWORK,
          XClass.PIF,
          XClass.TASK);

  private ObjectCalls() {}

  static void register(Dispatcher dispatcher) {
    Map<XClass, Set<String>> fields = fieldsOfEveryClass();
    for (XClass xclass : LISTABLE) {
      String prefix = xclass.wireName() + ".";
      dispatcher.add(prefix + "get_all", 0, 0, false, c -> refs(c.pool.all(xclass)));
      dispatcher.add(
          prefix + "get_all_records",
          0,
          0,
          false,
          c -> {
            Map<String, Object> records = new LinkedHashMap<>();
            for (XObject object : c.pool.<XObject>all(xclass)) {
              records.put(object.ref, object.record());
            }
            return records;
          });
      dispatcher.add(prefix + "get_record", 1, 0, false, c -> c.resolve(xclass, 0).record());
      dispatcher.add(
          prefix + "get_by_uuid",
          1,
          0,
          false,
          c -> {
            XObject object = c.pool.findByUuid(xclass, c.string(0));
            if (object == null) {
              throw new XapiError("UUID_INVALID", xclass.wireName(), c.string(0));
            }
            return object.ref;
          });
      if (fields.get(xclass).contains("name_label")) {
        dispatcher.add(
            prefix + "get_by_name_label",
            1,
            0,
            false,
            c -> {
              List<String> matches = new ArrayList<>();
              for (XObject object : c.pool.<XObject>all(xclass)) {
                if (c.string(0).equals(object.nameLabel())) {
                  matches.add(object.ref);
                }
              }
              return matches;
            });
      }
      for (String field : fields.get(xclass)) {
        dispatcher.add(
            prefix + "get_" + field, 1, 0, false, c -> c.resolve(xclass, 0).record().get(field));
      }
    }
  }

  private static List<String> refs(List<? extends XObject> objects) {
    List<String> refs = new ArrayList<>(objects.size());
    objects.forEach(o -> refs.add(o.ref));
    return refs;
  }

  /** The record fields of each class, read off a throwaway pool with one object of each. */
  private static Map<XClass, Set<String>> fieldsOfEveryClass() {
    SimWorld world = new SimWorld(new ManualClock(Instant.EPOCH));
    SimPool pool = world.addPool("prototype");
    PoolBuilder builder = new PoolBuilder(pool, 0);
    builder.addSharedSr("shared");
    builder.addHost("host", 1L << 30);
    builder.addVm("vm", pool.master, 1L << 20, pool.defaultSr, 1L << 20);
    pool.register(new SimTask(pool, "prototype", Instant.EPOCH));
    Map<XClass, Set<String>> fields = new EnumMap<>(XClass.class);
    for (XClass xclass : XClass.values()) {
      List<XObject> objects = pool.all(xclass);
      fields.put(xclass, objects.isEmpty() ? Set.of() : objects.get(0).record().keySet());
    }
    return fields;
  }
}
