package io.xenmigration.xapisim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator on its own, so any XenAPI client can be pointed at it:
 *
 * <pre>
 * ./mvnw -q compile exec:java@simulator -Dexec.args="--pools pools.yaml --time-scale 10"
 * </pre>
 *
 * Options: {@code --pools FILE} (default: two demonstration pools), {@code --bind ADDRESS}
 * (127.0.0.1), {@code --time-scale N} (simulated seconds per real second, default 1), {@code
 * --admin-port PORT} (default 0, a free port), {@code --tls} (HTTPS with a self-signed certificate,
 * written next to the pool file as {@code simulator-ca.crt}).
 */
public final class SimulatorMain {

  private SimulatorMain() {}

  public static void main(String[] args) throws Exception {
    Path poolFile = null;
    String bind = "127.0.0.1";
    String adminBind = AdminEndpoint.LOOPBACK;
    double scale = 1.0;
    int adminPort = 0;
    boolean tls = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--pools" -> poolFile = Path.of(value(args, ++i, "--pools"));
        case "--bind" -> bind = value(args, ++i, "--bind");
        case "--admin-bind" -> adminBind = value(args, ++i, "--admin-bind");
        case "--time-scale" -> scale = Double.parseDouble(value(args, ++i, "--time-scale"));
        case "--admin-port" -> adminPort = Integer.parseInt(value(args, ++i, "--admin-port"));
        case "--tls" -> tls = true;
        default -> usage("unknown option " + args[i]);
      }
    }
    XapiSimulator.Builder builder =
        XapiSimulator.builder()
            .bindHost(bind)
            .adminBindHost(adminBind)
            .clock(new ScaledClock(scale))
            .adminPort(adminPort);
    if (poolFile != null) {
      PoolFile.addTo(builder, PoolFile.read(poolFile));
    } else {
      builder
          .pool("pool-a", PoolGenerator.pool("a", 4, 12, 128))
          .pool("pool-b", PoolGenerator.pool("b", 2, 0, 128));
    }
    TlsMaterial material = null;
    if (tls) {
      material = TlsMaterial.selfSigned();
      builder.tls(material);
    }
    XapiSimulator simulator = builder.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  simulator.close();
                  stopped.countDown();
                }));
    for (var pool : simulator.inWorld(w -> w.pools())) {
      System.out.printf(
          "pool %-12s %s  (user %s)%n",
          pool.nameLabel, simulator.url(pool.nameLabel), pool.username);
    }
    System.out.println("admin       " + simulator.adminUrl());
    if (material != null) {
      Path ca =
          (poolFile == null ? Path.of(".") : poolFile.toAbsolutePath().getParent())
              .resolve("simulator-ca.crt");
      writeCa(ca, material);
      System.out.println("CA          " + ca);
    }
    System.out.println("time scale  " + scale + "x; Ctrl-C stops");
    stopped.await();
  }

  private static void writeCa(Path file, TlsMaterial material) throws IOException {
    Files.writeString(file, material.certificatePem());
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length) {
      usage(option + " needs a value");
    }
    return args[index];
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println(
        "usage: SimulatorMain [--pools FILE] [--bind ADDRESS] [--time-scale N]"
            + " [--admin-port PORT] [--admin-bind ADDRESS] [--tls]");
    System.exit(2);
  }
}
