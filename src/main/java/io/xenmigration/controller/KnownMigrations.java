package io.xenmigration.controller;

import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.xenmigration.api.v1alpha1.LiveMigration;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The LiveMigrations the LiveMigration controller's informer caches, lent to the other controllers
 * that read them: a second informer of every LiveMigration would hold each one twice (at 10,000
 * objects, some 70 MiB of a 512 MiB limit).
 */
@ApplicationScoped
public class KnownMigrations {

  private volatile IndexedResourceCache<LiveMigration> cache;

  /** Called by the LiveMigration controller once its cache exists. */
  void use(IndexedResourceCache<LiveMigration> cache) {
    this.cache = cache;
  }

  /**
   * The cached LiveMigrations of a namespace that match; none before the LiveMigration controller
   * has its cache, so a caller must not read "none" as "there are none" where that would matter.
   */
  Stream<LiveMigration> list(String namespace, Predicate<LiveMigration> filter) {
    IndexedResourceCache<LiveMigration> current = cache;
    return current == null ? Stream.empty() : current.list(namespace, filter);
  }
}
