package io.xenmigration.controller;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.migration.StatusStore;

/**
 * Writes a migration's status with server-side apply, conditional on the resourceVersion the
 * reconcile read (the API server answers 409 when the object changed), through the Operator SDK so
 * that the next reconcile sees the write and is not woken by it.
 */
final class ReconcileStatusStore implements StatusStore {

  private final Context<LiveMigration> context;

  ReconcileStatusStore(Context<LiveMigration> context) {
    this.context = context;
  }

  @Override
  public LiveMigration write(LiveMigration migration) throws WriteRefused {
    if (migration.getMetadata().getResourceVersion() == null) {
      // Never unconditional: a write without a version could overwrite what it never saw.
      throw new WriteRefused("no resourceVersion to write against", true, null);
    }
    var managedFields = migration.getMetadata().getManagedFields();
    try {
      migration.getMetadata().setManagedFields(null);
      return context.resourceOperations().serverSideApplyPrimaryStatus(migration);
    } catch (KubernetesClientException e) {
      throw new WriteRefused(
          e.getCode() == 0 ? String.valueOf(e.getMessage()) : "HTTP " + e.getCode(),
          e.getCode() == 409,
          e);
    } catch (RuntimeException e) {
      // Whatever else went wrong, the write is not known to have landed.
      throw new WriteRefused(String.valueOf(e), false, e);
    } finally {
      migration.getMetadata().setManagedFields(managedFields);
    }
  }
}
