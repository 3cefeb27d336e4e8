package io.xenmigration.pool;

import io.xenmigration.xen.CallMeter;
import io.xenmigration.xen.PoolApi;
import io.xenmigration.xen.PoolEndpoint;
import io.xenmigration.xen.PoolWrites;
import io.xenmigration.xen.XenApiDriver;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One driver (and so one XenAPI session) per XenPool, reused across reconciles and replaced when
 * the pool's endpoint or credentials change. Sessions are logged out on shutdown.
 */
@ApplicationScoped
public class PoolDrivers {

  /** Makes the driver of an endpoint: XenAPI's, or a test's stand-in. */
  @FunctionalInterface
  public interface Factory {
    PoolApi open(PoolEndpoint endpoint);
  }

  private record Entry(PoolEndpoint endpoint, PoolApi driver) {}

  private final Map<String, Entry> drivers = new ConcurrentHashMap<>();
  private final Factory factory;

  /** Drivers whose calls that change a pool are never refused: the only replica, or a test. */
  public PoolDrivers(CallMeter meter, Clock clock) {
    this(meter, clock, PoolWrites.Gate.OPEN);
  }

  /** Drivers whose calls that change a pool each pass the leader's gate just before they go. */
  @Inject
  public PoolDrivers(CallMeter meter, Clock clock, PoolWrites.Gate writes) {
    this(endpoint -> new XenApiDriver(endpoint, meter, clock, writes));
  }

  /** Drivers made by a factory of one's own. */
  public PoolDrivers(Factory factory) {
    this.factory = factory;
  }

  /** The driver for a pool (key: namespace/name), created or replaced to match the endpoint. */
  public PoolApi driver(String pool, PoolEndpoint endpoint) {
    Entry entry =
        drivers.compute(
            pool,
            (key, existing) -> {
              if (existing != null && sameEndpoint(existing.endpoint, endpoint)) {
                return existing;
              }
              if (existing != null) {
                existing.driver.close();
              }
              return new Entry(endpoint, factory.open(endpoint));
            });
    return entry.driver;
  }

  /** The driver already open for a pool, or null. */
  public PoolApi existing(String pool) {
    Entry entry = drivers.get(pool);
    return entry == null ? null : entry.driver;
  }

  /** Logs out of a pool that is gone. */
  public void forget(String pool) {
    Entry entry = drivers.remove(pool);
    if (entry != null) {
      entry.driver.close();
    }
  }

  private static boolean sameEndpoint(PoolEndpoint a, PoolEndpoint b) {
    return a.url().equals(b.url())
        && a.username().equals(b.username())
        && a.password().equals(b.password())
        && Objects.equals(a.caCertificatePem(), b.caCertificatePem())
        && a.insecureSkipTlsVerify() == b.insecureSkipTlsVerify()
        && a.connectTimeout().equals(b.connectTimeout())
        && a.replyTimeout().equals(b.replyTimeout())
        && a.callDeadline().equals(b.callDeadline())
        && a.maxAnswerBytes() == b.maxAnswerBytes()
        && a.boundUrls().equals(b.boundUrls());
  }

  @PreDestroy
  public void logOutEverywhere() {
    drivers.values().forEach(entry -> entry.driver.close());
    drivers.clear();
  }
}
