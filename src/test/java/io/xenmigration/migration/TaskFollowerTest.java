package io.xenmigration.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.xensource.xenapi.Task;
import io.xenmigration.pool.PoolDrivers;
import io.xenmigration.testing.SimClient;
import io.xenmigration.testing.SimFixtures;
import io.xenmigration.xapisim.ManualClock;
import io.xenmigration.xapisim.XapiSimulator;
import io.xenmigration.xapisim.engine.SimSettings;
import io.xenmigration.xen.CallMeter;
import io.xenmigration.xen.MigrationTask;
import io.xenmigration.xen.PoolEndpoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The task follower against the simulator: a task reporting progress many times a second costs few
 * {@code event.from} calls and wakes its migration about once a second, and its end wakes the
 * migration with the final state.
 */
class TaskFollowerTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private XapiSimulator simulator;
  private TaskFollower follower;

  /** The task's state as each wake-up finds it. */
  private final List<MigrationTask.Status> wakes = new CopyOnWriteArrayList<>();

  private String followed;

  @BeforeEach
  void start() throws Exception {
    simulator = SimFixtures.twoPools(clock, new SimSettings()).start();
    PoolDrivers drivers = new PoolDrivers(new CallMeter(), Clock.systemUTC());
    drivers.driver(
        "ns/pool-a", PoolEndpoint.of(simulator.url("pool-a"), "root", "password", null, false));
    follower = new TaskFollower(drivers, Clock.systemUTC());
    follower.wakeWith(
        new Wakeups() {
          @Override
          public void migration(String key) {
            if (key.equals("ns/move")) {
              wakes.add(
                  follower.latest("ns/pool-a", followed).map(MigrationTask::status).orElse(null));
            }
          }

          @Override
          public void queuedIn(String poolKey) {}
        });
  }

  @AfterEach
  void stop() {
    follower.close();
    simulator.close();
  }

  @Test
  void progressIsGatheredAndTheEndWakesAtOnce() throws Exception {
    SimClient a = new SimClient(simulator, "pool-a");
    Task task =
        a.vm("vm-shared")
            .poolMigrateAsync(a.connection, a.host("a-host-2"), Map.of("live", "true"));
    String ref = task.toWireString();
    followed = ref;
    follower.follow("ns/pool-a", ref, "ns/move");
    simulator.calls().clear();
    long reportsBefore = simulator.engine().progressReports();
    long started = System.nanoTime();
    // The 4 GiB migration takes about 4.3 simulated seconds, reported in steps of 1%. Each 50 ms
    // step of the clock is a new report, and the next step waits until the follower has seen it.
    while (simulator.engine().history().isEmpty()) {
      clock.advance(Duration.ofMillis(50));
      double reported = task.getProgress(a.connection);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  follower
                      .latest("ns/pool-a", ref)
                      .map(
                          t ->
                              t.progress() >= reported
                                  || t.status() != MigrationTask.Status.PENDING)
                      .orElse(false));
    }
    long reports = simulator.engine().progressReports() - reportsBefore;
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(follower.latest("ns/pool-a", ref))
                    .hasValueSatisfying(
                        t -> assertThat(t.status()).isEqualTo(MigrationTask.Status.SUCCESS)));
    // The end wakes the migration at once, which then finds the task's final state.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(wakes).contains(MigrationTask.Status.SUCCESS));
    double seconds = (System.nanoTime() - started) / 1e9;

    assertThat(reports).isGreaterThan(50);
    // Far fewer wakes than reports: one for the first progress, at most one a second after that,
    // and one for the end.
    assertThat(wakes.size())
        .as("%d reports in %.1f s", reports, seconds)
        .isBetween(2, (int) Math.ceil(seconds) + 2);
  }

  @Test
  void aTaskRefAnotherPoolReportsIsNeverTakenForThisPoolsTask() throws Exception {
    SimClient a = new SimClient(simulator, "pool-a");
    Task task =
        a.vm("vm-shared")
            .poolMigrateAsync(a.connection, a.host("a-host-2"), Map.of("live", "true"));
    String ref = task.toWireString();
    // Another pool reports a finished task under the same ref, as a hostile pool could.
    io.xenmigration.testing.FakePool hostile = new io.xenmigration.testing.FakePool("uuid-hostile");
    hostile.reportTask(
        new MigrationTask(
            ref,
            "uuid-forged",
            "forged",
            MigrationTask.Status.SUCCESS,
            1.0,
            List.of(),
            "",
            false,
            null,
            List.of()));
    PoolDrivers both =
        new PoolDrivers(
            endpoint ->
                endpoint.url().getHost().equals("hostile")
                    ? hostile
                    : new io.xenmigration.xen.XenApiDriver(
                        endpoint, new CallMeter(), Clock.systemUTC()));
    both.driver(
        "ns/pool-a", PoolEndpoint.of(simulator.url("pool-a"), "root", "password", null, false));
    both.driver(
        "ns/hostile",
        PoolEndpoint.of(new java.net.URL("https://hostile/"), "root", "password", null, false));
    TaskFollower two = new TaskFollower(both, Clock.systemUTC());
    List<String> woken = new CopyOnWriteArrayList<>();
    two.wakeWith(
        new Wakeups() {
          @Override
          public void migration(String key) {
            woken.add(key);
          }

          @Override
          public void queuedIn(String poolKey) {}
        });
    try {
      two.follow("ns/pool-a", ref, "ns/move");
      // A status may name another migration's task: both are woken, neither displaces the other.
      two.follow("ns/hostile", ref, "ns/copycat");
      two.follow("ns/hostile", ref, "ns/theirs");
      // The hostile pool's report wakes its own followers, and only them.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> woken.contains("ns/theirs") && woken.contains("ns/copycat"));
      assertThat(two.latest("ns/hostile", ref))
          .hasValueSatisfying(t -> assertThat(t.uuid()).isEqualTo("uuid-forged"));
      // A migration following the task after its end was seen is woken at once: no event of that
      // task comes again.
      two.follow("ns/hostile", ref, "ns/late");
      assertThat(woken).contains("ns/late");
      // Pool-a's task is still as pool-a tells it (running, on a clock that does not move).
      assertThat(two.latest("ns/pool-a", ref).map(MigrationTask::uuid))
          .as("pool-a's task")
          .isNotEqualTo(java.util.Optional.of("uuid-forged"));
      assertThat(two.latest("ns/pool-a", ref).map(MigrationTask::status))
          .isNotEqualTo(java.util.Optional.of(MigrationTask.Status.SUCCESS));
    } finally {
      two.close();
      both.logOutEverywhere();
    }
  }
}
