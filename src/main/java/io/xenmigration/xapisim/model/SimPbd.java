package io.xenmigration.xapisim.model;

import static io.xenmigration.xapisim.model.Records.fields;

import java.util.Map;

/** The attachment of an SR to a host. */
public final class SimPbd extends XObject {

  public final SimHost host;
  public final SimSr sr;
  public boolean currentlyAttached = true;

  public SimPbd(SimPool pool, SimHost host, SimSr sr) {
    super(pool);
    this.host = host;
    this.sr = sr;
  }

  @Override
  public XClass xclass() {
    return XClass.PBD;
  }

  @Override
  public Map<String, Object> record() {
    return fields(
        "uuid",
        uuid,
        "host",
        host.ref,
        "SR",
        sr.ref,
        "device_config",
        Map.of("location", "/var/run/sr-mount/" + sr.uuid),
        "currently_attached",
        currentlyAttached,
        "other_config",
        otherConfig);
  }
}
