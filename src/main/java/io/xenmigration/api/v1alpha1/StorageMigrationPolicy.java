package io.xenmigration.api.v1alpha1;

/** Whether a migration copies the VM's disks to storage the destination host can see. */
public enum StorageMigrationPolicy {
  /** Copy disks only when the destination host cannot see the VM's storage. */
  Auto,
  /** Always copy the disks, even when the destination could use them in place. */
  Always,
  /** Never copy disks: only hosts that see all of the VM's storage qualify. */
  Never
}
