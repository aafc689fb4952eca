package org.parley.api.server;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The framework's hand-over of state between two versions of a bundle, for feature bundles' unit
 * tests (in the api's test jar): what the old version deposits, the new one takes once. The test
 * may look at or tamper with {@link #deposits} to play an older or newer predecessor.
 */
public final class TestStateHandoff implements StateHandoff {
    public final Map<String, Map<String, Object>> deposits = new ConcurrentHashMap<>();

    @Override
    public void deposit(String key, Map<String, Object> snapshot) {
        deposits.put(key, snapshot);
    }

    @Override
    public Optional<Map<String, Object>> take(String key) {
        return Optional.ofNullable(deposits.remove(key));
    }
}
