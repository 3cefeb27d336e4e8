package io.xenmigration.sandbox;

import java.nio.file.Path;

/**
 * The sandbox's command-line options, with defaults a first-time user never needs to change.
 *
 * @param dir where the kubeconfig, the ready marker and the port file go
 * @param crds the directory of the CRD manifests to install
 * @param apiPort the embedded Kubernetes API's port for kubectl and helm (0: a free one)
 * @param adminPort the simulator's fault-injection endpoint (0: a free one)
 * @param operatorPort the operator's HTTP port: health and metrics (0: a free one)
 * @param hosts the hosts of pool-a
 * @param vms the VMs of pool-a
 * @param timeScale simulated seconds per real second
 */
public record SandboxOptions(
    Path dir,
    Path crds,
    int apiPort,
    int adminPort,
    int operatorPort,
    int hosts,
    int vms,
    double timeScale) {

  static final String USAGE =
      """
      usage: java -jar target/quarkus-app/quarkus-run.jar sandbox [options]
        --dir DIR            kubeconfig, ready marker and ports (default target/sandbox)
        --crds DIR           CRD manifests to install (default deploy/crds)
        --api-port PORT      embedded Kubernetes API for kubectl and helm (default 7443, 0: any)
        --admin-port PORT    simulator fault injection (default 7480, 0: any)
        --operator-port PORT operator health and metrics (default 8080, 0: any)
        --hosts N            hosts in pool-a (default 4)
        --vms N              VMs in pool-a (default 12)
        --time-scale X       simulated seconds per real second (default 2)
      """;

  /** The defaults. */
  public static SandboxOptions defaults() {
    return new SandboxOptions(
        Path.of("target", "sandbox"), Path.of("deploy", "crds"), 7443, 7480, 8080, 4, 12, 2.0);
  }

  /** Parses the arguments after {@code sandbox}; a bad one is an IllegalArgumentException. */
  public static SandboxOptions parse(String... args) {
    SandboxOptions d = defaults();
    Path dir = d.dir;
    Path crds = d.crds;
    int api = d.apiPort;
    int admin = d.adminPort;
    int operator = d.operatorPort;
    int hosts = d.hosts;
    int vms = d.vms;
    double scale = d.timeScale;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (option.equals("--help") || option.equals("-h")) {
        throw new IllegalArgumentException("");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      String value = args[++i];
      switch (option) {
        case "--dir" -> dir = Path.of(value);
        case "--crds" -> crds = Path.of(value);
        case "--api-port" -> api = count(option, value, 0, 65535);
        // The pools listen on the two ports after the admin port.
        case "--admin-port" -> admin = count(option, value, 0, 65533);
        case "--operator-port" -> operator = count(option, value, 0, 65535);
        case "--hosts" -> hosts = count(option, value, 2, 500);
        case "--vms" -> vms = count(option, value, 0, 20_000);
        case "--time-scale" -> scale = scale(value);
        default -> throw new IllegalArgumentException("unknown option " + option);
      }
    }
    return new SandboxOptions(dir, crds, api, admin, operator, hosts, vms, scale);
  }

  private static int count(String option, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      if (n < min || n > max) {
        throw new IllegalArgumentException(
            option + " must be between " + min + " and " + max + ", not " + value);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " takes a number, not " + value);
    }
  }

  private static double scale(String value) {
    try {
      double x = Double.parseDouble(value);
      if (!(x > 0 && x <= 1000)) {
        throw new IllegalArgumentException("--time-scale must be above 0 and at most 1000");
      }
      return x;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--time-scale takes a number, not " + value);
    }
  }
}
