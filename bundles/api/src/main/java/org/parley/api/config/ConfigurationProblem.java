package org.parley.api.config;

import java.util.Objects;

/**
 * Why a proposed configuration cannot be used.
 *
 * @param key the key at fault, or null when the problem is not one key's (the component names the
 *        keys involved in the reason)
 * @param reason in words an operator understands, e.g. "must be between 0 and maxHistoryLength (200), got 300"
 */
public record ConfigurationProblem(String key, String reason) {
    public ConfigurationProblem {
        Objects.requireNonNull(reason, "reason");
    }
}
