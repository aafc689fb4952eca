package org.parley.storage.jdbc.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes migrations of one module within this JVM. PostgreSQL's advisory lock does that
 * between servers; H2 has none, and its DDL commits at once, so a row lock would be let go half-way.
 * Owned by the storage component and shared by every {@link Database} it opens, so a module's
 * migration on the old pool and on the new one during a configuration change do not overlap either.
 */
final class ModuleLocks {
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    ReentrantLock of(String module) {
        return locks.computeIfAbsent(module, m -> new ReentrantLock());
    }
}
