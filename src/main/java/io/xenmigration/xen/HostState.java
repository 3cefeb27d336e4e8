package io.xenmigration.xen;

/**
 * A host as XenAPI reports it now, read fresh rather than from the inventory.
 *
 * @param ref its ref
 * @param uuid its UUID
 * @param name its name-label
 * @param live whether its heartbeat is alive
 * @param enabled whether it takes VMs
 */
public record HostState(String ref, String uuid, String name, boolean live, boolean enabled) {}
