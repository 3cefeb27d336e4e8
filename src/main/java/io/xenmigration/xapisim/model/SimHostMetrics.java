package io.xenmigration.xapisim.model;

import static io.xenmigration.xapisim.model.Records.fields;

import java.util.Map;

/** The metrics of one host: its memory and whether its heartbeat is alive. */
public final class SimHostMetrics extends XObject {

  public final SimHost host;
  public boolean live = true;

  SimHostMetrics(SimPool pool, SimHost host) {
    super(pool);
    this.host = host;
  }

  @Override
  public XClass xclass() {
    return XClass.HOST_METRICS;
  }

  @Override
  public Map<String, Object> record() {
    return fields(
        "uuid",
        uuid,
        "memory_total",
        host.memoryTotal,
        "memory_free",
        host.freeMemory(),
        "live",
        live,
        "last_updated",
        pool.world.clock.now(),
        "other_config",
        otherConfig);
  }
}
