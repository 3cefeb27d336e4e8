package io.xenmigration.xen;

import static io.xenmigration.testing.SimFixtures.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xenmigration.testing.SimFixtures;
import io.xenmigration.xapisim.ManualClock;
import io.xenmigration.xapisim.XapiSimulator;
import io.xenmigration.xapisim.engine.SimSettings;
import io.xenmigration.xapisim.model.PoolBuilder;
import io.xenmigration.xapisim.model.SimPool;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The driver's host service calls against the simulator: disable in the form each xapi takes, so
 * that a toolstack restart re-enables only what it must; enable; xapi's blockers read in order; the
 * running VMs of a host without its control domain; and a closed write gate sends neither.
 */
class XenApiDriverHostServiceTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  private XapiSimulator simulator;
  private final CallMeter meter = new CallMeter();
  private XenApiDriver driver;

  @BeforeEach
  void start() {
    simulator =
        SimFixtures.twoPools(
                new ManualClock(Instant.parse("2026-01-01T00:00:00Z")), new SimSettings())
            .start();
    driver = driver(PoolWrites.Gate.OPEN);
  }

  private XenApiDriver driver(PoolWrites.Gate gate) {
    return new XenApiDriver(
        PoolEndpoint.of(simulator.url("pool-a"), "root", "password", null, false),
        meter,
        CLOCK,
        gate);
  }

  @AfterEach
  void stop() {
    driver.close();
    simulator.close();
  }

  private String ref(String host) {
    return simulator.inWorld(w -> w.pool("pool-a").host(host).ref);
  }

  private String vmRef(String vm) {
    return simulator.inWorld(w -> w.pool("pool-a").vm(vm).ref);
  }

  private boolean enabled(String host) {
    return simulator.inWorld(w -> w.pool("pool-a").host(host).enabled);
  }

  @Test
  void anOlderXapiGetsTheShortFormAndARestartEnablesItsHostAgain() throws Exception {
    driver.disableHost(ref("a-host-1"));
    assertThat(enabled("a-host-1")).isFalse();
    assertThat(simulator.calls().entries().stream().map(e -> e.method() + " " + e.errorCode()))
        .containsSubsequence("host.disable MESSAGE_PARAMETER_COUNT_MISMATCH", "host.disable null");
    assertThat(simulator.restartToolstack("pool-a", "a-host-1")).isTrue();
    driver.enableHost(ref("a-host-1"));
    assertThat(enabled("a-host-1")).isTrue();
  }

  @Test
  void aNewerXapiKeepsTheHostDisabledAcrossARestart() throws Exception {
    simulator.inWorld(w -> w.pool("pool-a").master.xapiVersion = "25.31.0");
    driver.disableHost(ref("a-host-2"));
    assertThat(simulator.calls().count("host.disable")).isEqualTo(1);
    assertThat(simulator.restartToolstack("pool-a", "a-host-2")).isFalse();
    assertThat(enabled("a-host-2")).isFalse();
    simulator.inWorld(w -> w.pool("pool-a").host("a-host-2").disabledUntilReboot = true);
    assertThatThrownBy(() -> driver.enableHost(ref("a-host-2")))
        .isInstanceOfSatisfying(
            XenApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo("HOST_DISABLED_UNTIL_REBOOT");
              assertThat(e.params()).containsExactly(ref("a-host-2"));
            });
  }

  @Test
  void blockersKeepXapisOrderAndResidentsLeaveOutTheControlDomain() throws Exception {
    simulator.inWorld(
        w -> {
          SimPool p = w.pool("pool-a");
          new PoolBuilder(p, 9)
              .addVm("pinned", p.host("a-host-1"), GIB, p.sr("nfs-a"), GIB)
              .blockedOperations
              .put("pool_migrate", "licence");
          return null;
        });
    Map<String, List<String>> blockers = driver.evacuationBlockers(ref("a-host-1"));
    String localSr = simulator.inWorld(w -> w.pool("pool-a").sr("Local storage on a-host-1").ref);
    // The VMs come in no particular order (an XML-RPC struct); each one's parameters in xapi's.
    assertThat(blockers)
        .containsOnly(
            Map.entry(vmRef("vm-local"), List.of("VM_REQUIRES_SR", vmRef("vm-local"), localSr)),
            Map.entry(vmRef("pinned"), List.of("OPERATION_BLOCKED", vmRef("pinned"), "licence")));
    assertThat(driver.residentVms(ref("a-host-1")))
        .containsExactlyInAnyOrder(vmRef("vm-shared"), vmRef("vm-local"), vmRef("pinned"));
  }

  @Test
  void theFactsOfManyVmsComeInFourCallsAndMatchThoseReadOneByOne() throws Exception {
    List<String> refs = List.of(vmRef("vm-shared"), vmRef("vm-local"), vmRef("vm-busy"));
    driver.connect(); // the login is not the read's
    long before = simulator.calls().entries().size();
    Map<String, VmFacts> all = driver.vmFacts(refs);
    assertThat(simulator.calls().entries().size() - before).isEqualTo(4);
    assertThat(all).containsOnlyKeys(refs);
    for (String ref : refs) {
      assertThat(all.get(ref)).isEqualTo(driver.vmFacts(ref));
    }
    assertThat(driver.vmFacts(List.of())).isEmpty();
  }

  @Test
  void aClosedGateSendsNeitherDisableNorEnable() {
    try (XenApiDriver fenced = driver(() -> "not the leader")) {
      assertThatThrownBy(() -> fenced.disableHost(ref("a-host-1")))
          .isInstanceOfSatisfying(
              XenApiException.class, e -> assertThat(e.code()).isEqualTo(PoolWrites.NOT_LEADING));
      assertThatThrownBy(() -> fenced.enableHost(ref("a-host-1")))
          .isInstanceOfSatisfying(
              XenApiException.class, e -> assertThat(e.code()).isEqualTo(PoolWrites.NOT_LEADING));
    }
    assertThat(simulator.calls().count("host.disable")).isZero();
    assertThat(simulator.calls().count("host.enable")).isZero();
    assertThat(enabled("a-host-1")).isTrue();
  }
}
