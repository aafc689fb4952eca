package org.parley.auth.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import org.jxmpp.jid.EntityBareJid;
import org.parley.api.auth.AccountListener;
import org.parley.api.auth.PasswordAuthenticator.Result;
import org.parley.api.auth.UserException;
import org.parley.api.storage.ScramCredential;
import org.parley.api.storage.ScramHash;

class StoreUserManagerTest {
    private final InMemoryUserStore store = new InMemoryUserStore();
    private final AuthWorkers workers = new AuthWorkers();
    private final StoreUserManager users = new StoreUserManager(store, new AccountCache(), Databases.disabledAccounts(),
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
        StoreUserManager manager = new StoreUserManager(store, new AccountCache(), Databases.disabledAccounts(), JidCreate.domainBareFromOrThrowUnchecked("example.org"),
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

    private static String rfc5803(ScramHash hash, String password, int iterations) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return ScramAuthPassword.format(Scram.credential(hash, password, salt, iterations));
    }

    private int importHashed(String file) throws UserException {
        return users.importScramCredentials(new BufferedReader(new StringReader(file)));
    }

    @Test
    void hashedImportStoresTheGivenCredentialsAndThePasswordsWork() throws Exception {
        ScramCredential given = Scram.credential(ScramHash.SHA_256, "hunter2", new byte[] {1, 2, 3}, 10_000);
        String file = "# migrated from the directory\n"
                + "alice@example.org " + rfc5803(ScramHash.SHA_1, "alice pw", 4096) + " "
                + rfc5803(ScramHash.SHA_256, "alice pw", 4096) + "\n"
                + "\n"
                + "  bob\t" + ScramAuthPassword.format(given) + "\t" + rfc5803(ScramHash.SHA_1, "hunter2", 4096) + " \n";

        assertEquals(2, importHashed(file));

        assertEquals(Result.ACCEPTED, check("alice", "alice pw"));
        assertEquals(Result.ACCEPTED, check("bob", "hunter2"));
        assertEquals(Result.REJECTED, check("bob", "alice pw"));
        ScramCredential stored = store.credential("bob", ScramHash.SHA_256).orElseThrow();
        assertEquals(10_000, stored.iterations(), "the given count is kept, not the configured one");
        assertArrayEquals(given.salt(), stored.salt());
        assertArrayEquals(given.storedKey(), stored.storedKey());
        assertArrayEquals(given.serverKey(), stored.serverKey());
    }

    @Test
    void hashedImportWithOnlySha1ReplacesEveryCredentialOfAnExistingAccount() throws Exception {
        users.create("alice", "old");

        assertEquals(1, importHashed("alice " + rfc5803(ScramHash.SHA_1, "new", 4096) + "\n"));

        assertTrue(store.credential("alice", ScramHash.SHA_256).isEmpty(), "the old SHA-256 credential is gone");
        assertEquals(Result.ACCEPTED, check("alice", "new"), "PLAIN falls back to the SHA-1 credential");
        assertEquals(Result.REJECTED, check("alice", "old"));
    }

    @Test
    void hashedImportWithABadLineNamesItAndWritesNothing() throws Exception {
        String sha1 = rfc5803(ScramHash.SHA_1, "pw", 4096);
        String sha256 = rfc5803(ScramHash.SHA_256, "pw", 4096);
        assertEquals("line 2: no credential after 'bob'", message(() -> importHashed("alice " + sha1 + "\nbob\n")));
        assertEquals("line 1: SCRAM-SHA-1 is given twice", message(() -> importHashed("alice " + sha1 + " " + sha1)));
        assertEquals("line 3: SCRAM-SHA-256: the iteration count 1000 is below the minimum of 4096 (RFC 7677)",
                message(() -> importHashed("alice " + sha1 + "\nbob " + sha256 + "\ncarol "
                        + rfc5803(ScramHash.SHA_256, "pw", 1000) + "\n")));
        assertEquals("line 1: unknown mechanism 'SCRAM-MD5' (expected SCRAM-SHA-1 or SCRAM-SHA-256)",
                message(() -> importHashed("alice " + sha1 + " SCRAM-MD5$4096:AA==$AA==:AA==")));
        assertEquals("line 1: not a SCRAM credential (expected SCRAM-SHA-1$... or SCRAM-SHA-256$... as in RFC 5803)",
                message(() -> importHashed("alice hunter2\n")));
        assertEquals("line 2: SCRAM-SHA-1: the StoredKey has 32 bytes, SCRAM-SHA-1 needs 20",
                message(() -> importHashed("alice " + sha1 + "\nbob " + sha256.replace("SCRAM-SHA-256$", "SCRAM-SHA-1$"))));
        assertEquals("line 2: domain example.com is not served here (this server serves example.org)",
                message(() -> importHashed("alice " + sha1 + "\nbob@example.com " + sha1)));
        assertEquals("line 2: alice@example.org is already on line 1",
                message(() -> importHashed("alice " + sha1 + "\nAlice@example.org " + sha256)));
        assertEquals(0, store.upsertCalls, "validation comes before any write");
        assertEquals(0, store.count());
    }

    @Test
    void hashedImportWritesInBatchesAndPrintsItsSpeed() throws Exception {
        int n = 20_000;
        String sha1 = rfc5803(ScramHash.SHA_1, "shared", 4096);
        String sha256 = rfc5803(ScramHash.SHA_256, "shared", 4096);
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < n; i++) {
            file.append("user").append(i).append("@example.org ").append(sha1).append(' ').append(sha256).append('\n');
        }
        StoreUserManager manager = new StoreUserManager(store, new AccountCache(), Databases.disabledAccounts(), JidCreate.domainBareFromOrThrowUnchecked("example.org"),
                AuthSettings.DEFAULTS, new SecureRandom(), 8_000);
        long start = System.nanoTime();
        assertEquals(n, manager.importScramCredentials(new BufferedReader(new StringReader(file.toString()))));
        long millis = Math.max(1, (System.nanoTime() - start) / 1_000_000);
        System.out.printf("hashed import of %,d users into memory: %,d ms, %,.0f users/s%n", n, millis, n * 1000.0 / millis);
        assertEquals(3, store.upsertCalls);
        assertEquals(n, store.count());
        assertEquals(Result.ACCEPTED, check("user19999", "shared"));
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

    /** What the manager told its listeners, in order. */
    private static final class Recorder implements AccountListener {
        final List<String> events = new ArrayList<>();

        @Override
        public void deleted(EntityBareJid account) {
            events.add("deleted " + account);
        }

        @Override
        public void disabled(EntityBareJid account) {
            events.add("disabled " + account);
        }
    }

    @Test
    void aDisabledAccountIsListedAndToldToListenersAndEnabledAgain() throws Exception {
        Recorder recorder = new Recorder();
        users.addAccountListener(recorder);
        users.create("alice", "s3cret");
        users.create("bob", "s3cret");
        assertFalse(users.isDisabled("alice"));
        users.disable("Alice@example.org");
        assertTrue(users.isDisabled("alice"));
        assertFalse(users.isDisabled("bob"));
        assertEquals(List.of("alice"), users.listDisabled(0, 10));
        assertEquals(List.of("disabled alice@example.org"), recorder.events);
        // Its data stays: the password still checks, the sign-in is refused by the SASL layer.
        assertEquals(Result.ACCEPTED, check("alice", "s3cret"));
        users.enable("alice");
        assertFalse(users.isDisabled("alice"));
        assertEquals(List.of(), users.listDisabled(0, 10));
    }

    @Test
    void disablingTwiceKeepsOneMarkAndEndsSessionsAgain() throws Exception {
        Recorder recorder = new Recorder();
        users.addAccountListener(recorder);
        users.create("alice", "s3cret");
        users.disable("alice");
        users.disable("alice");
        assertEquals(List.of("alice"), users.listDisabled(0, 10));
        assertEquals(List.of("disabled alice@example.org", "disabled alice@example.org"), recorder.events);
        users.enable("alice");
        users.enable("alice"); // not disabled, but the account exists: nothing to say
        assertFalse(users.isDisabled("alice"));
    }

    @Test
    void anUnknownAccountCannotBeDisabledOrEnabled() {
        UserException disable = assertThrows(UserException.class, () -> users.disable("nobody"));
        assertEquals("no such user: nobody@example.org", disable.getMessage());
        UserException enable = assertThrows(UserException.class, () -> users.enable("nobody"));
        assertEquals("no such user: nobody@example.org", enable.getMessage());
        assertThrows(UserException.class, () -> users.disable("someone@elsewhere.org"));
    }

    @Test
    void aDeletedAccountCreatedAgainIsNotDisabled() throws Exception {
        users.create("alice", "s3cret");
        users.disable("alice");
        users.delete("alice");
        assertFalse(users.isDisabled("alice"));
        users.create("alice", "other");
        assertFalse(users.isDisabled("alice"));
    }

    @Test
    void aDirectoryAccountCanBeDisabledThoughTheStoreDoesNotHaveIt() throws Exception {
        users.addDirectory(name -> CompletableFuture.completedFuture(name.equals("carol")));
        users.disable("carol");
        assertTrue(users.isDisabled("carol"));
        assertFalse(users.exists("carol"), "the store still has no such account");
        users.enable("carol");
        assertFalse(users.isDisabled("carol"));
    }

    @Test
    void aDirectoryThatCannotAnswerDisablesNothing() {
        users.addDirectory(name -> CompletableFuture.failedFuture(new IllegalStateException("directory down")));
        assertThrows(UserException.class, () -> users.disable("carol"));
        assertThrows(UserException.class, () -> users.isDisabled("carol@"));
    }
}
