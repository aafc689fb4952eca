package org.parley.ldap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.api.auth.PasswordAuthenticator.Result;
import org.parley.api.server.TestWorkers;

/** The provider as the auth core and routing use it, against a real directory. */
class LdapProviderTest {
    private TestDirectory directory;
    private TestWorkers workers;
    private LdapProvider provider;

    @BeforeEach
    void start() throws Exception {
        directory = new TestDirectory();
        workers = new TestWorkers();
        provider = new LdapProvider(workers, TestCodec.SERVICE, Path.of("."), new FakeClock(), null);
    }

    @AfterEach
    void stop() {
        provider.deactivate();
        workers.close();
        directory.close();
    }

    private static <T> T get(CompletionStage<T> s) throws Exception {
        return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void unconfiguredItKnowsNobody() throws Exception {
        assertTrue(provider.apply(new TestConfig().build(), true));
        assertEquals(Result.UNKNOWN_USER, get(provider.authenticate("alice", "alice-pw")));
        assertFalse(get(provider.exists("alice")));
        assertEquals(0, workers.submitted.get(), "nothing was asked");
    }

    @Test
    void passwordsAreCheckedByTheDirectory() throws Exception {
        assertTrue(provider.apply(TestConfig.of(directory).set("userFilter", "(&(objectClass=inetOrgPerson)(mail=*))").build(), true));
        assertEquals(Result.ACCEPTED, get(provider.authenticate("alice", "alice-pw")));
        assertEquals(Result.REJECTED, get(provider.authenticate("alice", "bob-pw")));
        assertEquals(Result.UNKNOWN_USER, get(provider.authenticate("carol", "carol-pw")), "outside the filter");
        assertEquals(Result.UNKNOWN_USER, get(provider.authenticate("nobody", "x")));
        assertEquals(Result.UNKNOWN_USER, get(provider.authenticate("*)(uid=*", "alice-pw")));
        assertTrue(get(provider.exists("alice")));
        assertFalse(get(provider.exists("carol")));
        assertFalse(get(provider.exists("*")));
    }

    @Test
    void signInsReuseThePooledConnections() throws Exception {
        assertTrue(provider.apply(TestConfig.of(directory).set("maxConnections", 2).build(), true));
        java.util.List<CompletionStage<Result>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(provider.authenticate(i % 2 == 0 ? "alice" : "bob", i % 2 == 0 ? "alice-pw" : "bob-pw"));
        }
        for (CompletionStage<Result> r : all) {
            assertEquals(Result.ACCEPTED, get(r));
        }
        // Four worker threads shared two connections, each bound back to the service account after a user's bind.
        assertTrue(directory.connects.get() <= 2, directory.connects.get() + " connections for 200 sign-ins");
        assertTrue(get(provider.exists("carol")), "a search (not cached) on connections bound back as the service account");
    }

    @Test
    void aDirectoryThatIsDownFailsTheStageInsteadOfRefusingThePassword() throws Exception {
        assertTrue(provider.apply(TestConfig.of(directory).build(), true));
        directory.stop();
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(provider.authenticate("alice", "alice-pw")));
        assertInstanceOf(DirectoryUnavailableException.class, e.getCause());
        e = assertThrows(ExecutionException.class, () -> get(provider.exists("alice")));
        assertInstanceOf(DirectoryUnavailableException.class, e.getCause(), "unknown, which callers take as 'exists'");
    }

    @Test
    void anInvalidConfigurationKeepsThePreviousOne() throws Exception {
        assertTrue(provider.apply(TestConfig.of(directory).build(), true));
        UserLookup before = provider.directory();
        assertFalse(provider.apply(TestConfig.of(directory).set("baseDn", "not a dn").set("timeoutMillis", 0).build(), false));
        assertSame(before, provider.directory());
        assertEquals(Result.ACCEPTED, get(provider.authenticate("alice", "alice-pw")));
    }

    @Test
    void aConfigurationNoServerOfWhichCanBeReachedKeepsThePreviousOne() throws Exception {
        assertTrue(provider.apply(TestConfig.of(directory).build(), true));
        UserLookup before = provider.directory();
        int closed = TestDirectory.freePort();
        assertFalse(provider.apply(TestConfig.of(directory).set("urls", new String[] {"ldap://127.0.0.1:" + closed}).build(), false));
        assertFalse(provider.apply(TestConfig.of(directory).set("bindPassword", "typo").build(), false),
                "a wrong service password is found out too");
        assertSame(before, provider.directory());
        assertEquals(Result.ACCEPTED, get(provider.authenticate("alice", "alice-pw")));
    }

    @Test
    void aValidChangeTakesEffectAndEmptyUrlsSwitchTheDirectoryOff() throws Exception {
        assertTrue(provider.apply(TestConfig.of(directory).build(), true));
        assertEquals(Result.ACCEPTED, get(provider.authenticate("carol", "carol-pw")));
        assertTrue(provider.apply(TestConfig.of(directory).set("userFilter", "(&(objectClass=inetOrgPerson)(mail=*))").build(), false));
        assertEquals(Result.UNKNOWN_USER, get(provider.authenticate("carol", "carol-pw")), "the new filter applies at once");
        assertTrue(provider.apply(new TestConfig().build(), false));
        assertEquals(Result.UNKNOWN_USER, get(provider.authenticate("alice", "alice-pw")));
    }

    @Test
    void aRefusedPasswordMakesTheNextAttemptSearchAgain() throws Exception {
        assertTrue(provider.apply(TestConfig.of(directory).build(), true));
        assertEquals(Result.ACCEPTED, get(provider.authenticate("bob", "bob-pw")));
        // The entry moves: the remembered DN is stale.
        directory.server.modifyDN("uid=bob,ou=people," + TestDirectory.BASE, "uid=bob", true, "ou=services," + TestDirectory.BASE);
        assertEquals(Result.REJECTED, get(provider.authenticate("bob", "bob-pw")));
        assertEquals(Result.ACCEPTED, get(provider.authenticate("bob", "bob-pw")), "found at its new place");
    }
}
