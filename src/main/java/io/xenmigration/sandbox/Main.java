package io.xenmigration.sandbox;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Arrays;

/**
 * The application's entry point: without arguments the operator runs against the cluster its
 * kubeconfig or service account names; {@code sandbox [options]} first starts everything on this
 * machine (see {@link Sandbox}) and points the operator at it.
 */
@QuarkusMain
public final class Main {

  private Main() {}

  public static void main(String... args) {
    // XenAPI calls go over the JDK's HttpURLConnection, which keeps only 5 idle connections per
    // pool master by default: with dozens of migrations reconciled at once, most calls would open
    // a new connection. Set before the first connection; a value given on the command line wins.
    if (System.getProperty("http.maxConnections") == null) {
      System.setProperty("http.maxConnections", "64");
    }
    if (args.length > 0 && args[0].equals("sandbox")) {
      SandboxOptions options;
      try {
        options = SandboxOptions.parse(Arrays.copyOfRange(args, 1, args.length));
      } catch (IllegalArgumentException e) {
        if (!e.getMessage().isEmpty()) {
          System.err.println("sandbox: " + e.getMessage());
        }
        System.err.print(SandboxOptions.USAGE);
        System.exit(e.getMessage().isEmpty() ? 0 : 2);
        return;
      }
      SandboxRun.run(options);
      return;
    }
    Quarkus.run(args);
  }
}
