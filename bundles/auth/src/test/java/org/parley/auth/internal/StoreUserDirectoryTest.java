package org.parley.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.StringReader;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.server.WorkRejectedException;
import org.parley.api.storage.ScramCredential;
import org.parley.api.storage.ScramHash;
import org.parley.api.storage.StorageException;

class StoreUserDirectoryTest {
    /** Counts the questions that reach the store, and can hold them until released. */
    private static final class CountingStore extends InMemoryUserStore {
        final AtomicInteger existsCalls = new AtomicInteger();
        final AtomicReference<String> askedOn = new AtomicReference<>();
        volatile CountDownLatch gate = new CountDownLatch(0);

        @Override
        public boolean exists(String username) {
            existsCalls.incrementAndGet();
            askedOn.set(Thread.currentThread().getName());
            boolean answer = super.exists(username); // read first: a held answer may go stale meanwhile
            try {
                gate.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return answer;
        }
    }

    private final AtomicLong now = new AtomicLong();
    private final CountingStore store = new CountingStore();
    private final ExecutorWorkerPool workers = new ExecutorWorkerPool();
    private final AccountCache cache = new AccountCache(now::get);
    private final StoreUserDirectory directory = new StoreUserDirectory(store, workers, cache);
    private final StoreUserManager users = new StoreUserManager(store, cache, Databases.disabledAccounts(),
            JidCreate.domainBareFromOrThrowUnchecked("example.org"), AuthSettings.DEFAULTS, new SecureRandom(),
            StoreUserManager.IMPORT_BATCH);

    @AfterEach
    void stop() {
        store.gate.countDown();
        workers.close();
        users.deactivate();
    }

    private boolean exists(String username) throws Exception {
        return directory.exists(username).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void theStoreIsAskedOnAWorkerThreadAndTheCallerIsNotHeld() throws Exception {
        users.create("juliet", "r0meo");
        store.gate = new CountDownLatch(1);

        CompletableFuture<Boolean> answer = directory.exists("juliet").toCompletableFuture();

        assertFalse(answer.isDone(), "the caller got its stage back while the store was still busy");
        store.gate.countDown();
        assertTrue(answer.get(20, TimeUnit.SECONDS));
        assertEquals("test-worker", store.askedOn.get());
    }

    @Test
    void answersAreCachedSoRepeatedQuestionsDoNotReachTheStore() throws Exception {
        users.create("juliet", "r0meo");
        assertTrue(exists("juliet"));
        assertFalse(exists("nurse"));
        assertTrue(exists("juliet"));
        assertFalse(exists("nurse"));
        assertEquals(2, store.existsCalls.get());
        assertTrue(directory.exists("juliet").toCompletableFuture().isDone(), "a cached answer is immediate");
    }

    @Test
    void anAccountCreatedBehindTheDirectorysBackExistsWithinAMinute() throws Exception {
        assertFalse(exists("romeo"));
        // Another server on the same database, or a bundle writing the store directly.
        store.create("romeo", someCredentials());

        assertFalse(exists("romeo"), "the negative answer is still cached");
        now.addAndGet(AccountCache.ABSENT_TTL.toNanos());
        assertTrue(exists("romeo"));
        assertTrue(AccountCache.ABSENT_TTL.compareTo(Duration.ofMinutes(1)) < 0, "the contract's bound");
    }

    @Test
    void anAccountDeletedBehindTheDirectorysBackStopsExistingWhenItsEntryExpires() throws Exception {
        store.create("romeo", someCredentials());
        assertTrue(exists("romeo"));
        store.delete("romeo");
        assertTrue(exists("romeo"), "still cached");
        now.addAndGet(AccountCache.EXISTS_TTL.toNanos());
        assertFalse(exists("romeo"));
    }

    @Test
    void createAndDeleteThroughTheUserManagerAreSeenAtOnce() throws Exception {
        assertFalse(exists("romeo"));
        users.create("Romeo", "jul1et");
        assertTrue(exists("romeo"), "no wait for the negative entry to expire");
        users.delete("romeo");
        assertFalse(exists("romeo"), "nor for the positive one");
    }

    @Test
    void importedAccountsExistAtOnce() throws Exception {
        assertFalse(exists("alice"));
        assertFalse(exists("bob"));
        users.importUsers(new BufferedReader(new StringReader("alice pw-a\nbob@example.org pw-b\n")));
        assertTrue(exists("alice"));
        assertTrue(exists("bob"));
    }

    @Test
    void anAnswerThatRacedWithACreateIsNotKept() throws Exception {
        store.gate = new CountDownLatch(1);
        CompletableFuture<Boolean> before = directory.exists("romeo").toCompletableFuture();
        // The store has read "absent" and is still answering when the account is created.
        while (store.existsCalls.get() == 0) {
            Thread.onSpinWait();
        }
        users.create("romeo", "jul1et");
        store.gate.countDown();
        assertFalse(before.get(20, TimeUnit.SECONDS), "the answer of its moment");

        assertTrue(exists("romeo"), "the stale 'absent' was not cached");
    }

    @Test
    void concurrentQuestionsForOneNameShareOneQuery() throws Exception {
        users.create("juliet", "r0meo");
        store.gate = new CountDownLatch(1);
        CompletableFuture<Boolean> first = directory.exists("juliet").toCompletableFuture();
        CompletableFuture<Boolean> second = directory.exists("juliet").toCompletableFuture();
        store.gate.countDown();
        assertTrue(first.get(20, TimeUnit.SECONDS));
        assertTrue(second.get(20, TimeUnit.SECONDS));
        assertEquals(1, store.existsCalls.get());
    }

    @Test
    void callersCannotCompleteTheSharedAnswerForEachOther() throws Exception {
        users.create("juliet", "r0meo");
        store.gate = new CountDownLatch(1);
        CompletableFuture<Boolean> meddler = directory.exists("juliet").toCompletableFuture();
        CompletableFuture<Boolean> honest = directory.exists("juliet").toCompletableFuture();
        meddler.complete(false);
        store.gate.countDown();
        assertTrue(honest.get(20, TimeUnit.SECONDS));
    }

    @Test
    void aFailingStoreOrAFullPoolIsUnknownAndNotCached() throws Exception {
        users.create("juliet", "r0meo");
        store.failing = true;
        ExecutionException failed = assertThrows(ExecutionException.class, () -> exists("juliet"));
        assertInstanceOf(StorageException.class, failed.getCause());
        store.failing = false;

        workers.full = true;
        ExecutionException rejected = assertThrows(ExecutionException.class, () -> exists("juliet"));
        assertInstanceOf(WorkRejectedException.class, rejected.getCause());
        workers.full = false;

        assertTrue(exists("juliet"), "neither failure was remembered");
    }

    @Test
    void theCacheStaysBoundedUnderAFloodOfNames() throws Exception {
        for (int i = 0; i < AccountCache.MAX_ENTRIES + 500; i++) {
            cache.put("user" + i, false, cache.generation());
        }
        assertTrue(cache.size() <= AccountCache.MAX_ENTRIES, "size " + cache.size());
        assertNotEquals(0, cache.size());
    }

    /** Credentials good enough for a row in the store. */
    private static List<ScramCredential> someCredentials() {
        return List.of(Scram.credential(ScramHash.SHA_256, "pw", new byte[] {1}, 4096));
    }
}
