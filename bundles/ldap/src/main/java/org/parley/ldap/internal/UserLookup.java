package org.parley.ldap.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.parley.api.server.WorkerPool;

/**
 * Which entry a username is, remembered for a short while: a found user for {@code cacheSeconds},
 * an unknown name for {@code negativeCacheSeconds} (at most a minute, so an account created in the
 * directory signs in within a minute of a failed attempt). A failed search is not remembered.
 * Concurrent questions for one name share one search, which runs on the shared worker pool.
 *
 * <p>The answer is in the cache before any caller sees it, so whoever reacts to an answer by asking
 * again gets the cached one, and the entry's lifetime starts when the directory answered.
 */
final class UserLookup {
    /** Bounds memory: a flood of distinct names evicts the least used. */
    static final int MAX_ENTRIES = 10_000;

    private final DirectoryClient client;
    private final WorkerPool workers;
    private final Cache<String, DirectoryClient.Found> cache;
    private final ConcurrentHashMap<String, CompletableFuture<DirectoryClient.Found>> inFlight = new ConcurrentHashMap<>();
    /** Counts {@link #forget}s, so a search that raced with one does not store what it found before. */
    private final AtomicLong generation = new AtomicLong();

    UserLookup(DirectoryClient client, WorkerPool workers, Ticker ticker) {
        this.client = client;
        this.workers = workers;
        LdapSettings s = client.settings();
        this.cache = Caffeine.newBuilder()
                .maximumSize(MAX_ENTRIES)
                .ticker(ticker)
                .executor(Runnable::run)
                .expireAfter(new Expiry<String, DirectoryClient.Found>() {
                    @Override
                    public long expireAfterCreate(String key, DirectoryClient.Found value, long currentTime) {
                        return ttl(s, value).toNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, DirectoryClient.Found value, long currentTime, long currentDuration) {
                        return ttl(s, value).toNanos();
                    }

                    @Override
                    public long expireAfterRead(String key, DirectoryClient.Found value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    static Duration ttl(LdapSettings s, DirectoryClient.Found found) {
        return found instanceof DirectoryClient.User ? s.cacheTtl() : s.negativeCacheTtl();
    }

    DirectoryClient client() {
        return client;
    }

    /** The entry for this username; fails with DirectoryUnavailableException when no server answered. */
    CompletionStage<DirectoryClient.Found> find(String username) {
        DirectoryClient.Found cached = cache.getIfPresent(username);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        CompletableFuture<DirectoryClient.Found> mine = new CompletableFuture<>();
        CompletableFuture<DirectoryClient.Found> running = inFlight.putIfAbsent(username, mine);
        if (running != null) {
            return running.minimalCompletionStage();
        }
        long before = generation.get();
        CompletionStage<DirectoryClient.Found> search;
        try {
            search = workers.submit(() -> client.find(username));
        } catch (RuntimeException e) {
            search = CompletableFuture.failedFuture(e);
        }
        search.whenComplete((found, error) -> {
            if (error == null && generation.get() == before) {
                cache.put(username, found);
            }
            inFlight.remove(username, mine);
            if (error == null) {
                mine.complete(found);
            } else {
                mine.completeExceptionally(error);
            }
        });
        // Callers cannot complete the shared stage for each other.
        return mine.minimalCompletionStage();
    }

    /** The entry may have moved or gone: search again next time. */
    void forget(String username) {
        generation.incrementAndGet();
        cache.invalidate(username);
    }
}
