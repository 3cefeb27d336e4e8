package io.xenmigration.xapisim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.xensource.xenapi.Event;
import com.xensource.xenapi.EventBatch;
import com.xensource.xenapi.Task;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VM;
import io.xenmigration.testing.SimClient;
import io.xenmigration.testing.SimFixtures;
import io.xenmigration.xapisim.engine.SimSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code event.from} through the real SDK: snapshots, tokens, and waiting without a thread. */
class SimulatorEventTest {

  private ManualClock clock;
  private XapiSimulator simulator;
  private SimClient a;

  @BeforeEach
  void start() {
    clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    simulator = SimFixtures.twoPools(clock, new SimSettings()).start();
    a = new SimClient(simulator, "pool-a");
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  @Test
  void emptyTokenReturnsEveryObjectOfTheClassesAndAToken() throws Exception {
    EventBatch batch = Event.from(a.connection, Set.of("vm", "host"), "", 0.0);
    assertThat(batch.token).isNotEmpty();
    assertThat(batch.events).allMatch(e -> e.operation == Types.EventOperation.ADD);
    assertThat(batch.events).extracting(e -> e.clazz).containsOnly("vm", "host");
    assertThat(batch.events).filteredOn(e -> e.clazz.equals("host")).hasSize(3);
    Event.Record vmEvent =
        batch.events.stream().filter(e -> e.clazz.equals("vm")).findFirst().orElseThrow();
    assertThat(vmEvent.snapshot).isInstanceOf(VM.Record.class);
  }

  @Test
  void changesArriveAsModEventsWithSnapshots() throws Exception {
    String token = Event.from(a.connection, Set.of("vm", "task"), "", 0.0).token;
    VM vm = a.vm("vm-shared");
    Task task = vm.poolMigrateAsync(a.connection, a.host("a-host-2"), Map.of("live", "true"));
    clock.advance(Duration.ofSeconds(1));

    EventBatch batch = Event.from(a.connection, Set.of("vm", "task"), token, 30.0);
    assertThat(batch.token).isNotEqualTo(token);
    // Created and then changed since the token: one add with its latest state, as xapi coalesces.
    List<Event.Record> taskEvents =
        batch.events.stream().filter(e -> e.ref.equals(task.toWireString())).toList();
    assertThat(taskEvents)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.operation).isEqualTo(Types.EventOperation.ADD);
              assertThat(((Task.Record) e.snapshot).progress).isGreaterThan(0.0);
            });
    // Changed again: one mod with the newest progress.
    double before = ((Task.Record) taskEvents.get(0).snapshot).progress;
    clock.advance(Duration.ofSeconds(1));
    EventBatch later = Event.from(a.connection, Set.of("task"), batch.token, 30.0);
    assertThat(later.events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.operation).isEqualTo(Types.EventOperation.MOD);
              assertThat(((Task.Record) e.snapshot).progress).isGreaterThan(before);
            });
    assertThat(batch.events)
        .anySatisfy(
            e -> {
              assertThat(e.clazz).isEqualTo("vm");
              assertThat(e.ref).isEqualTo(vm.toWireString());
              assertThat(e.operation).isEqualTo(Types.EventOperation.MOD);
              assertThat(((VM.Record) e.snapshot).currentOperations).isNotEmpty();
            });
    // Events are numbered in order.
    assertThat(batch.events).extracting(e -> e.id).isSorted();
  }

  @Test
  void waitsUntilTheTimeoutWhenNothingHappens() throws Exception {
    String token = Event.from(a.connection, Set.of("vm"), "", 0.0).token;
    CompletableFuture<EventBatch> answer = fromInBackground(Set.of("vm"), token, 30.0);
    await().atMost(10, TimeUnit.SECONDS).until(() -> clock.pending() > 0);
    clock.advance(Duration.ofSeconds(29));
    assertThat(answer).isNotDone();
    clock.advance(Duration.ofSeconds(1));
    EventBatch batch = answer.get(10, TimeUnit.SECONDS);
    assertThat(batch.events).isEmpty();
    assertThat(batch.token).isEqualTo(token);
  }

  @Test
  void aWaitingCallReturnsAtTheFirstMatchingEvent() throws Exception {
    String token = Event.from(a.connection, Set.of("host"), "", 0.0).token;
    CompletableFuture<EventBatch> answer = fromInBackground(Set.of("host"), token, 300.0);
    await().atMost(10, TimeUnit.SECONDS).until(() -> clock.pending() > 0);
    assertThat(answer).isNotDone();
    a.host("a-host-3").disable(a.connection);
    EventBatch batch = answer.get(10, TimeUnit.SECONDS);
    assertThat(batch.events).hasSize(1);
    assertThat(batch.events.iterator().next().clazz).isEqualTo("host");
  }

  private CompletableFuture<EventBatch> fromInBackground(
      Set<String> classes, String token, double timeout) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return Event.from(a.connection, classes, token, timeout);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
