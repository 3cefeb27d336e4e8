package io.xenmigration.xen;

/**
 * A migration task the driver just started.
 *
 * @param ref its ref
 * @param uuid its UUID, for people
 * @param tagged whether the operator's {@link TaskTag} could be put on it
 */
public record StartedTask(String ref, String uuid, boolean tagged) {}
