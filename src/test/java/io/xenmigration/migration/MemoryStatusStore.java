package io.xenmigration.migration;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.xenmigration.api.v1alpha1.LiveMigration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The API server as the flow tests see it: objects by name with a resourceVersion each, status
 * writes conditional on it (409 when stale), and faults a test arms for the next write that
 * matches: refused (409), applied but its answer lost (a timeout), or lost with the process (a
 * crash, after which the test starts a new operator).
 */
final class MemoryStatusStore implements StatusStore {

  /** What happens to a write a fault catches. */
  enum Fault {
    /** Refused with 409, as when another writer got there first. */
    CONFLICT,
    /** Applied, but the writer hears it failed. */
    TIMEOUT,
    /** Never sent: the process died right before it. */
    CRASH
  }

  private record Armed(Predicate<LiveMigration> when, Fault fault) {}

  private final Map<String, LiveMigration> objects = new LinkedHashMap<>();
  private final List<Armed> armed = new ArrayList<>();
  private final List<Fault> injected = new ArrayList<>();
  private long version = 1;
  private boolean crashed;

  /** Creates an object, as {@code kubectl apply} does: a uid, a version, generation 1. */
  synchronized LiveMigration create(LiveMigration migration) {
    LiveMigration stored = Serialization.clone(migration);
    stored.getMetadata().setUid(UUID.randomUUID().toString());
    stored.getMetadata().setGeneration(1L);
    stored.getMetadata().setResourceVersion(Long.toString(version++));
    objects.put(stored.getMetadata().getName(), stored);
    return Serialization.clone(stored);
  }

  /** The object as stored now, a copy of its own, as a reconcile gets it. */
  synchronized LiveMigration get(String name) {
    LiveMigration stored = objects.get(name);
    return stored == null ? null : Serialization.clone(stored);
  }

  /** Every object, copies. */
  synchronized List<LiveMigration> all() {
    return objects.values().stream().map(Serialization::clone).toList();
  }

  /** A person changes the object (its spec, say): a new version. */
  synchronized void edit(String name, Consumer<LiveMigration> change) {
    LiveMigration stored = objects.get(name);
    change.accept(stored);
    stored.getMetadata().setResourceVersion(Long.toString(version++));
  }

  /** Arms a fault for the next write that matches. */
  synchronized void failNextWrite(Predicate<LiveMigration> when, Fault fault) {
    armed.add(new Armed(when, fault));
  }

  /** The faults injected so far. */
  synchronized List<Fault> injected() {
    return List.copyOf(injected);
  }

  /** Whether a crash fault has fired: the operator that wrote is to be replaced. */
  synchronized boolean crashed() {
    return crashed;
  }

  /** A new operator takes over after a crash. */
  synchronized void restarted() {
    crashed = false;
  }

  @Override
  public synchronized LiveMigration write(LiveMigration migration) throws WriteRefused {
    if (crashed) {
      throw new WriteRefused("the process is dead", false, null);
    }
    String name = migration.getMetadata().getName();
    LiveMigration stored = objects.get(name);
    if (stored == null) {
      throw new WriteRefused("HTTP 404", false, null);
    }
    for (Armed fault : armed) {
      if (fault.when().test(migration)) {
        armed.remove(fault);
        injected.add(fault.fault());
        switch (fault.fault()) {
          case CONFLICT -> throw new WriteRefused("HTTP 409", true, null);
          case CRASH -> {
            crashed = true;
            throw new WriteRefused("the process died", false, null);
          }
          case TIMEOUT -> {
            apply(stored, migration);
            throw new WriteRefused("timed out", false, null);
          }
        }
      }
    }
    if (!stored
        .getMetadata()
        .getResourceVersion()
        .equals(migration.getMetadata().getResourceVersion())) {
      throw new WriteRefused("HTTP 409", true, null);
    }
    apply(stored, migration);
    return Serialization.clone(stored);
  }

  private void apply(LiveMigration stored, LiveMigration written) {
    stored.setStatus(Serialization.clone(written).getStatus());
    stored.getMetadata().setResourceVersion(Long.toString(version++));
  }
}
