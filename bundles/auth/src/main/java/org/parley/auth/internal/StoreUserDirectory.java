package org.parley.auth.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.auth.UserDirectory;
import org.parley.api.server.WorkerPool;
import org.parley.api.storage.UserStore;

/**
 * The {@link UserDirectory} of the internal accounts: asks the {@link UserStore}, off the caller's
 * thread, and remembers the answer for a short while in the {@link AccountCache}.
 *
 * <p>The store is asked on the server's shared {@link WorkerPool}, not on {@link AuthWorkers}:
 * routing and feature bundles ask this for every stanza to an account without a session, a volume
 * unrelated to logins, and AuthWorkers is kept small and for logins so that such a flood cannot
 * turn sign-ins into temporary-auth-failure. A full shared pool fails the stage, which the
 * contract defines as "unknown".
 *
 * <p>Concurrent questions for one name while the store is being asked share that one query.
 */
@Component(service = UserDirectory.class)
public final class StoreUserDirectory implements UserDirectory {
    private final UserStore store;
    private final WorkerPool workers;
    private final AccountCache cache;
    private final ConcurrentHashMap<String, CompletableFuture<Boolean>> inFlight = new ConcurrentHashMap<>();

    @Activate
    public StoreUserDirectory(@Reference UserStore store, @Reference WorkerPool workers,
            @Reference AccountCache cache) {
        this.store = store;
        this.workers = workers;
        this.cache = cache;
    }

    @Override
    public CompletionStage<Boolean> exists(String username) {
        if (username == null) {
            return CompletableFuture.failedFuture(new NullPointerException("username"));
        }
        Boolean cached = cache.get(username);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> running = inFlight.putIfAbsent(username, mine);
        if (running != null) {
            return running.minimalCompletionStage();
        }
        long generation = cache.generation();
        CompletionStage<Boolean> answer;
        try {
            answer = workers.submit(() -> store.exists(username));
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((exists, error) -> {
            if (error == null) {
                cache.put(username, exists, generation);
            }
            // Out of the map before completing, so a caller that reacts by asking again
            // starts afresh (after a failure) or hits the cache (after an answer).
            inFlight.remove(username, mine);
            if (error == null) {
                mine.complete(exists);
            } else {
                mine.completeExceptionally(error);
            }
        });
        // Minimal: callers cannot complete the shared stage for each other.
        return mine.minimalCompletionStage();
    }
}
