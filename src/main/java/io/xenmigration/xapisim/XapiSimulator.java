package io.xenmigration.xapisim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.xenmigration.xapisim.api.CallLog;
import io.xenmigration.xapisim.api.Dispatcher;
import io.xenmigration.xapisim.engine.Faults;
import io.xenmigration.xapisim.engine.MigrationEngine;
import io.xenmigration.xapisim.engine.SimSettings;
import io.xenmigration.xapisim.model.PoolBuilder;
import io.xenmigration.xapisim.model.SimHost;
import io.xenmigration.xapisim.model.SimPool;
import io.xenmigration.xapisim.model.SimSession;
import io.xenmigration.xapisim.model.SimWorld;
import io.xenmigration.xapisim.model.XClass;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A XenAPI simulator: simulated pools, each served over XML-RPC on its own loopback port, that the
 * real XenServer SDK talks to as it would to xapi.
 *
 * <pre>{@code
 * try (XapiSimulator sim = XapiSimulator.builder()
 *     .pool("pool-a", p -> { p.addSharedSr("nfs"); p.addHost("a-host-1", 64L << 30); })
 *     .start()) {
 *   Connection connection = new Connection(sim.url("pool-a"));
 * }
 * }</pre>
 */
public final class XapiSimulator implements AutoCloseable {

  private final SimWorld world;
  private final Faults faults = new Faults();
  private final CallLog calls = new CallLog();
  private final MigrationEngine engine;
  private final Dispatcher dispatcher;
  private final Vertx vertx;
  private final boolean ownVertx;
  private final Map<String, XapiEndpoint> endpoints = new LinkedHashMap<>();
  private final Map<String, XapiEndpoint> memberEndpoints = new LinkedHashMap<>();
  private final String bindHost;
  private final TlsMaterial tls;
  private AdminEndpoint admin;

  private XapiSimulator(Builder builder) {
    this.world = new SimWorld(builder.clock);
    this.engine = new MigrationEngine(world, faults, builder.settings);
    this.dispatcher = new Dispatcher(engine, faults, calls);
    this.ownVertx = builder.vertx == null;
    this.vertx = ownVertx ? Vertx.vertx() : builder.vertx;
    this.bindHost = builder.bindHost;
    this.tls = builder.tls;
    int subnet = 0;
    synchronized (world) {
      for (Map.Entry<String, Consumer<PoolBuilder>> entry : builder.pools.entrySet()) {
        SimPool pool = world.addPool(entry.getKey());
        String[] credentials = builder.credentials.get(entry.getKey());
        if (credentials != null) {
          pool.username = credentials[0];
          pool.password = credentials[1];
        }
        entry.getValue().accept(new PoolBuilder(pool, ++subnet));
      }
    }
  }

  /** A new simulator description. */
  public static Builder builder() {
    return new Builder();
  }

  /** How to build a simulator. */
  public static final class Builder {
    private final Map<String, Consumer<PoolBuilder>> pools = new LinkedHashMap<>();
    private SimClock clock = new ScaledClock(1.0);
    private SimSettings settings = new SimSettings();
    private String bindHost = "127.0.0.1";
    private String adminBindHost = AdminEndpoint.LOOPBACK;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final List<String> members = new ArrayList<>();
    private final Map<String, String[]> credentials = new LinkedHashMap<>();
    private TlsMaterial tls;
    private Integer adminPort;
    private Vertx vertx;

    /** Adds a pool, built by the given function. */
    public Builder pool(String name, Consumer<PoolBuilder> contents) {
      pools.put(name, contents);
      return this;
    }

    /** The user and password a pool accepts; default {@code root} / {@code password}. */
    public Builder credentials(String pool, String username, String password) {
      credentials.put(pool, new String[] {username, password});
      return this;
    }

    /** Serves HTTPS with this certificate instead of HTTP. */
    public Builder tls(TlsMaterial material) {
      this.tls = material;
      return this;
    }

    /**
     * Also serves the JSON admin endpoint on this port (0: a free one), on the loopback address
     * whatever the pools' bind address, unless {@link #adminBindHost} says otherwise.
     */
    public Builder adminPort(int port) {
      this.adminPort = port;
      return this;
    }

    /** The clock; default: the wall clock. */
    public Builder clock(SimClock clock) {
      this.clock = clock;
      return this;
    }

    /** Migration speeds and limits. */
    public Builder settings(SimSettings settings) {
      this.settings = settings;
      return this;
    }

    /**
     * The address of the admin endpoint; default 127.0.0.1. Anyone who reaches it can fail or stall
     * every migration, so it leaves the loopback only when asked for by name.
     */
    public Builder adminBindHost(String host) {
      this.adminBindHost = host;
      return this;
    }

    /** The address the pools listen on; default 127.0.0.1. */
    public Builder bindHost(String bindHost) {
      this.bindHost = bindHost;
      return this;
    }

    /** A fixed port for a pool's endpoint; default: a free port. */
    public Builder port(String pool, int port) {
      ports.put(pool, port);
      return this;
    }

    /**
     * Also serves the pool on a member's address (127.0.0.2, same port), where logins get
     * HOST_IS_SLAVE with the master's address.
     */
    public Builder memberEndpoint(String pool) {
      members.add(pool);
      return this;
    }

    /** Runs the servers on an existing Vert.x instance, which the simulator then does not close. */
    public Builder vertx(Vertx vertx) {
      this.vertx = vertx;
      return this;
    }

    /** Builds the pools and starts one endpoint per pool. */
    public XapiSimulator start() {
      XapiSimulator simulator = new XapiSimulator(this);
      try {
        simulator.listen(ports, members);
        if (adminPort != null) {
          simulator.admin = new AdminEndpoint(simulator, adminBindHost);
          await(simulator.admin.listen(simulator.vertx, adminPort));
        }
      } catch (RuntimeException e) {
        simulator.close();
        throw e;
      }
      return simulator;
    }
  }

