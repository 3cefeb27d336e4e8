package io.xenmigration.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xenmigration.testing.SimFixtures;
import io.xenmigration.xapisim.ManualClock;
import io.xenmigration.xapisim.XapiSimulator;
import io.xenmigration.xapisim.api.CallLog;
import io.xenmigration.xapisim.engine.SimSettings;
import io.xenmigration.xapisim.model.SimSession;
import io.xenmigration.xapisim.model.XClass;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A closed write gate keeps every call that changes a pool in the process, as {@code NOT_LEADING}
 * that provably reached nothing, while reads go on; the pool records each session's originator,
 * which names this replica.
 */
class WriteGateTest {

  private static final TaskTag TAG = TaskTag.of("uid-1", 1, "nonce-1", "seal-1");

  private XapiSimulator simulator;
  private final AtomicReference<String> closed = new AtomicReference<>();
  private XenApiDriver driver;

  @BeforeEach
  void start() {
    simulator =
        SimFixtures.twoPools(
                new ManualClock(Instant.parse("2026-01-01T00:00:00Z")), new SimSettings())
            .start();
    driver = driver(closed::get);
  }

  private XenApiDriver driver(PoolWrites.Gate gate) {
    return new XenApiDriver(
        PoolEndpoint.of(simulator.url("pool-a"), "root", "password", null, false),
        new CallMeter(),
        Clock.systemUTC(),
        gate);
  }

  private String hostRef(String name) throws XenApiException {
    return driver.inventory().hosts().stream()
        .filter(h -> h.name().equals(name))
        .findFirst()
        .orElseThrow()
        .ref();
  }

  @AfterEach
  void stop() {
    driver.close();
    simulator.close();
  }

  @Test
  void aClosedGateSendsNoWriteAndReadsGoOn() throws Exception {
    String host = hostRef("a-host-2");
    VmInfo vm = driver.resolveVm("vm-shared");
    closed.set("replica-a has not seen its Lease renewed");

    assertThatThrownBy(() -> driver.startPoolMigrate(vm.ref(), host, TAG))
        .isInstanceOfSatisfying(
            XenApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo(PoolWrites.NOT_LEADING);
              assertThat(e.answeredByXapi()).isFalse();
              assertThat(ErrorCatalog.mayHaveTakenEffect(e)).isFalse();
              assertThat(e.getMessage()).contains("Async.VM.pool_migrate", "Lease");
            });
    assertThatThrownBy(() -> driver.destroyTask("OpaqueRef:anything"))
        .isInstanceOfSatisfying(
            XenApiException.class, e -> assertThat(e.code()).isEqualTo(PoolWrites.NOT_LEADING));
    // Reads still go: the pool is known, the VM is where it was.
    assertThat(driver.resolveVm("vm-shared").residentOn()).isEqualTo(vm.residentOn());
    assertThat(simulator.calls().count("Async.VM.pool_migrate")).isZero();
    assertThat(simulator.calls().count("task.destroy")).isZero();

    closed.set(null);
    StartedTask started = driver.startPoolMigrate(vm.ref(), host, TAG);
    assertThat(started.tagged()).isTrue();
    assertThat(simulator.calls().count("Async.VM.pool_migrate")).isEqualTo(1);
  }

  @Test
  void aStartTheGateLetThroughIsTaggedEvenWhenTheGateClosesRightAfter() throws Exception {
    String host = hostRef("a-host-2");
    VmInfo vm = driver.resolveVm("vm-shared");
    XenApiDriver closing =
        driver(
            new PoolWrites.Gate() {
              private boolean asked;

              @Override
              public synchronized String closedBecause() {
                // Open for the first call asked about (the start), closed for every one after.
                String answer = asked ? "the Lease went to replica-b" : null;
                asked = true;
                return answer;
              }
            });
    try {
      StartedTask started = closing.startPoolMigrate(vm.ref(), host, TAG);

      // The tag went out: whoever leads next finds the running task by it.
      assertThat(started.tagged()).isTrue();
      assertThat(simulator.calls().count("task.add_to_other_config")).isEqualTo(1);
      assertThat(driver.tasksTagged(TAG)).extracting(MigrationTask::ref).contains(started.ref());
      // Any other write, a later tag of the same task included, is held back.
      assertThatThrownBy(() -> closing.tag(started.ref(), TAG))
          .isInstanceOfSatisfying(
              XenApiException.class, e -> assertThat(e.code()).isEqualTo(PoolWrites.NOT_LEADING));
      assertThatThrownBy(() -> closing.destroyTask(started.ref()))
          .isInstanceOfSatisfying(
              XenApiException.class, e -> assertThat(e.code()).isEqualTo(PoolWrites.NOT_LEADING));
      assertThat(simulator.calls().count("task.add_to_other_config")).isEqualTo(1);
      assertThat(simulator.calls().count("task.destroy")).isZero();
    } finally {
      closing.close();
    }
  }

  @Test
  void everyCallNamesThisReplicaAsItsCaller() throws Exception {
    driver.inventory();
    driver.resolveVm("vm-shared");
    assertThat(simulator.calls().entries())
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.caller()).isEqualTo(Replica.ORIGINATOR));
    assertThat(simulator.calls().entries().stream().map(CallLog.Entry::method))
        .contains("session.login_with_password");
    java.util.List<String> originators =
        simulator.inWorld(
            w ->
                w.pool("pool-a").<SimSession>all(XClass.SESSION).stream()
                    .map(session -> session.originator)
                    .toList());
    assertThat(originators).containsExactly(Replica.ORIGINATOR);
  }
}
