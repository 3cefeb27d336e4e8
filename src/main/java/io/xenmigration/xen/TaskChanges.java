package io.xenmigration.xen;

import java.util.List;

/**
 * Tasks that changed since a token, from {@code event.from}, and the token to ask with next.
 *
 * @param token pass it to the next wait; empty asks for the current state of every task
 * @param tasks the tasks that changed, in their latest state
 */
public record TaskChanges(String token, List<MigrationTask> tasks) {}
