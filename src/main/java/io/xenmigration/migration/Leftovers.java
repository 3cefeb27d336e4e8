package io.xenmigration.migration;

import io.xenmigration.api.v1alpha1.Leftover;
import io.xenmigration.xen.DiskRecord;
import io.xenmigration.xen.MigrationTask;
import io.xenmigration.xen.VmFacts;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which VDIs a failed storage migration left on its destination, and which of them the operator may
 * destroy: only those xapi marked as copies of this VM's disks ({@code sm_config["base_mirror"]}),
 * that were not there before the attempt, and that nothing uses. Every other VDI that looks like a
 * copy is kept and reported; VDIs that merely share a disk's name with nothing else pointing at the
 * attempt are never touched. Pure: the caller reads the pool.
 */
final class Leftovers {

  /** What to destroy and what to keep (and report). */
  record Judgement(List<DiskRecord> destroy, List<Leftover> keep) {}

  private Leftovers() {}

  /** Bytes of disk a migration copies: the disks whose target SR is not their own. */
  static long bytesCopied(VmFacts facts, Map<String, String> vdiToSr) {
    long bytes = 0;
    for (VmFacts.Disk disk : facts.disks()) {
      String target = vdiToSr.get(disk.vdi());
      if (target != null && !target.equals(disk.sr())) {
        bytes += disk.sizeBytes();
      }
    }
    return bytes;
  }

  /**
   * The VDIs on the destination that could be taken for this VM's copies before anything started:
   * marked as copies of its disks (by an earlier attempt, or anyone's) or named like them. They are
   * never this attempt's leftovers.
   */
  static List<String> lookalikes(
      VmFacts facts,
      java.util.function.UnaryOperator<String> srUuids,
      Collection<DiskRecord> onDestination) {
    Set<String> marks = marks(facts, srUuids);
    Set<String> names = names(facts);
    List<String> uuids = new ArrayList<>();
    for (DiskRecord disk : onDestination) {
      if ((disk.mirrorOf() != null && marks.contains(disk.mirrorOf()))
          || names.contains(disk.name())) {
        uuids.add(disk.uuid());
      }
    }
    return uuids;
  }

  /**
   * Judges the VDIs on the destination SRs after a failed attempt.
   *
   * @param facts the VM's disks, where it runs (its source)
   * @param srUuids the UUID of each of the VM's SRs, by ref
   * @param onDestination the VDIs on the SRs the disks were copied to
   * @param existing UUIDs of the lookalikes there before the attempt started, or null when the
   *     attempt did not record them (then nothing is provably its copy)
   * @param stillMigrating whether a migration still runs on the VM (then nothing goes)
   */
  static Judgement judge(
      VmFacts facts,
      java.util.function.UnaryOperator<String> srUuids,
      Collection<DiskRecord> onDestination,
      Collection<String> existing,
      boolean stillMigrating) {
    Set<String> marks = marks(facts, srUuids);
    Set<String> names = names(facts);
    Set<String> before = existing == null ? Set.of() : new HashSet<>(existing);
    boolean provable = existing != null;
    Set<String> own = new HashSet<>();
    facts.disks().forEach(d -> own.add(d.uuid()));
    List<DiskRecord> destroy = new ArrayList<>();
    List<Leftover> keep = new ArrayList<>();
    for (DiskRecord disk : onDestination) {
      boolean marked = disk.mirrorOf() != null && marks.contains(disk.mirrorOf());
      boolean named = names.contains(disk.name());
      if ((!marked && !named)
          || (!marked && disk.mirrorOf() != null)
          || before.contains(disk.uuid())
          || own.contains(disk.uuid())) {
        // Unrelated, another migration's copy (its mark names other disks), there before the
        // attempt, or the VM's own disk.
        continue;
      }
      String reason;
      if (!marked) {
        reason =
            "it appeared during the attempt with the name of one of the VM's disks, but carries"
                + " no mark of xapi's storage migration, so it is not provably the attempt's copy";
      } else if (disk.inUse()) {
        reason = "a VBD uses it";
      } else if (disk.busy()) {
        reason = "an operation runs on it";
      } else if (disk.attached() || stillMigrating) {
        reason = "a storage migration may still be writing it";
      } else if (!provable) {
        reason =
            "the attempt did not record which copies were there before it started, so it is not"
                + " provably the attempt's";
      } else {
        destroy.add(disk);
        continue;
      }
      keep.add(disk(disk, reason));
    }
    // Snapshots of a mirror's leaf go before the leaf.
    destroy.sort(
        Comparator.comparing((DiskRecord d) -> !d.snapshot()).thenComparing(DiskRecord::uuid));
    return new Judgement(List.copyOf(destroy), List.copyOf(keep));
  }

  /** A kept VDI, for the status. */
  static Leftover disk(DiskRecord disk, String reason) {
    Leftover kept = new Leftover();
    kept.setKind("Disk");
    kept.setUuid(disk.uuid());
    kept.setName(disk.name());
    kept.setSr(disk.sr().name());
    kept.setSrUuid(disk.sr().uuid());
    kept.setReason(reason);
    return kept;
  }

  /** A kept task, for the status. */
  static Leftover task(MigrationTask task, String reason) {
    Leftover kept = new Leftover();
    kept.setKind("Task");
    kept.setUuid(task.uuid());
    kept.setName(task.name());
    kept.setReason(reason);
    return kept;
  }

  /**
   * The copies of the VM's disks xapi marked on the destination that were not there before the
   * attempt, for an attempt whose copies cannot be judged: each is kept and reported, for the
   * reason given, and none is destroyed.
   *
   * @param existing UUIDs of the lookalikes there before the attempt started, or null when the
   *     attempt did not record them
   */
  static List<Leftover> unjudged(
      VmFacts facts,
      java.util.function.UnaryOperator<String> srUuids,
      Collection<DiskRecord> onDestination,
      Collection<String> existing,
      String reason) {
    Set<String> marks = marks(facts, srUuids);
    Set<String> own = new HashSet<>();
    facts.disks().forEach(d -> own.add(d.uuid()));
    Set<String> before = existing == null ? Set.of() : new HashSet<>(existing);
    List<Leftover> kept = new ArrayList<>();
    for (DiskRecord disk : onDestination) {
      if (disk.mirrorOf() != null
          && marks.contains(disk.mirrorOf())
          && !own.contains(disk.uuid())
          && !before.contains(disk.uuid())) {
        kept.add(disk(disk, reason));
      }
    }
    return kept;
  }

  /** The marks xapi gives copies of the VM's disks. */
  private static Set<String> marks(
      VmFacts facts, java.util.function.UnaryOperator<String> srUuids) {
    Set<String> marks = new HashSet<>();
    for (VmFacts.Disk disk : facts.disks()) {
      String srUuid = disk.sr() == null ? null : srUuids.apply(disk.sr());
      if (srUuid != null && disk.location() != null) {
        marks.add(disk.mirrorId(srUuid));
      }
    }
    return marks;
  }

  private static Set<String> names(VmFacts facts) {
    Map<String, Boolean> names = new HashMap<>();
    facts.disks().forEach(d -> names.put(d.name(), true));
    return names.keySet();
  }
}
