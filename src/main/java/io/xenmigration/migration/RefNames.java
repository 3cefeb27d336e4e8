package io.xenmigration.migration;

import io.fabric8.kubernetes.api.model.Condition;
import io.xenmigration.api.v1alpha1.Leftover;
import io.xenmigration.api.v1alpha1.LiveMigrationStatus;
import io.xenmigration.api.v1alpha1.MigrationAttempt;
import io.xenmigration.api.v1alpha1.RollbackStep;
import io.xenmigration.xen.HostInfo;
import io.xenmigration.xen.PoolInventory;
import io.xenmigration.xen.SrInfo;
import io.xenmigration.xen.VmInfo;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts names where XenAPI speaks in references: a message a person reads says {@code host
 * a-host-3}, never {@code OpaqueRef:…}. The names come from the pools' inventories (hosts, VMs,
 * SRs) and the status (its task); a reference nobody knows is called so.
 */
final class RefNames {

  private static final Pattern REF = Pattern.compile("OpaqueRef:[0-9A-Za-z-]+");

  private final Supplier<Map<String, String>> lookup;
  private Map<String, String> names;

  private RefNames(Supplier<Map<String, String>> lookup) {
    this.lookup = lookup;
  }

  /** Names from these inventories and the status's task; built only when a message needs them. */
  static RefNames of(Collection<PoolInventory> inventories, LiveMigrationStatus status) {
    return new RefNames(
        () -> {
          Map<String, String> names = new HashMap<>();
          for (PoolInventory inventory : inventories) {
            for (HostInfo host : inventory.hosts()) {
              names.put(host.ref(), "host " + host.name());
            }
            for (VmInfo vm : inventory.vms()) {
              names.put(vm.ref(), "VM " + vm.name());
            }
            for (SrInfo sr : inventory.srs()) {
              names.put(sr.ref(), "SR " + sr.name());
            }
          }
          if (status.getTaskRef() != null && status.getTaskUuid() != null) {
            names.put(status.getTaskRef(), "task " + status.getTaskUuid());
          }
          names.put("OpaqueRef:NULL", "none");
          return names;
        });
  }

  /** The text with every reference replaced by its name. */
  String clean(String text) {
    if (text == null || !text.contains("OpaqueRef:")) {
      return text;
    }
    if (names == null) {
      names = lookup.get();
    }
    Matcher matcher = REF.matcher(text);
    StringBuilder named = new StringBuilder();
    while (matcher.find()) {
      String name = names.getOrDefault(matcher.group(), "an object the inventory does not know");
      matcher.appendReplacement(named, Matcher.quoteReplacement(name));
    }
    matcher.appendTail(named);
    return named.toString();
  }

  /** Cleans every message of a status. */
  void clean(LiveMigrationStatus status) {
    status.setMessage(clean(status.getMessage()));
    for (Condition condition : status.getConditions()) {
      condition.setMessage(clean(condition.getMessage()));
    }
    for (MigrationAttempt attempt : status.getAttempts()) {
      attempt.setMessage(clean(attempt.getMessage()));
    }
    if (status.getRollback() != null) {
      for (RollbackStep step : status.getRollback().getSteps()) {
        step.setMessage(clean(step.getMessage()));
      }
      for (Leftover leftover : status.getRollback().getLeftovers()) {
        leftover.setReason(clean(leftover.getReason()));
      }
      status.getRollback().setVerification(clean(status.getRollback().getVerification()));
    }
  }
}
