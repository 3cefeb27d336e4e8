package io.xenmigration.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xenmigration.testing.SimFixtures;
import io.xenmigration.xapisim.ManualClock;
import io.xenmigration.xapisim.ScaledClock;
import io.xenmigration.xapisim.TlsMaterial;
import io.xenmigration.xapisim.XapiSimulator;
import io.xenmigration.xapisim.engine.SimSettings;
import io.xenmigration.xapisim.model.PoolBuilder;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The driver against the simulator over HTTP: connecting, reading the pool, naming VMs. */
class XenApiDriverTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  private XapiSimulator simulator;
  private final CallMeter meter = new CallMeter();

  @BeforeEach
  void start() {
    simulator =
        SimFixtures.twoPools(
                new ManualClock(Instant.parse("2026-01-01T00:00:00Z")), new SimSettings())
            .memberEndpoint("pool-a")
            .start();
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  private XenApiDriver driver(URL url, String password) {
    return new XenApiDriver(PoolEndpoint.of(url, "root", password, null, false), meter, CLOCK);
  }

  private static void assertFails(ThrowingCallable call, String code, XenApiException.Kind kind) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            XenApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.kind()).isEqualTo(kind);
            });
  }

  @Test
  void inventoryReadsThePoolInSevenCalls() throws Exception {
    try (XenApiDriver driver = driver(simulator.url("pool-a"), "password")) {
      driver.connect();
      meter.reset();
      PoolInventory inventory = driver.inventory();
      assertThat(meter.calls("inventory")).isEqualTo(7);
      assertThat(inventory.uuid()).isEqualTo(simulator.pool("pool-a").uuid);
      assertThat(inventory.srs()).extracting(SrInfo::name).contains("nfs-a");
      assertThat(inventory.apiVersion()).isEqualTo("2.14");
      assertThat(inventory.masterHost().name()).isEqualTo("a-host-1");
      assertThat(inventory.readAt()).isEqualTo(CLOCK.instant());
      assertThat(inventory.hosts())
          .extracting(HostInfo::name)
          .containsExactly("a-host-1", "a-host-2", "a-host-3");
      HostInfo host1 = inventory.hosts().get(0);
      assertThat(host1.live()).isTrue();
      assertThat(host1.enabled()).isTrue();
      assertThat(host1.platformName()).isEqualTo("XCP");
      assertThat(host1.platformVersion()).isEqualTo("3.2.1");
      assertThat(host1.productVersion()).isEqualTo("8.2.1");
      assertThat(host1.cpuCount()).isEqualTo(16);
      assertThat(host1.memoryTotalBytes()).isEqualTo(64 * SimFixtures.GIB);
      assertThat(host1.memoryFreeBytes()).isLessThan(host1.memoryTotalBytes());
      assertThat(host1.residentVms()).isEqualTo(2);
      // Its local SR and the shared one; a-host-2 sees the shared one and its own.
      assertThat(host1.storage()).hasSize(2);
      assertThat(inventory.hosts().get(1).storage()).hasSize(2);
      assertThat(host1.storage()).containsAnyElementsOf(inventory.hosts().get(1).storage());
      assertThat(host1.networks()).hasSize(1);
      assertThat(inventory.vms())
          .extracting(VmInfo::name)
          .containsExactly("vm-busy", "vm-local", "vm-shared");
      VmInfo shared = inventory.vms().get(2);
      assertThat(shared.powerState()).isEqualTo("Running");
      assertThat(shared.residentOn()).isEqualTo(host1.ref());
      assertThat(shared.memoryBytes()).isGreaterThan(4 * SimFixtures.GIB);
    }
  }

  @Test
  void vmsAreResolvedByUuidOrUniqueName() throws Exception {
    try (XenApiDriver driver = driver(simulator.url("pool-a"), "password")) {
      VmInfo byName = driver.resolveVm("vm-shared");
      assertThat(byName.name()).isEqualTo("vm-shared");
      assertThat(driver.resolveVm(byName.uuid())).isEqualTo(byName);
      meter.reset();
      driver.resolveVm(byName.uuid());
      assertThat(meter.calls("resolveVm")).isEqualTo(2);
    }
  }

  @Test
  void ambiguousMissingAndNonVmNamesAreRefusedWithReasons() throws Exception {
    simulator.inWorld(
        w -> {
          var pool = w.pool("pool-a");
          new PoolBuilder(pool, 7)
              .addVm(
                  "vm-shared",
                  pool.host("a-host-3"),
                  SimFixtures.GIB,
                  pool.defaultSr,
                  SimFixtures.GIB);
          return null;
        });
    try (XenApiDriver driver = driver(simulator.url("pool-a"), "password")) {
      assertThatThrownBy(() -> driver.resolveVm("vm-shared"))
          .isInstanceOfSatisfying(
              XenApiException.class,
              e -> {
                assertThat(e.code()).isEqualTo("VM_NAME_AMBIGUOUS");
                assertThat(e.params()).hasSize(2);
                assertThat(e.getMessage()).contains("2 VMs are named 'vm-shared'");
              });
      assertFails(
          () -> driver.resolveVm("no-such-vm"), "VM_NOT_FOUND", XenApiException.Kind.TERMINAL);
      assertFails(
          () -> driver.resolveVm("Debian Bookworm 12"), "NOT_A_VM", XenApiException.Kind.TERMINAL);
      assertFails(
          () -> driver.resolveVm("vm-shared before upgrade"),
          "NOT_A_VM",
          XenApiException.Kind.TERMINAL);
      assertThatThrownBy(() -> driver.resolveVm("Control domain on host: a-host-1"))
          .hasMessageContaining("a control domain");
    }
  }

  @Test
  void wrongPasswordIsTerminalAndNeverShown() {
    try (XenApiDriver driver = driver(simulator.url("pool-a"), "hunter2")) {
      assertThatThrownBy(driver::connect)
          .isInstanceOfSatisfying(
              XenApiException.class,
              e -> {
                assertThat(e.code()).isEqualTo("SESSION_AUTHENTICATION_FAILED");
                assertThat(e.isTransient()).isFalse();
                assertThat(e.getMessage()).doesNotContain("hunter2");
              });
    }
    assertThat(PoolEndpoint.of(simulator.url("pool-a"), "root", "hunter2", null, false).toString())
        .doesNotContain("hunter2");
  }

  @Test
  void expiredSessionLogsInAgainOnce() throws Exception {
    try (XenApiDriver driver = driver(simulator.url("pool-a"), "password")) {
      driver.connect();
      simulator.expireSessions("pool-a");
      simulator.calls().clear();
      assertThat(driver.inventory().hosts()).hasSize(3);
      assertThat(simulator.calls().count("session.login_with_password")).isEqualTo(1);
      assertThat(simulator.calls().entries().get(0).errorCode()).isEqualTo("SESSION_INVALID");
    }
  }

  @Test
  void aMemberAddressIsFollowedToTheMasterItsCredentialsAreBoundTo() throws Exception {
    PoolEndpoint member =
        PoolEndpoint.of(simulator.memberUrl("pool-a"), "root", "password", null, false)
            .withBoundUrls(java.util.Set.of(UrlSpelling.of(simulator.url("pool-a"))));
    try (XenApiDriver driver = new XenApiDriver(member, meter, CLOCK)) {
      driver.connect();
      assertThat(driver.redirectedToMaster()).isTrue();
      assertThat(driver.masterUrl()).isEqualTo(simulator.url("pool-a"));
      assertThat(driver.inventory().hosts()).hasSize(3);
    }
  }

  @Test
  void faultsBecomeTypedErrorsWithTheirClass() throws Exception {
    try (XenApiDriver driver = driver(simulator.url("pool-a"), "password")) {
      driver.connect();
      simulator.faults().failCalls("VM.get_by_name_label", 1, "TOO_MANY_STORAGE_MIGRATES", "3");
      assertThatThrownBy(() -> driver.resolveVm("vm-shared"))
          .isInstanceOfSatisfying(
              XenApiException.class,
              e -> {
                assertThat(e.code()).isEqualTo("TOO_MANY_STORAGE_MIGRATES");
                assertThat(e.params()).containsExactly("3");
                assertThat(e.isTransient()).isTrue();
              });
      simulator
          .faults()
          .failCalls(
              "VM.get_by_name_label", 1, "VM_BAD_POWER_STATE", "OpaqueRef:x", "running", "halted");
      assertThatThrownBy(() -> driver.resolveVm("vm-shared"))
          .isInstanceOfSatisfying(
              XenApiException.class,
              e -> {
                assertThat(e.code()).isEqualTo("VM_BAD_POWER_STATE");
                assertThat(e.params()).containsExactly("OpaqueRef:x", "running", "halted");
                assertThat(e.isTransient()).isFalse();
              });
      simulator
          .faults()
          .failCalls("VM.get_by_name_label", 1, "OTHER_OPERATION_IN_PROGRESS", "VM", "OpaqueRef:x");
      assertFails(
          () -> driver.resolveVm("vm-shared"),
          "OTHER_OPERATION_IN_PROGRESS",
          XenApiException.Kind.TRANSIENT);
      simulator.faults().failHttp(1);
      assertFails(
          driver::inventory, XenApiException.BAD_SERVER_RESPONSE, XenApiException.Kind.TRANSIENT);
      simulator.faults().resetConnections(2);
      assertFails(
          driver::inventory, XenApiException.CONNECTION_FAILED, XenApiException.Kind.TRANSIENT);
      assertThat(driver.inventory().hosts()).hasSize(3);
    }
  }

  @Test
  void anUnreachablePoolIsATransientRefusedConnection() throws Exception {
    URL closed = new URL("http", "127.0.0.1", simulator.url("pool-a").getPort(), "/");
    simulator.close();
    try (XenApiDriver driver = driver(closed, "password")) {
      assertFails(
          driver::connect, XenApiException.CONNECTION_REFUSED, XenApiException.Kind.TRANSIENT);
    }
  }

  @Test
  void aSlowPoolTimesOutInsteadOfBlocking() throws Exception {
    try (XapiSimulator slow =
        XapiSimulator.builder()
            .clock(new ScaledClock(1.0))
            .pool("pool-a", SimFixtures::poolA)
            .start()) {
      slow.faults().addLatency("pool.get_all_records", Duration.ofSeconds(5));
      PoolEndpoint endpoint =
          new PoolEndpoint(
              slow.url("pool-a"),
              "root",
              "password",
              null,
              false,
              Duration.ofSeconds(1),
              Duration.ofMillis(500));
      try (XenApiDriver driver = new XenApiDriver(endpoint, meter, CLOCK)) {
        driver.connect();
        long start = System.nanoTime();
        assertFails(driver::inventory, XenApiException.TIMEOUT, XenApiException.Kind.TRANSIENT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
      }
    }
  }

  @Test
  void tlsIsVerifiedAgainstThePoolsCa() throws Exception {
    TlsMaterial tls = TlsMaterial.selfSigned();
    Consumer<PoolBuilder> pool = SimFixtures::poolA;
    try (XapiSimulator secure =
        XapiSimulator.builder()
            .clock(new ManualClock(Instant.EPOCH))
            .tls(tls)
            .pool("pool-a", pool)
            .start()) {
      URL url = secure.url("pool-a");
      try (XenApiDriver trusted =
          new XenApiDriver(
              PoolEndpoint.of(url, "root", "password", tls.certificatePem(), false),
              meter,
              CLOCK)) {
        assertThat(trusted.inventory().hosts()).hasSize(3);
      }
      try (XenApiDriver stranger =
          new XenApiDriver(PoolEndpoint.of(url, "root", "password", null, false), meter, CLOCK)) {
        assertFails(
            stranger::connect,
            XenApiException.TLS_VERIFICATION_FAILED,
            XenApiException.Kind.TERMINAL);
      }
      String otherCa = TlsMaterial.selfSigned().certificatePem();
      try (XenApiDriver wrongCa =
          new XenApiDriver(
              PoolEndpoint.of(url, "root", "password", otherCa, false), meter, CLOCK)) {
        assertFails(
            wrongCa::connect,
            XenApiException.TLS_VERIFICATION_FAILED,
            XenApiException.Kind.TERMINAL);
      }
      try (XenApiDriver insecure =
          new XenApiDriver(PoolEndpoint.of(url, "root", "password", null, true), meter, CLOCK)) {
        assertThat(insecure.inventory().hosts()).hasSize(3);
      }
    }
  }
}
