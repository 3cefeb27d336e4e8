package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.MigrationTimeouts;
import io.xenmigration.api.v1alpha1.StorageMigrationPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a LiveMigration's spec before anything is done with it. The CRD's schema and CEL rules
 * refuse most bad input at the API server; this runs anyway, because a cluster may run an older
 * CRD, and adds the rules a schema cannot express.
 */
public final class SpecValidation {

  private SpecValidation() {}

  /** Every problem with the spec, in words a person understands; empty when it is valid. */
  public static List<String> problems(LiveMigrationSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      problems.add("spec is missing");
      return problems;
    }
    if (blank(spec.getPool())) {
      problems.add("spec.pool is required: the XenPool that runs the VM");
    }
    if (blank(spec.getVm())) {
      problems.add("spec.vm is required: the VM's UUID or unique name-label");
    }
    if (!blank(spec.getDestinationPool()) && spec.getDestinationPool().equals(spec.getPool())) {
      problems.add(
          "spec.destinationPool must name another XenPool than spec.pool; leave it empty to"
              + " migrate within the pool");
    }
    if (!blank(spec.getDestinationPool())
        && spec.getStorageMigration() == StorageMigrationPolicy.Never) {
      problems.add(
          "spec.storageMigration: Never cannot move a VM to another pool, whose hosts never see"
              + " its disks");
    }
    Integer attempts = spec.getMaxAttempts();
    if (attempts != null && (attempts < 1 || attempts > 10)) {
      problems.add("spec.maxAttempts must be between 1 and 10, not " + attempts);
    }
    MigrationTimeouts timeouts = spec.getTimeouts();
    if (timeouts != null) {
      if (timeouts.getProgressSeconds() != null && timeouts.getProgressSeconds() < 10) {
        problems.add("spec.timeouts.progressSeconds must be at least 10");
      }
      if (timeouts.getCompletionSeconds() != null && timeouts.getCompletionSeconds() < 30) {
        problems.add("spec.timeouts.completionSeconds must be at least 30");
      }
    }
    return problems;
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
