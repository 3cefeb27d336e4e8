package io.xenmigration.maintenance;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.xenmigration.api.v1alpha1.HostMaintenance;
import io.xenmigration.api.v1alpha1.LiveMigration;
import io.xenmigration.api.v1alpha1.LiveMigrationSpec;
import io.xenmigration.api.v1alpha1.MigrationPhase;
import io.xenmigration.api.v1alpha1.StorageMigrationPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The LiveMigrations a maintenance creates: named after it and the VM, so that a look that finds
 * one already there (after a restart, say) never makes a second; owned by it; labelled with its
 * UID.
 */
public final class ChildMigrations {

  /** Label naming the owning maintenance by UID (names may be longer than a label value). */
  public static final String MAINTENANCE_LABEL =
      io.xenmigration.migration.HostsInMaintenance.MAINTENANCE_LABEL;

  /** Label saying why the child exists: {@code drain} or {@code return}. */
  public static final String ROLE_LABEL = "xenmigration.io/maintenance-role";

  public static final String DRAIN = "drain";
  public static final String RETURN = "return";

  /** Longest maintenance name part kept in a child's name, so that the UUID always fits. */
  static final int NAME_PART = 200;

  private ChildMigrations() {}

  /** The name of the child that moves a VM off, or back. */
  public static String name(HostMaintenance maintenance, String vmUuid, String role) {
    String base = maintenance.getMetadata().getName();
    if (base.length() > NAME_PART) {
      base = base.substring(0, NAME_PART);
    }
    return base
        + (RETURN.equals(role) ? "-back-" : "-")
        + vmUuid.toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * A child moving a VM: off the host for a drain (the scheduler chooses where), or back to it by
   * UUID.
   */
  public static LiveMigration child(
      HostMaintenance maintenance, String vmUuid, String role, String backTo) {
    LiveMigrationSpec spec = new LiveMigrationSpec();
    spec.setPool(maintenance.getSpec().getPool());
    spec.setVm(vmUuid);
    StorageMigrationPolicy policy = maintenance.getSpec().getStorageMigration();
    spec.setStorageMigration(policy == null ? StorageMigrationPolicy.Never : policy);
    if (backTo != null) {
      spec.setDestinationHost(backTo);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MAINTENANCE_LABEL, maintenance.getMetadata().getUid());
    labels.put(ROLE_LABEL, role);
    LiveMigration child = new LiveMigration();
    child.setMetadata(
        new ObjectMetaBuilder()
            .withName(name(maintenance, vmUuid, role))
            .withNamespace(maintenance.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(annotations(maintenance, role))
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(maintenance.getApiVersion())
                    .withKind(maintenance.getKind())
                    .withName(maintenance.getMetadata().getName())
                    .withUid(maintenance.getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .build());
    child.setSpec(spec);
    return child;
  }

  /** A drain child moves its VM off the maintenance's host only, never from anywhere else. */
  private static Map<String, String> annotations(HostMaintenance maintenance, String role) {
    String host = maintenance.getStatus() == null ? null : maintenance.getStatus().getHostUuid();
    return DRAIN.equals(role) && host != null
        ? Map.of(io.xenmigration.migration.HostsInMaintenance.FROM_HOST_ANNOTATION, host)
        : Map.of();
  }

  /** Whether a LiveMigration is this maintenance's child in a role. */
  public static boolean of(LiveMigration migration, HostMaintenance maintenance, String role) {
    Map<String, String> labels = migration.getMetadata().getLabels();
    return labels != null
        && maintenance.getMetadata().getUid().equals(labels.get(MAINTENANCE_LABEL))
        && role.equals(labels.get(ROLE_LABEL));
  }

  /** The children in a role, by the VM UUID they move. */
  public static Map<String, LiveMigration> byVm(
      List<LiveMigration> children, HostMaintenance maintenance, String role) {
    Map<String, LiveMigration> byVm = new LinkedHashMap<>();
    for (LiveMigration child : children) {
      if (of(child, maintenance, role) && child.getSpec() != null) {
        byVm.put(child.getSpec().getVm().toLowerCase(java.util.Locale.ROOT), child);
      }
    }
    return byVm;
  }

  /** A child's phase, Queued until it has one. */
  public static MigrationPhase phase(LiveMigration child) {
    return child.getStatus() == null || child.getStatus().getPhase() == null
        ? MigrationPhase.Queued
        : child.getStatus().getPhase();
  }
}
