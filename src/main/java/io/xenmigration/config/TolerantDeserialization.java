package io.xenmigration.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ResolvableDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.CustomResource;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;
import io.xenmigration.api.v1alpha1.HostMaintenance;
import io.xenmigration.api.v1alpha1.HostMaintenanceSpec;
import io.xenmigration.api.v1alpha1.HostMaintenanceStatus;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.Unreadable;
import io.xenmigration.api.v1alpha1.XenPool;
import io.xenmigration.api.v1alpha1.XenPoolSpec;
import io.xenmigration.api.v1alpha1.XenPoolStatus;
import io.xenmigration.status.SafeText;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Keeps one object from stopping the operator. The Kubernetes client's mapper (the one the Operator
 * SDK's informers use) ignores fields it does not know, a typo or a newer CRD after a rollback, and
 * logs each such field once; and a LiveMigration, XenPool or HostMaintenance that cannot be read at
 * all (a field of the wrong type, a phase this version does not know) is kept with its metadata and
 * what did read, marked {@link Unreadable}, instead of failing the list or watch that carries it,
 * which would stop the informer and every migration with it.
 */
@Singleton
public class TolerantDeserialization implements KubernetesClientObjectMapperCustomizer {

  private static final Logger LOG = Logger.getLogger(TolerantDeserialization.class.getName());

  /** The longest reason kept in the marker. */
  static final int REASON_LENGTH = 300;

  private final Set<String> logged = ConcurrentHashMap.newKeySet();

  @Override
  public void customize(ObjectMapper mapper) {
    SimpleModule module = new SimpleModule("xenmigration-tolerant");
    module.setDeserializerModifier(
        new BeanDeserializerModifier() {
          @Override
          public JsonDeserializer<?> modifyDeserializer(
              DeserializationConfig config,
              BeanDescription description,
              JsonDeserializer<?> deserializer) {
            Class<?> type = description.getBeanClass();
            if (type == LiveMigration.class) {
              return new Tolerant<>(
                  deserializer,
                  LiveMigration::new,
                  LiveMigrationSpec.class,
                  LiveMigrationStatus.class);
            }
            if (type == HostMaintenance.class) {
              return new Tolerant<>(
                  deserializer,
                  HostMaintenance::new,
                  HostMaintenanceSpec.class,
                  HostMaintenanceStatus.class);
            }
            if (type == XenPool.class) {
              return new Tolerant<>(
                  deserializer, XenPool::new, XenPoolSpec.class, XenPoolStatus.class);
            }
            return deserializer;
          }
        });
    mapper.registerModule(module);
    mapper.addHandler(
        new DeserializationProblemHandler() {
          @Override
          public boolean handleUnknownProperty(
              DeserializationContext context,
              JsonParser parser,
              JsonDeserializer<?> deserializer,
              Object bean,
              String property)
              throws IOException {
            String type = bean instanceof Class<?> c ? c.getName() : bean.getClass().getName();
            if (logged.add(type + "." + property)) {
              LOG.warning(
                  "ignoring the field '"
                      + SafeText.safe(property)
                      + "' of "
                      + type
                      + ", which this operator does not know (logged once)");
            }
            parser.skipChildren();
            return true;
          }
        });
  }

  /** Reads an object of ours, or, when that fails, as much of it as reads, marked unreadable. */
  private static final class Tolerant<S, T, R extends CustomResource<S, T>>
      extends StdDeserializer<R> implements ResolvableDeserializer {

    private final JsonDeserializer<?> whole;
    private final java.util.function.Supplier<R> empty;
    private final Class<S> specType;
    private final Class<T> statusType;

    Tolerant(
        JsonDeserializer<?> whole,
        java.util.function.Supplier<R> empty,
        Class<S> specType,
        Class<T> statusType) {
      super(CustomResource.class);
      this.whole = whole;
      this.empty = empty;
      this.specType = specType;
      this.statusType = statusType;
    }

    @Override
    public void resolve(DeserializationContext context) throws JsonMappingException {
      if (whole instanceof ResolvableDeserializer resolvable) {
        resolvable.resolve(context);
      }
    }

    @Override
    @SuppressWarnings("unchecked")
    public R deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      ObjectCodec codec = parser.getCodec();
      JsonNode tree = context.readTree(parser);
      try (JsonParser again = tree.traverse(codec)) {
        again.nextToken();
        return (R) whole.deserialize(again, context);
      } catch (JsonProcessingException e) {
        return partial(tree, codec, e);
      }
    }

    private R partial(JsonNode tree, ObjectCodec codec, JsonProcessingException error) {
      R object = empty.get();
      ObjectMeta metadata;
      try {
        metadata = codec.treeToValue(tree.path("metadata"), ObjectMeta.class);
      } catch (JsonProcessingException | IllegalArgumentException unreadableMetadata) {
        metadata = new ObjectMeta();
        metadata.setName(tree.path("metadata").path("name").asText(null));
        metadata.setNamespace(tree.path("metadata").path("namespace").asText(null));
        metadata.setUid(tree.path("metadata").path("uid").asText(null));
        metadata.setResourceVersion(tree.path("metadata").path("resourceVersion").asText(null));
      }
      object.setMetadata(metadata);
      try {
        object.setSpec(codec.treeToValue(tree.path("spec"), specType));
      } catch (JsonProcessingException | IllegalArgumentException unreadable) {
        object.setSpec(null);
      }
      try {
        object.setStatus(codec.treeToValue(tree.path("status"), statusType));
      } catch (JsonProcessingException | IllegalArgumentException unreadable) {
        object.setStatus(null);
      }
      Map<String, String> annotations =
          metadata.getAnnotations() == null
              ? new LinkedHashMap<>()
              : new LinkedHashMap<>(metadata.getAnnotations());
      String reason = error.getOriginalMessage();
      annotations.put(
          Unreadable.ANNOTATION,
          reason.length() > REASON_LENGTH ? reason.substring(0, REASON_LENGTH) + "…" : reason);
      annotations.put(Unreadable.PHASE_ANNOTATION, tree.path("status").path("phase").asText(""));
      metadata.setAnnotations(annotations);
      return object;
    }
  }
}
