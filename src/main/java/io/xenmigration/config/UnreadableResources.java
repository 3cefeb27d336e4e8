package io.xenmigration.config;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.Unreadable;
import io.xenmigration.events.EventReason;
import io.xenmigration.events.EventRecorder;
import io.xenmigration.status.SafeText;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Reports the objects of ours the operator cannot read (see {@link TolerantDeserialization}): a
 * Warning event and a log line once per version of the object, which is then skipped while every
 * other object is served.
 */
@ApplicationScoped
public class UnreadableResources {

  private static final Logger LOG = Logger.getLogger(UnreadableResources.class.getName());

  private final EventRecorder events;
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  @Inject
  public UnreadableResources(EventRecorder events) {
    this.events = events;
  }

  /** Whether the object could not be read; reported the first time each version is seen. */
  public boolean report(HasMetadata object) {
    if (!Unreadable.is(object)) {
      return false;
    }
    String version =
        object.getMetadata().getUid() + "@" + object.getMetadata().getResourceVersion();
    if (reported.add(version)) {
      String message =
          object.getKind()
              + " "
              + object.getMetadata().getName()
              + " cannot be read ("
              + Unreadable.why(object)
              + "); it is skipped until it changes";
      LOG.warning(SafeText.safe(object.getMetadata().getNamespace() + "/" + message));
      events.record(object, EventReason.Unreadable, message);
    }
    return true;
  }

  /**
   * Whether a LiveMigration that cannot be read may lose its finalizer when deleted: only when its
   * status shows it never touched a pool or has ended. One that may be active is kept, and said so:
   * letting it go could leave a migration nobody watches.
   */
  public boolean mayLetGo(HasMetadata object) {
    String phase = Unreadable.phase(object);
    if (phase.isEmpty()) {
      return true;
    }
    try {
      MigrationPhase known = MigrationPhase.valueOf(phase);
      return known == MigrationPhase.Queued || known.isTerminal();
    } catch (IllegalArgumentException unknown) {
      return false;
    }
  }
}
