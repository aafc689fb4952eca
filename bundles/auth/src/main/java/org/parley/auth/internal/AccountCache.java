package org.parley.auth.internal;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Recent answers to "does this account exist", shared by {@link StoreUserDirectory}, which fills
 * it, and {@link StoreUserManager}, which invalidates it when it creates or deletes an account, so
 * a change made here is seen at once. Changes made elsewhere (another server on the same database,
 * a bundle writing the store directly) are seen when the entry expires: an answer "absent" is kept
 * {@link #ABSENT_TTL}, well under the minute the {@code UserDirectory} contract allows, and
 * "exists" {@link #EXISTS_TTL}.
 *
 * <p>A private service, so the two components share one instance without a static field; it
 * holds no references of its own, so it is always there for both.
 */
@Component(service = AccountCache.class)
public final class AccountCache {
    static final Duration EXISTS_TTL = Duration.ofSeconds(60);
    static final Duration ABSENT_TTL = Duration.ofSeconds(30);
    /** Bounds memory: beyond it the expired entries go, and when none has expired, all of them. */
    static final int MAX_ENTRIES = 10_000;

    private record Entry(boolean exists, long expiresAtNanos) {
    }

    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    /** Counts invalidations, so a lookup that raced with one does not store its stale answer. */
    private final AtomicLong generation = new AtomicLong();

    @Activate
    public AccountCache() {
        this(System::nanoTime);
    }

    AccountCache(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** The cached answer for the prepared localpart, or null when there is none or it has expired. */
    Boolean get(String username) {
        Entry e = entries.get(username);
        if (e == null) {
            return null;
        }
        if (nanoClock.getAsLong() - e.expiresAtNanos() >= 0) {
            entries.remove(username, e);
            return null;
        }
        return e.exists();
    }

    /** Taken before asking the store; hand it to {@link #put} with the answer. */
    long generation() {
        return generation.get();
    }

    /**
     * Keeps an answer of the store, unless an invalidation happened since {@code generationBefore}
     * was taken: the answer may predate the change that caused it.
     */
    void put(String username, boolean exists, long generationBefore) {
        if (entries.size() >= MAX_ENTRIES) {
            trim();
        }
        long ttl = (exists ? EXISTS_TTL : ABSENT_TTL).toNanos();
        Entry e = new Entry(exists, nanoClock.getAsLong() + ttl);
        entries.put(username, e);
        // Checked after the put: an invalidation either bumped the generation before this read
        // (and the entry is taken out here) or removes the entry itself after the put.
        if (generation.get() != generationBefore) {
            entries.remove(username, e);
        }
    }

    /** The account was created or deleted here. */
    void invalidate(String username) {
        generation.incrementAndGet();
        entries.remove(username);
    }

    /** Many accounts changed (an import). */
    void invalidateAll() {
        generation.incrementAndGet();
        entries.clear();
    }

    int size() {
        return entries.size();
    }

    private void trim() {
        long now = nanoClock.getAsLong();
        entries.values().removeIf(e -> now - e.expiresAtNanos() >= 0);
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear(); // rare: a flood of distinct names; the store answers them again
        }
    }
}
