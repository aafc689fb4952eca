package org.parley.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.StringReader;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.auth.PasswordAuthenticator.Result;
import org.parley.api.auth.UserException;
import org.parley.api.storage.ScramCredential;
import org.parley.api.storage.ScramHash;

class StoreUserManagerTest {
    private final InMemoryUserStore store = new InMemoryUserStore();
    private final AuthWorkers workers = new AuthWorkers();
    private final StoreUserManager users = new StoreUserManager(store,
            JidCreate.domainBareFromOrThrowUnchecked("example.org"), AuthSettings.DEFAULTS, new SecureRandom(),
            StoreUserManager.IMPORT_BATCH);
    private final StoredPasswordAuthenticator internal = new StoredPasswordAuthenticator(store, workers, AuthSettings.DEFAULTS);

    @AfterEach
    void stop() {
        users.deactivate();
        workers.close();
    }

    private Result check(String username, String password) throws Exception {
        return internal.authenticate(username, password).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void createStoresASaltedCredentialPerHash() throws Exception {
        users.create("alice", "s3cret");
        assertTrue(users.exists("alice"));
        ScramCredential sha1 = store.credential("alice", ScramHash.SHA_1).orElseThrow();
        ScramCredential sha256 = store.credential("alice", ScramHash.SHA_256).orElseThrow();
        assertEquals(16, sha1.salt().length);
        assertEquals(16, sha256.salt().length);
        assertFalse(java.util.Arrays.equals(sha1.salt(), sha256.salt()), "each credential has its own salt");
        assertEquals(4096, sha256.iterations());
        assertEquals(Result.ACCEPTED, check("alice", "s3cret"));
        assertEquals(Result.REJECTED, check("alice", "guess"));
        assertEquals(Result.UNKNOWN_USER, check("bob", "s3cret"));
    }

    @Test
    void aBareJidOfTheServedDomainIsAcceptedAndPrepared() throws Exception {
        users.create("Alice@Example.org", "s3cret");
        assertTrue(users.exists("alice"));
        assertTrue(users.exists("ALICE@example.org"));
        assertEquals(List.of("alice"), users.list(0, 10));
    }

    @Test
    void setPasswordReplacesTheCredentials() throws Exception {
        users.create("alice", "old");
        users.setPassword("alice@example.org", "new");
        assertEquals(Result.ACCEPTED, check("alice", "new"));
        assertEquals(Result.REJECTED, check("alice", "old"));
    }

    @Test
    void deleteListAndCount() throws Exception {
        for (String name : List.of("carol", "alice", "bob")) {
            users.create(name, "pw");
        }
        assertEquals(3, users.count());
        assertEquals(List.of("alice", "bob"), users.list(0, 2));
        assertEquals(List.of("carol"), users.list(2, 2));
        users.delete("bob");
        assertFalse(users.exists("bob"));
        assertEquals(2, users.count());
    }

    @Test
    void validationErrorsAreOneLineAndSayWhatIsWrong() throws Exception {
        users.create("alice", "pw");
        assertEquals("the username is empty", message(() -> users.create("", "pw")));
        assertEquals("the username is empty", message(() -> users.create("   ", "pw")));
        assertTrue(message(() -> users.create("al ice", "pw")).startsWith("'al ice' is not a valid username"));
        assertEquals("'a:b' is not a valid username: it contains ':'", message(() -> users.create("a:b", "pw")));
        assertEquals("domain example.com is not served here (this server serves example.org)",
                message(() -> users.create("bob@example.com", "pw")));
        assertEquals("'bob@example.org/phone' has a resource: give user or user@example.org",
                message(() -> users.create("bob@example.org/phone", "pw")));
        assertEquals("the password is empty", message(() -> users.create("bob", "")));
        assertEquals("user alice@example.org already exists", message(() -> users.create("Alice", "pw")));
        assertEquals("no such user: nobody@example.org", message(() -> users.setPassword("nobody", "pw")));
        assertEquals("no such user: nobody@example.org", message(() -> users.delete("nobody")));
        assertEquals("offset and limit must not be negative", message(() -> users.list(-1, 5)));
        assertFalse(users.exists("bob"), "nothing was created by a refused call");
    }

    @Test
    void storageFailuresBecomeUserExceptions() {
        store.failing = true;
        assertEquals("storage failed: database unreachable", message(() -> users.create("alice", "pw")));
        assertEquals("storage failed: database unreachable", message(() -> users.count()));
    }

    @Test
    void importReadsNamesAndPasswordsSkipsCommentsAndReplacesExistingAccounts() throws Exception {
        users.create("alice", "old");
        String file = """
                # name password
                alice   new password with spaces
                bob@example.org hunter2

                  carol\tpass word
                """;
        assertEquals(3, users.importUsers(new BufferedReader(new StringReader(file))));
        assertEquals(3, users.count());
        assertEquals(Result.ACCEPTED, check("alice", "new password with spaces"));
        assertEquals(Result.ACCEPTED, check("bob", "hunter2"));
        assertEquals(Result.ACCEPTED, check("carol", "pass word"));
    }

    @Test
    void importWithABadLineNamesItAndWritesNothing() {
        // OpaqueString allows no control characters: a tab inside a password is an error.
        assertEquals("line 1: the password is not valid: Invalid code point at position 4: 0x9",
                message(() -> users.importUsers(new BufferedReader(new StringReader("alice pass\tword\n")))));
        String file = "alice pw\nbob@example.com pw\ncarol pw\n";
        assertEquals("line 2: domain example.com is not served here (this server serves example.org)",
                message(() -> users.importUsers(new BufferedReader(new StringReader(file)))));
        assertEquals("line 1: no password after 'alice'",
                message(() -> users.importUsers(new BufferedReader(new StringReader("alice\n")))));
        assertEquals("line 3: alice@example.org is already on line 1",
                message(() -> users.importUsers(new BufferedReader(new StringReader("alice a\nbob b\nALICE c\n")))));
        assertEquals(0, store.upsertCalls, "validation comes before any write");
    }

    @Test
    void importWritesInBatchesAndPrintsItsSpeed() throws Exception {
        int n = 2_000;
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < n; i++) {
            file.append("user").append(i).append(" password").append(i).append('\n');
        }
        // The default 4096 iterations; batches of 800 instead of 10,000 so that a small file
        // still shows the batching (800 + 800 + 400).
        StoreUserManager manager = new StoreUserManager(store, JidCreate.domainBareFromOrThrowUnchecked("example.org"),
                AuthSettings.DEFAULTS, new SecureRandom(), 800);
        long start = System.nanoTime();
        assertEquals(n, manager.importUsers(new BufferedReader(new StringReader(file.toString()))));
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("import of %,d users (SHA-1 + SHA-256 credentials, %d PBKDF2 iterations) on %d cores: "
                + "%,d ms, %,.0f users/s; 100,000 users at this rate: %,.0f s%n", n, AuthSettings.DEFAULTS.iterations(),
                Runtime.getRuntime().availableProcessors(), millis, n * 1000.0 / millis, 100_000.0 * millis / n / 1000);
        assertEquals(3, store.upsertCalls);
        assertEquals(n, store.count());
        assertEquals(Result.ACCEPTED, check("user1999", "password1999"));
    }

    @Test
    void anInvalidDomainInConfigurationKeepsTheServedOne() {
        for (String invalid : List.of("not a domain", "user@example.org", "example.org/x", "exa_mple.org", "")) {
            users.modified(new ServerConfigValue(invalid), AuthConfigValue.defaults(), java.util.Map.of());
            assertEquals("example.org", users.domain().toString(), invalid);
        }
        users.modified(new ServerConfigValue("chat.example.org"), AuthConfigValue.defaults(), java.util.Map.of());
        assertEquals("chat.example.org", users.domain().toString());
    }

    private static String message(Executable call) {
        UserException e = assertThrows(UserException.class, call);
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }
}
