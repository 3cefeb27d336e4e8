package io.xenmigration.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.xenmigration.migration.StatusStore;

/**
 * Writes a primary resource's status with server-side apply, conditional on the resourceVersion the
 * reconcile read (the API server answers 409 when the object changed), through the Operator SDK so
 * that the next reconcile sees the write and is not woken by it.
 */
final class StatusApply {

  private StatusApply() {}

  static <T extends HasMetadata> T write(Context<T> context, T resource)
      throws StatusStore.WriteRefused {
    if (resource.getMetadata().getResourceVersion() == null) {
      // Never unconditional: a write without a version could overwrite what it never saw.
      throw new StatusStore.WriteRefused("no resourceVersion to write against", true, null);
    }
    var managedFields = resource.getMetadata().getManagedFields();
    try {
      resource.getMetadata().setManagedFields(null);
      return context.resourceOperations().serverSideApplyPrimaryStatus(resource);
    } catch (KubernetesClientException e) {
      throw new StatusStore.WriteRefused(
          e.getCode() == 0 ? String.valueOf(e.getMessage()) : "HTTP " + e.getCode(),
          e.getCode() == 409,
          e);
    } catch (RuntimeException e) {
      // Whatever else went wrong, the write is not known to have landed.
      throw new StatusStore.WriteRefused(String.valueOf(e), false, e);
    } finally {
      resource.getMetadata().setManagedFields(managedFields);
    }
  }
}
