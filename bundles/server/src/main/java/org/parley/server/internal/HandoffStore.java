package org.parley.server.internal;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshots deposited and not yet taken, shared by every bundle's {@link BundleHandoff}. Expired
 * snapshots are dropped when the store is next used, not by a timer: they pin no class loader (only
 * JDK and api values are accepted), so one left a while longer costs only its memory.
 */
@Component(service = HandoffStore.class, configurationPid = HandoffConfig.PID)
public final class HandoffStore {
    private static final Logger LOG = LoggerFactory.getLogger(HandoffStore.class);

    private record Deposit(Map<String, Object> snapshot, String depositor, long expiresAt) {
    }

    private final Map<String, Deposit> deposits = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private volatile long ttlMillis;

    @Activate
    public HandoffStore(HandoffConfig config) {
        this(System::currentTimeMillis, config.snapshotTtlSeconds());
    }

    HandoffStore(LongSupplier clock, int ttlSeconds) {
        this.clock = clock;
        this.ttlMillis = validTtl(ttlSeconds, 60) * 1000L;
    }

    @Modified
    void modified(HandoffConfig config) {
        ttlMillis = validTtl(config.snapshotTtlSeconds(), (int) (ttlMillis / 1000)) * 1000L;
    }

    private static int validTtl(int seconds, int previous) {
        if (seconds < 1) {
            LOG.error("{}: key 'snapshotTtlSeconds' must be at least 1, got {}; keeping {}", HandoffConfig.PID, seconds, previous);
            return previous;
        }
        return seconds;
    }

    void deposit(String key, Map<String, Object> snapshot, String depositor) {
        dropExpired();
        deposits.put(key, new Deposit(snapshot, depositor, clock.getAsLong() + ttlMillis));
        LOG.info("{} deposited its state as '{}' for its successor", depositor, key);
    }

    Optional<Map<String, Object>> take(String key, String taker) {
        dropExpired();
        Deposit d = deposits.remove(key);
        if (d == null) {
            return Optional.empty();
        }
        LOG.info("{} took the state '{}' deposited by {}", taker, key, d.depositor());
        return Optional.of(d.snapshot());
    }

    int size() {
        return deposits.size();
    }

    private void dropExpired() {
        long now = clock.getAsLong();
        for (Iterator<Map.Entry<String, Deposit>> it = deposits.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Deposit> e = it.next();
            if (e.getValue().expiresAt() <= now) {
                it.remove();
                LOG.warn("The state '{}' deposited by {} was not taken in time and is dropped", e.getKey(), e.getValue().depositor());
            }
        }
    }
}
