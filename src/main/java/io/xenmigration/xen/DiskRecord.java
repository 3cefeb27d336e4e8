package io.xenmigration.xen;

/**
 * A VDI as a rollback needs to judge it: whose copy it may be, and whether anything uses it.
 *
 * @param ref its ref
 * @param uuid its UUID
 * @param name its name-label
 * @param sr the SR holding it
 * @param mirrorOf xapi's mark on the VDIs a storage migration creates on its destination ({@code
 *     sm_config["base_mirror"]}: {@code <source SR uuid>/<source VDI location>}), or null
 * @param inUse whether a VBD refers to it
 * @param busy whether an operation runs on it
 * @param attached whether a host has it attached through a storage datapath ({@code
 *     sm_config["host_*"]}), as the leaf of a mirror that still runs
 * @param snapshot whether it is a snapshot
 */
public record DiskRecord(
    String ref,
    String uuid,
    String name,
    SrInfo sr,
    String mirrorOf,
    boolean inUse,
    boolean busy,
    boolean attached,
    boolean snapshot) {}
