package io.xenmigration.xen;

/**
 * A storage repository.
 *
 * @param ref its ref
 * @param uuid its UUID
 * @param name its name-label
 */
public record SrInfo(String ref, String uuid, String name) {}
