package org.parley.routing.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import org.parley.api.auth.UserDirectory;
import org.parley.concurrent.RankedList;
import org.parley.concurrent.Standby;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a local account exists, for the answers RFC 6121 section 8.5.1 gives for accounts that
 * do not: an account exists when any {@link UserDirectory} says so. With no directory registered,
 * or when one fails, the account is taken to exist: refusing a real user is worse than answering
 * for one that does not exist. While a directory is being replaced (its component left and has not
 * come back), a question waits for its successor for the grace period, since the directories still
 * there would answer "no" for the users only it knows (a directory bundle's upgrade).
 */
final class Accounts {
    private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);
    private static final CompletableFuture<Boolean> YES = CompletableFuture.completedFuture(true);

    record Entry(UserDirectory directory, Registration registration) {
    }

    private final RankedList<Entry> directories = new RankedList<>();
    private final Standby<String, Entry> byName;

    Accounts(ScheduledExecutorService timer, LongSupplier graceMillis) {
        this.byName = new Standby<>(timer, graceMillis);
    }

    void add(UserDirectory directory, Registration registration) {
        Entry entry = new Entry(directory, registration);
        directories.add(entry, registration.ranking(), registration.serviceId());
        byName.arrived(registration.name(), entry);
    }

    void remove(UserDirectory directory) {
        for (Entry e : directories.values()) {
            if (e.directory() == directory) {
                directories.removeIf(x -> x == e);
                byName.departed(e.registration().name(), e);
            }
        }
    }

    void close() {
        byName.closeAll();
    }

    CompletionStage<Boolean> exists(String username) {
        if (byName.isAnyWaiting()) {
            return byName.awaitAll().thenCompose(v -> exists(username)); // a directory gone for good: the others answer alone
        }
        List<Entry> list = directories.values();
        if (list.isEmpty()) {
            return YES;
        }
        return ask(list, 0, username);
    }

    private static CompletionStage<Boolean> ask(List<Entry> list, int i, String username) {
        if (i >= list.size()) {
            return CompletableFuture.completedFuture(false);
        }
        Entry entry = list.get(i);
        CompletionStage<Boolean> answer;
        try {
            answer = entry.directory().exists(username);
        } catch (RuntimeException e) {
            LOG.error("User directory {} of {} failed on '{}'; the account is taken to exist", entry.registration().name(),
                    entry.registration().bundle(), username, e);
            return YES;
        }
        return answer.handle((found, e) -> {
            if (e != null) {
                LOG.error("User directory {} of {} failed on '{}'; the account is taken to exist", entry.registration().name(),
                        entry.registration().bundle(), username, e);
                return YES;
            }
            return Boolean.TRUE.equals(found) ? YES : ask(list, i + 1, username);
        }).thenCompose(s -> s);
    }

    /** Stanzas that waited here for a successor (see {@link Standby#held()}). */
    long held() {
        return byName.held();
    }
}
