package io.xenmigration.controller;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.migration.StatusStore;

/** Writes a migration's status as {@link StatusApply} does: conditional, through the SDK. */
final class ReconcileStatusStore implements StatusStore {

  private final Context<LiveMigration> context;

  ReconcileStatusStore(Context<LiveMigration> context) {
    this.context = context;
  }

  @Override
  public LiveMigration write(LiveMigration migration) throws WriteRefused {
    return StatusApply.write(context, migration);
  }
}
