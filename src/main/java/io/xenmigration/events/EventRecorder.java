package io.xenmigration.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.xenmigration.status.SafeText;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Records Kubernetes Events about our objects, written in order by a thread of their own so that a
 * reconcile never waits for one. An event that cannot be written is logged and dropped: it never
 * fails a reconcile, and the status holds the same facts.
 */
@ApplicationScoped
public class EventRecorder {

  private static final Logger LOG = Logger.getLogger(EventRecorder.class.getName());
  static final String COMPONENT = "xen-migration-operator";

  /** The longest name an Event, like any object, may have. */
  static final int MAX_NAME = 253;

  /** Events waiting to be written; past this many, new ones are dropped, as client-go does. */
  static final int BACKLOG = 1_000;

  private final KubernetesClient client;
  private final Clock clock;
  private final ThreadPoolExecutor writer =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.MILLISECONDS,
          new ArrayBlockingQueue<>(BACKLOG),
          r -> {
            Thread thread = new Thread(r, "kubernetes-events");
            thread.setDaemon(true);
            return thread;
          });

  @Inject
  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Writes what is still queued, for a few seconds at most, before the client goes. */
  @PreDestroy
  void flush() {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warning("dropped " + writer.shutdownNow().size() + " events at shutdown");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Records one event about an object, stamped now and written soon after. */
  public void record(HasMetadata object, EventReason reason, String message) {
    String namespace = object.getMetadata().getNamespace();
    String now = clock.instant().toString();
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(eventName(object.getMetadata().getName()))
            .withNamespace(namespace)
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(object.getApiVersion())
                    .withKind(object.getKind())
                    .withName(object.getMetadata().getName())
                    .withNamespace(namespace)
                    .withUid(object.getMetadata().getUid())
                    .build())
            .withReason(reason.name())
            .withMessage(SafeText.safe(message))
            .withType(reason.type())
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .build();
    try {
      writer.execute(() -> write(event));
    } catch (RejectedExecutionException e) {
      LOG.warning(
          "dropped event "
              + reason
              + " for "
              + object.getMetadata().getName()
              + ": "
              + (writer.isShutdown() ? "shutting down" : BACKLOG + " events still unwritten"));
    }
  }

  /**
   * A valid, unique Event name for an object of any valid name: the object's name, cut so that the
   * suffix fits in 253 characters and ending in a letter or digit, then a random suffix.
   */
  static String eventName(String objectName) {
    String suffix = UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    String base =
        objectName.length() > MAX_NAME - suffix.length() - 1
            ? objectName.substring(0, MAX_NAME - suffix.length() - 1)
            : objectName;
    while (!base.isEmpty() && !Character.isLetterOrDigit(base.charAt(base.length() - 1))) {
      base = base.substring(0, base.length() - 1);
    }
    return base.isEmpty() ? suffix : base + "." + suffix;
  }

  private void write(Event event) {
    try {
      client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "could not record event "
              + event.getReason()
              + " for "
              + event.getInvolvedObject().getName(),
          e);
    }
  }
}
