package org.parley.roster.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The roster configuration as checked values: a value out of range keeps the previous one, and says so. */
record Limits(int maxItems, int maxNameLength, int maxGroupLength, int maxGroupsPerItem, boolean autoApprove) {
    private static final Logger LOG = LoggerFactory.getLogger(Limits.class);
    /** The width of the name and group columns. */
    static final int COLUMN = 1023;
    static final Limits DEFAULTS = new Limits(1000, COLUMN, COLUMN, 64, false);

    static Limits of(RosterConfig config, Limits previous) {
        return new Limits(
                checked("maxItems", config.maxItems(), 1, Integer.MAX_VALUE, previous.maxItems),
                checked("maxNameLength", config.maxNameLength(), 1, COLUMN, previous.maxNameLength),
                checked("maxGroupLength", config.maxGroupLength(), 1, COLUMN, previous.maxGroupLength),
                checked("maxGroupsPerItem", config.maxGroupsPerItem(), 0, 10_000, previous.maxGroupsPerItem),
                config.autoApprove());
    }

    static int checked(String key, int value, int min, int max, int previous) {
        if (value < min || value > max) {
            LOG.error("{}: key '{}' must be between {} and {}, got {}; keeping {}", RosterConfig.PID, key, min, max, value, previous);
            return previous;
        }
        return value;
    }
}
