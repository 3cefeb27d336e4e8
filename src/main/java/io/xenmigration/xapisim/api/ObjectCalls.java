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
 * The calls every class has: {@code get_all}, {@code get_all_records}, {@code
 * get_all_records_where}, {@code get_record}, {@code get_by_uuid}, {@code get_by_name_label}, a
 * getter per record field and {@code add_to_other_config}/{@code remove_from_other_config}.
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
          XClass.TASK,
          XClass.SM);

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
      dispatcher.add(
          prefix + "get_all_records_where",
          1,
          0,
          false,
          c -> {
            DbFilter filter = DbFilter.parse(c.string(0));
            Map<String, Object> records = new LinkedHashMap<>();
            for (XObject object : c.pool.<XObject>all(xclass)) {
              Map<String, Object> record = object.record();
              if (filter.test(record)) {
                records.put(object.ref, record);
              }
            }
            return records;
          });
      dispatcher.add(prefix + "get_record", 1, 0, false, c -> c.resolve(xclass, 0).record());
      if (xclass != XClass.TASK) { // a task's map has rules of its own (TaskCalls)
        dispatcher.add(
            prefix + "add_to_other_config",
            3,
            0,
            false,
            c -> {
              addToOtherConfig(c, c.resolve(xclass, 0));
              return "";
            });
        dispatcher.add(
            prefix + "remove_from_other_config",
            2,
            0,
            false,
            c -> {
              removeFromOtherConfig(c, c.resolve(xclass, 0));
              return "";
            });
      }
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

  /**
   * Adds a key to an object's {@code other_config}. An existing key is refused, even with the same
   * value, as xapi's database refuses a duplicate map key ({@code MAP_DUPLICATE_KEY [class, field,
   * ref, key]}); an empty key is an error inside xapi's database.
   */
  static void addToOtherConfig(CallContext context, XObject object) {
    String key = context.string(1);
    String value = context.string(2);
    if (key.isEmpty()) {
      throw new XapiError("INTERNAL_ERROR", "Db_exn.Empty_key_in_map");
    }
    if (object.otherConfig.containsKey(key)) {
      throw duplicateKey(object, "other_config", key);
    }
    object.otherConfig.put(key, value);
    context.emit(object, "mod");
  }

  /** xapi's database refusing a key a map already has. */
  static XapiError duplicateKey(XObject object, String field, String key) {
    return new XapiError("MAP_DUPLICATE_KEY", object.xclass().wireName(), field, object.ref, key);
  }

  /** Removes a key from an object's {@code other_config}; a missing key is no error. */
  static void removeFromOtherConfig(CallContext context, XObject object) {
    if (object.otherConfig.remove(context.string(1)) != null) {
      context.emit(object, "mod");
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
