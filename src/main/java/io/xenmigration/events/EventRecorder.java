package io.xenmigration.events;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Locale;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Records Kubernetes Events about our objects. An event that cannot be written is logged and
 * dropped: it never fails a reconcile.
 */
@ApplicationScoped
public class EventRecorder {

  private static final Logger LOG = Logger.getLogger(EventRecorder.class.getName());
  static final String COMPONENT = "xen-migration-operator";

  private final KubernetesClient client;
  private final Clock clock;

  @Inject
  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Records one event about an object. */
  public void record(HasMetadata object, EventReason reason, String message) {
    String namespace = object.getMetadata().getNamespace();
    String now = clock.instant().toString();
    try {
      client
          .v1()
          .events()
          .inNamespace(namespace)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(
                      object.getMetadata().getName()
                          + "."
                          + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT))
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
                  .withMessage(message)
                  .withType(reason.type())
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .withNewSource()
                  .withComponent(COMPONENT)
                  .endSource()
                  .build())
          .create();
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "could not record event " + reason + " for " + object.getMetadata().getName(),
          e);
    }
  }
}
