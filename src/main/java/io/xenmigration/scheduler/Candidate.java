package io.xenmigration.scheduler;

/**
 * A host that passed every filter, with what the weighers made of it.
 *
 * @param host the host
 * @param copiesDisks whether the VM's disks must be copied to go there
 * @param memoryLeftBytes free memory left on the host after this VM and migrations in flight
 */
public record Candidate(HostFacts host, boolean copiesDisks, long memoryLeftBytes) {}
