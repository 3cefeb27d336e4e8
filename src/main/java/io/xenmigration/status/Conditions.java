package io.xenmigration.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Kubernetes conditions, set the way {@code kubectl wait} and people expect: one entry per type,
 * and {@code lastTransitionTime} kept while the condition's status does not change.
 */
public final class Conditions {

  private Conditions() {}

  /** The condition of a type, or null. */
  public static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    for (Condition condition : conditions) {
      if (Objects.equals(condition.getType(), type)) {
        return condition;
      }
    }
    return null;
  }

  /** The conditions with one type set to a new value; the others kept in order. */
  public static List<Condition> set(
      List<Condition> conditions,
      String type,
      boolean value,
      String reason,
      String message,
      Long generation,
      Instant now) {
    String status = value ? "True" : "False";
    Condition previous = find(conditions, type);
    String since =
        previous != null
                && status.equals(previous.getStatus())
                && previous.getLastTransitionTime() != null
            ? previous.getLastTransitionTime()
            : now.toString();
    Condition updated =
        new ConditionBuilder()
            .withType(type)
            .withStatus(status)
            .withReason(SafeText.reason(reason))
            .withMessage(SafeText.safe(message))
            .withLastTransitionTime(since)
            .withObservedGeneration(generation)
            .build();
    List<Condition> result = new ArrayList<>();
    boolean replaced = false;
    if (conditions != null) {
      for (Condition condition : conditions) {
        if (Objects.equals(condition.getType(), type)) {
          result.add(updated);
          replaced = true;
        } else {
          result.add(condition);
        }
      }
    }
    if (!replaced) {
      result.add(updated);
    }
    return result;
  }

  /** The conditions without any of one type. */
  public static List<Condition> remove(List<Condition> conditions, String type) {
    List<Condition> result = new ArrayList<>();
    if (conditions != null) {
      for (Condition condition : conditions) {
        if (!Objects.equals(condition.getType(), type)) {
          result.add(condition);
        }
      }
    }
    return result;
  }
}
