package io.xenmigration.bench;

/**
 * One line of the suite's table.
 *
 * @param id B1 to B6
 * @param measure what was measured, with its set-up
 * @param result the figures
 * @param goal the goal they are held against
 * @param met whether they meet it
 */
record Measure(String id, String measure, String result, String goal, boolean met) {}
