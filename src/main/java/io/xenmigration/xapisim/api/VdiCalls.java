package io.xenmigration.xapisim.api;

import io.xenmigration.xapisim.model.SimSr;
import io.xenmigration.xapisim.model.SimVdi;
import io.xenmigration.xapisim.model.XClass;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Creating and destroying disks, with the checks xapi makes ({@code xapi_vdi.ml}, {@code
 * message_forwarding.ml}): users put their own disks on an SR this way, and rollback is tested
 * against disks it did not make.
 */
final class VdiCalls {

  /** The VDI types of xapi's {@code vdi_type} enum. */
  private static final Set<String> TYPES =
      Set.of(
          "system",
          "user",
          "ephemeral",
          "suspend",
          "crashdump",
          "ha_statefile",
          "metadata",
          "redo_log",
          "rrd",
          "pvs_cache",
          "cbt_metadata");

  /** Fields {@code VDI.create}'s record must have; the others default. */
  private static final List<String> REQUIRED =
      List.of("SR", "virtual_size", "type", "sharable", "read_only", "other_config");

  private VdiCalls() {}

  static void register(Dispatcher dispatcher) {
    dispatcher.add("VDI.create", 1, 0, true, VdiCalls::create);
    dispatcher.add("VDI.destroy", 1, 0, true, VdiCalls::destroy);
  }

  private static Object create(CallContext context) {
    if (!(context.args.get(0) instanceof Map<?, ?> record)) {
      throw new XapiError("FIELD_TYPE_ERROR", "args");
    }
    for (String field : REQUIRED) {
      if (!record.containsKey(field)) {
        // xapi's unmarshaller raises Dispatcher_FieldNotFound, reported as an internal error.
        throw new XapiError(
            "INTERNAL_ERROR", "Server_helpers.Dispatcher_FieldNotFound(\"" + field + "\")");
      }
    }
    SimSr sr = CallContext.resolve(context.pool, XClass.SR, text(record, "SR"));
    String type = text(record, "type");
    if (!TYPES.contains(type)) {
      throw new XapiError("ENUM_INVALID", "vdi_type", type); // not a value of the enum at all
    }
    if (type.equals("cbt_metadata")) {
      throw new XapiError("VDI_INCOMPATIBLE_TYPE", "OpaqueRef:NULL", type);
    }
    if (sr.pbds.stream().noneMatch(pbd -> pbd.currentlyAttached)) {
      throw new XapiError("SR_NO_PBDS", sr.ref);
    }
    long size = CallContext.number(record.get("virtual_size"), "virtual_size");
    if (size < 0) {
      throw new XapiError("INVALID_VALUE", "virtual_size", Long.toString(size));
    }
    SimVdi vdi = context.pool.register(new SimVdi(context.pool));
    vdi.sr = sr;
    vdi.nameLabel = record.containsKey("name_label") ? text(record, "name_label") : "";
    vdi.nameDescription =
        record.containsKey("name_description") ? text(record, "name_description") : "";
    vdi.virtualSize = size;
    vdi.type = type;
    vdi.sharable = CallContext.bool(record.get("sharable"), "sharable");
    vdi.readOnly = CallContext.bool(record.get("read_only"), "read_only");
    vdi.otherConfig.putAll(optionalStrings(record, "other_config"));
    vdi.smConfig.putAll(optionalStrings(record, "sm_config"));
    vdi.xenstoreData.putAll(optionalStrings(record, "xenstore_data"));
    if (record.get("tags") instanceof List<?> tags) {
      tags.forEach(tag -> vdi.tags.add(String.valueOf(tag)));
    }
    sr.vdis.add(vdi);
    context.emit(vdi, "add");
    context.emit(sr, "mod");
    return vdi.ref;
  }

  /**
   * Destroys a VDI, with xapi's checks ({@code check_operation_error}): none while an operation
   * runs on it, none while a VBD uses it. Like xapi, it does not know that a storage datapath
   * writes a mirror's leaf, which has no VBD: destroying that one breaks the mirror.
   */
  private static Object destroy(CallContext context) {
    SimVdi vdi = context.resolve(XClass.VDI, 0);
    if (!vdi.currentOperations.isEmpty()) {
      var running = vdi.currentOperations.entrySet().iterator().next();
      throw new XapiError(
          "OTHER_OPERATION_IN_PROGRESS", "VDI", vdi.ref, running.getValue(), running.getKey());
    }
    if (!vdi.vbds.isEmpty()) {
      throw new XapiError("VDI_IN_USE", vdi.ref, "destroy");
    }
    vdi.sr.vdis.remove(vdi);
    context.pool.unregister(vdi);
    context.pool.world.destroyed(vdi);
    context.emit(vdi, "del");
    context.emit(vdi.sr, "mod");
    return "";
  }

  private static String text(Map<?, ?> record, String field) {
    return CallContext.text(record.get(field), field);
  }

  private static Map<String, String> optionalStrings(Map<?, ?> record, String field) {
    return record.get(field) == null ? Map.of() : CallContext.strings(record.get(field), field);
  }
}
