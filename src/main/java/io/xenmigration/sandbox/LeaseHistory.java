package io.xenmigration.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Every Lease write the embedded API took, in the order it took them: who held the Lease, when it
 * was renewed and for how long it stands. A test holds the calls a pool answered against it, to
 * tell whether their caller led at that instant.
 */
public final class LeaseHistory {

  /**
   * One Lease as a write left it: its namespace and name, when the API took the write (its own
   * clock), the holder, its last renewal as the holder wrote it, and how long it stands after that.
   */
  public record Held(
      String namespace,
      String name,
      Instant written,
      String holder,
      Instant renewed,
      Duration duration) {

    /** Until when no other replica may take it. */
    public Instant standsUntil() {
      return renewed.plus(duration);
    }
  }

  private final List<Held> writes = new ArrayList<>();

  /** Notes a write the store took, given the object it answered with. */
  void written(String object) {
    try {
      JsonNode lease = ApiDocuments.JSON.readTree(object);
      if (!"Lease".equals(lease.path("kind").asText())) {
        return;
      }
      JsonNode spec = lease.path("spec");
      String renewed = spec.path("renewTime").asText("");
      if (renewed.isEmpty()) {
        return;
      }
      Held held =
          new Held(
              lease.path("metadata").path("namespace").asText(),
              lease.path("metadata").path("name").asText(),
              Instant.now(),
              spec.path("holderIdentity").asText(""),
              OffsetDateTime.parse(renewed).toInstant(),
              Duration.ofSeconds(spec.path("leaseDurationSeconds").asLong(0)));
      synchronized (writes) {
        writes.add(held);
      }
    } catch (IOException | RuntimeException e) {
      // Not a Lease the history can read: an API server would have refused it anyway.
    }
  }

  /** Every write so far, oldest first. */
  public List<Held> writes() {
    synchronized (writes) {
      return new ArrayList<>(writes);
    }
  }

  /**
   * Who held a Lease at an instant: the holder of the last write taken before it, if that write
   * still stood then; null when nobody did.
   */
  public String holderAt(String namespace, String name, Instant at) {
    Held last = null;
    for (Held held : writes()) {
      if (held.namespace().equals(namespace)
          && held.name().equals(name)
          && !held.written().isAfter(at)) {
        last = held;
      }
    }
    return last == null || last.standsUntil().isBefore(at) || last.holder().isEmpty()
        ? null
        : last.holder();
  }
}