  private void listen(Map<String, Integer> ports, List<String> members) {
    // xapi speaks HTTP/1.1 only: no upgrade to HTTP/2 over plain HTTP either.
    HttpServerOptions options =
        new HttpServerOptions().setCompressionSupported(false).setHttp2ClearTextEnabled(false);
    if (tls != null) {
      options
          .setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .addCertValue(Buffer.buffer(tls.certificatePem()))
                  .addKeyValue(Buffer.buffer(tls.privateKeyPem())));
    }
    for (SimPool pool : world.pools()) {
      XapiEndpoint endpoint = new XapiEndpoint(pool, dispatcher, faults, null);
      await(endpoint.listen(vertx, options, bindHost, ports.getOrDefault(pool.nameLabel, 0)));
      endpoints.put(pool.nameLabel, endpoint);
      if (members.contains(pool.nameLabel)) {
        XapiEndpoint member = new XapiEndpoint(pool, dispatcher, faults, bindHost);
        await(member.listen(vertx, options, "127.0.0.2", endpoint.port()));
        memberEndpoints.put(pool.nameLabel, member);
      }
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("simulator endpoint failed: " + e.getMessage(), e);
    }
  }

  /** The URL of a pool's master. */
  public URL url(String pool) {
    return url(bindHost, endpoint(pool, endpoints).port());
  }

  /** The URL of a pool member, which sends logins on to the master with HOST_IS_SLAVE. */
  public URL memberUrl(String pool) {
    return url("127.0.0.2", endpoint(pool, memberEndpoints).port());
  }

  private static XapiEndpoint endpoint(String pool, Map<String, XapiEndpoint> endpoints) {
    XapiEndpoint endpoint = endpoints.get(pool);
    if (endpoint == null) {
      throw new IllegalArgumentException("no endpoint for pool " + pool);
    }
    return endpoint;
  }

  /** The certificate the endpoints present, or null for plain HTTP. */
  public TlsMaterial tls() {
    return tls;
  }

  private URL url(String host, int port) {
    try {
      return new URL(tls == null ? "http" : "https", host, port, "/");
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The URL of the JSON admin endpoint. */
  public URL adminUrl() {
    if (admin == null) {
      throw new IllegalStateException("the admin endpoint was not asked for");
    }
    try {
      return new URL("http", admin.host(), admin.port(), "/");
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Faults to inject. */
  public Faults faults() {
    return faults;
  }

  /** Every call answered. */
  public CallLog calls() {
    return calls;
  }

  /** Peaks of concurrent migrations, per pool and per source host. */
  public MigrationEngine engine() {
    return engine;
  }

  /** Migration speeds and limits in force. */
  public SimSettings settings() {
    return engine.settings();
  }

  /** The clock. */
  public SimClock clock() {
    return world.clock;
  }

  /** Reads or changes the model under its lock. */
  public <T> T inWorld(Function<SimWorld, T> action) {
    synchronized (world) {
      return action.apply(world);
    }
  }

  /** A pool by name, for use inside {@link #inWorld}. */
  public SimPool pool(String name) {
    synchronized (world) {
      SimPool pool = world.pool(name);
      if (pool == null) {
        throw new IllegalArgumentException("no pool " + name);
      }
      return pool;
    }
  }

  /** Takes a host offline ({@code live=false}): its migrations fail and it accepts no VM. */
  public void setHostLive(String pool, String host, boolean live) {
    synchronized (world) {
      SimPool simPool = pool(pool);
      SimHost simHost = simPool.host(host);
      if (simHost == null) {
        throw new IllegalArgumentException("no host " + host + " in " + pool);
      }
      simHost.metrics.live = live;
      if (!live) {
        engine.hostWentDown(simHost);
      }
      simPool.events.emit(simHost.metrics, "mod", world.clock.now());
      simPool.events.emit(simHost, "mod", world.clock.now());
    }
  }

  /**
   * Restarts a host's toolstack: a host disabled without {@code auto_enable=false} comes back
   * enabled, as xapi's start-up does. Returns whether it was enabled again.
   */
  public boolean restartToolstack(String pool, String host) {
    synchronized (world) {
      SimPool simPool = pool(pool);
      SimHost simHost = simPool.host(host);
      if (simHost == null) {
        throw new IllegalArgumentException("no host " + host + " in " + pool);
      }
      boolean reenabled = simHost.restartToolstack();
      if (reenabled) {
        simPool.events.emit(simHost, "mod", world.clock.now());
      }
      return reenabled;
    }
  }

  /**
   * Lets migrations stopped by a hang fault, or still on their way to it, go on to their end (those
   * of one VM, by UUID or name-label, or all when null); returns how many.
   */
  public int resumeHungMigrations(String vm) {
    synchronized (world) {
      return engine.resumeHung(vm);
    }
  }

  /** Ends every session of a pool: their next call gets SESSION_INVALID. */
  public void expireSessions(String pool) {
    synchronized (world) {
      for (SimSession session : pool(pool).<SimSession>all(XClass.SESSION)) {
        session.valid = false;
      }
      pool(pool).events.wake(); // calls waiting for events end with SESSION_INVALID, as in xapi
    }
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close();
    }
    for (XapiEndpoint endpoint : endpoints.values()) {
      endpoint.close();
    }
    for (XapiEndpoint endpoint : memberEndpoints.values()) {
      endpoint.close();
    }
    world.clock.close();
    if (ownVertx) {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Closing is best effort; the threads are daemons.
      }
    }
  }
}
