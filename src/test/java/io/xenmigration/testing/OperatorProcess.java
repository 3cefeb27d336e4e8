package io.xenmigration.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged operator in a process of its own, pointed at an embedded API, with the heap the Helm
 * chart's memory limit gives it (75% of 512 MiB), so that its memory and start-up are its own, and
 * so that it can be killed as a pod is.
 */
public final class OperatorProcess implements AutoCloseable {

  /** The heap of the chart's default container: {@code MaxRAMPercentage=75} of 512 MiB. */
  public static final String HEAP = "-Xmx384m";

  private static final Pattern STARTED = Pattern.compile("started in ([0-9.]+)s");

  private final Process process;
  private final Path log;
  private final int httpPort;

  /** {@link System#nanoTime()} just before the process was started. */
  public final long startNanos;

  private OperatorProcess(Process process, Path log, int httpPort, long startNanos) {
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
    this.startNanos = startNanos;
  }

  /** The operator the build packaged ({@code application.jar}, as the end-to-end run sets it). */
  public static Path packagedJar() {
    return Path.of(System.getProperty("application.jar", "target/quarkus-app/quarkus-run.jar"));
  }

  /**
   * The packaged operator as a pod named {@code name} (its {@code HOSTNAME}) watching one
   * namespace, ready to be killed: a start it made and could not record is given up on after twice
   * a reply timeout of 5 s (and not before). {@code extra} adds settings.
   */
  public static OperatorProcess replica(
      String apiUrl, Path log, String namespace, String name, Map<String, String> extra)
      throws IOException {
    Map<String, String> settings = new java.util.LinkedHashMap<>();
    settings.put("kubernetes.namespace", namespace);
    settings.put("xenmigration.pools.reply-timeout", "5s");
    settings.putAll(extra);
    return start(packagedJar(), apiUrl, log, settings, Map.of("HOSTNAME", name));
  }

  public static OperatorProcess start(Path jar, String apiUrl, Path log) throws IOException {
    return start(jar, apiUrl, log, Map.of(), Map.of());
  }

  /**
   * Starts the operator with settings of its own ({@code -D} properties) and environment (such as
   * the {@code HOSTNAME} a pod has, which names it in a leader-election Lease).
   */
  public static OperatorProcess start(
      Path jar, String apiUrl, Path log, Map<String, String> settings, Map<String, String> env)
      throws IOException {
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(HEAP);
    String extra = System.getProperty("bench.operator.jvm", "");
    if (!extra.isBlank()) {
      // {port} tells one process's files (a flight recording, say) from the next one's.
      command.addAll(List.of(extra.replace("{port}", String.valueOf(port)).trim().split("\\s+")));
    }
    command.add("-Djava.util.logging.manager=org.jboss.logmanager.LogManager");
    command.add("-Dkubernetes.master=" + apiUrl);
    command.add("-Dkubernetes.auth.tryKubeConfig=false");
    command.add("-Dkubernetes.auth.tryServiceAccount=false");
    command.add("-Dquarkus.http.host=127.0.0.1");
    command.add("-Dquarkus.http.port=" + port);
    // The test simulators speak plain HTTP, which the operator refuses unless its owner allows it.
    command.add("-Dxenmigration.pools.allow-insecure=true");
    settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("-jar");
    command.add(jar.toString());
    Files.createDirectories(log.getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    builder.environment().putAll(env);
    long start = System.nanoTime();
    return new OperatorProcess(builder.start(), log, port, start);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Resident memory now and at its peak, in MiB, from {@code /proc}. */
  public record Memory(double rssMiB, double peakMiB) {}

  public Memory memory() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc", "" + process.pid(), "status"));
      return new Memory(kib(lines, "VmRSS:") / 1024.0, kib(lines, "VmHWM:") / 1024.0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long kib(List<String> lines, String key) {
    return lines.stream()
        .filter(l -> l.startsWith(key))
        .map(l -> Long.parseLong(l.substring(key.length()).trim().split("\\s+")[0]))
        .findFirst()
        .orElseThrow();
  }

  /** CPU time (user and system) the operator has used so far, in milliseconds. */
  public double cpuMillis() {
    return cpuMillis(process.pid());
  }

  /** CPU time (user and system) a process has used so far, in milliseconds, from {@code /proc}. */
  public static double cpuMillis(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", "" + pid, "stat"));
      // Fields after the command name, which is in parentheses and may hold spaces.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * 1000.0 / CLOCK_TICKS;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Linux's USER_HZ, the unit of /proc's CPU times. */
  private static final double CLOCK_TICKS = 100;

  /** Asks the JVM for a full collection, as {@code jcmd PID GC.run} does. */
  public void collectGarbage() throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process run =
        new ProcessBuilder(jcmd.toString(), "" + process.pid(), "GC.run")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!run.waitFor(60, TimeUnit.SECONDS)) {
      run.destroyForcibly();
      throw new IOException("jcmd GC.run did not finish");
    }
  }

  /** The operator's Prometheus metrics. */
  public String metrics() throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/metrics"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  /** The start-up time Quarkus reports ("started in 1.234s"), in seconds, or NaN before that. */
  public double reportedStartSeconds() throws IOException {
    Matcher matcher = STARTED.matcher(Files.readString(log));
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : Double.NaN;
  }

  public boolean alive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** Kills the process at once, as a node failure or {@code kill -9} does: nothing is flushed. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Pauses the process ({@code SIGSTOP}), as a stalled node or a long garbage collection does: it
   * keeps its connections and its state, and does nothing until {@link #resume}.
   */
  public void pause() {
    signal("STOP");
  }

  /** Lets a paused process go on ({@code SIGCONT}) from wherever it stopped. */
  public void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The HTTP port of its probes and metrics. */
  public int httpPort() {
    return httpPort;
  }

  @Override
  public void close() {
    resume(); // a paused process would not hear the request to stop
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
