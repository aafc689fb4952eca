package org.parley.api.server;

import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Carries a component's in-memory state from one version of its bundle to the next across a live
 * upgrade. The outgoing component deposits a snapshot when it deactivates; its successor takes it
 * when it activates. A snapshot not taken within the configured time-to-live (PID
 * {@code org.parley.handoff}, {@code snapshotTtlSeconds}) is dropped: the server stopped, or the
 * bundle was removed rather than upgraded.
 *
 * <p>A snapshot holds values of JDK and {@code org.parley.api} types only (strings, numbers,
 * lists, maps, {@code Element}, {@code Stanza}, JIDs), never the depositing bundle's own classes:
 * those would keep the old bundle revision's class loader alive, and the successor could not use
 * them anyway. Versions the format: the successor may be newer or older than the depositor, so
 * read it tolerantly (ignore unknown keys, check a format version) and treat a snapshot it cannot
 * read as none, logging why.
 *
 * <p>Obtained per bundle (a service factory), so the service knows who deposits.
 */
@ProviderType
public interface StateHandoff {
    /**
     * Deposits a snapshot under a key (by convention the component's {@code component.name}),
     * replacing one deposited before under the same key.
     *
     * @throws IllegalArgumentException when the snapshot holds an object of a class loaded by the
     *     depositing bundle, or of a type that is not a JDK or api value; nothing is deposited
     */
    void deposit(String key, Map<String, Object> snapshot);

    /** Takes (and removes) the snapshot deposited under the key, if one is there and not expired. */
    Optional<Map<String, Object>> take(String key);
}
