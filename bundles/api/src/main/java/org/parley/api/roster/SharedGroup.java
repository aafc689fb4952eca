package org.parley.api.roster;

import java.util.Objects;
import java.util.Set;

/**
 * One shared roster group: its members see each other under {@code name}.
 *
 * @param name the roster group name members see (RFC 6121 {@code <group/>}), not empty
 * @param members the prepared localparts of accounts of the served domain
 */
public record SharedGroup(String name, Set<String> members) {
    public SharedGroup {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a shared group needs a name");
        }
        members = Set.copyOf(members);
    }
}
