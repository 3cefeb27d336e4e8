package io.xenmigration.xapisim.model;

import static io.xenmigration.xapisim.model.Records.fields;

import java.util.List;
import java.util.Map;

/** The attachment of a VDI (or an empty CD drive) to a VM. */
public final class SimVbd extends XObject {

  public final SimVm vm;
  public SimVdi vdi;
  public String type = "Disk";
  public String mode = "RW";
  public String userdevice = "0";
  public boolean bootable;

  public SimVbd(SimPool pool, SimVm vm) {
    super(pool);
    this.vm = vm;
  }

  @Override
  public XClass xclass() {
    return XClass.VBD;
  }

  /** Whether no disk is inserted, as in an empty CD drive. */
  public boolean empty() {
    return vdi == null;
  }

  @Override
  public Map<String, Object> record() {
    boolean attached = "Running".equals(vm.powerState);
    Map<String, Object> record =
        fields(
            "uuid",
            uuid,
            "allowed_operations",
            List.of("attach", "unplug"),
            "current_operations",
            Map.of(),
            "VM",
            vm.ref,
            "VDI",
            refOf(vdi),
            "device",
            "xvd" + (char) ('a' + Integer.parseInt(userdevice)),
            "userdevice",
            userdevice,
            "bootable",
            bootable,
            "mode",
            mode,
            "type",
            type,
            "unpluggable",
            true,
            "storage_lock",
            false,
            "empty",
            empty(),
            "other_config",
            otherConfig,
            "currently_attached",
            attached);
    record.putAll(Records.deviceRuntime());
    return record;
  }
}
