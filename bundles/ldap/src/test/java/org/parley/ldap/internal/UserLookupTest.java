package org.parley.ldap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.api.server.TestWorkers;

/** The cache of username lookups: how long answers last, and that failures are not kept. */
class UserLookupTest {
    private TestDirectory directory;
    private TestWorkers workers;
    private DirectoryClient client;
    private final FakeClock clock = new FakeClock();

    @BeforeEach
    void start() throws Exception {
        directory = new TestDirectory();
        workers = new TestWorkers();
    }

    @AfterEach
    void stop() {
        client.close();
        workers.close();
        directory.close();
    }

    private UserLookup lookup(TestConfig c) {
        LdapSettings.Parsed p = LdapSettings.parse(c.build(), Path.of("."));
        assertTrue(p.valid(), p.problems().toString());
        client = new DirectoryClient(p.settings(), TestCodec.SERVICE, clock);
        return new UserLookup(client, workers, clock);
    }

    private static DirectoryClient.Found get(CompletionStage<DirectoryClient.Found> s) throws Exception {
        return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anUnknownNameIsRememberedForNegativeCacheSecondsOnly() throws Exception {
        UserLookup lookup = lookup(TestConfig.of(directory));
        assertInstanceOf(DirectoryClient.Nobody.class, get(lookup.find("dave")));
        directory.addPerson("dave", "dave-pw", "dave@example.org");
        int searches = workers.submitted.get();
        clock.advance(Duration.ofSeconds(29));
        assertInstanceOf(DirectoryClient.Nobody.class, get(lookup.find("dave")), "still remembered after 29 s");
        assertEquals(searches, workers.submitted.get(), "answered from the cache");
        clock.advance(Duration.ofSeconds(1));
        assertInstanceOf(DirectoryClient.User.class, get(lookup.find("dave")), "the new account is found after 30 s");
    }

    @Test
    void theDefaultNegativeTtlIsUnderAMinute() {
        LdapSettings s = LdapSettings.parse(TestConfig.of(directory).build(), Path.of(".")).settings();
        client = new DirectoryClient(s, TestCodec.SERVICE);
        assertTrue(UserLookup.ttl(s, new DirectoryClient.Nobody()).compareTo(Duration.ofMinutes(1)) < 0);
    }

    @Test
    void aFoundUserIsRememberedForCacheSeconds() throws Exception {
        UserLookup lookup = lookup(TestConfig.of(directory).set("cacheSeconds", 120));
        assertInstanceOf(DirectoryClient.User.class, get(lookup.find("bob")));
        directory.server.delete("uid=bob,ou=people," + TestDirectory.BASE);
        clock.advance(Duration.ofSeconds(119));
        assertInstanceOf(DirectoryClient.User.class, get(lookup.find("bob")));
        clock.advance(Duration.ofSeconds(1));
        assertInstanceOf(DirectoryClient.Nobody.class, get(lookup.find("bob")));
    }

    @Test
    void forgettingANameSearchesAgain() throws Exception {
        UserLookup lookup = lookup(TestConfig.of(directory));
        assertInstanceOf(DirectoryClient.Nobody.class, get(lookup.find("erin")));
        directory.addPerson("erin", "erin-pw", null);
        lookup.forget("erin");
        assertInstanceOf(DirectoryClient.User.class, get(lookup.find("erin")));
    }

    @Test
    void aFailedSearchIsNotRemembered() throws Exception {
        UserLookup lookup = lookup(TestConfig.of(directory).set("retrySeconds", 5));
        int port = directory.port();
        directory.stop();
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(lookup.find("alice")));
        assertInstanceOf(DirectoryUnavailableException.class, e.getCause());
        directory.restart();
        assertEquals(port, directory.port());
        clock.advance(Duration.ofSeconds(5));
        assertInstanceOf(DirectoryClient.User.class, get(lookup.find("alice")), "asked again, not a remembered failure");
    }

    @Test
    void concurrentQuestionsForOneNameShareOneSearch() throws Exception {
        UserLookup lookup = lookup(TestConfig.of(directory));
        CompletionStage<DirectoryClient.Found> a = lookup.find("alice");
        CompletionStage<DirectoryClient.Found> b = lookup.find("alice");
        assertInstanceOf(DirectoryClient.User.class, get(a));
        assertInstanceOf(DirectoryClient.User.class, get(b));
        assertEquals(1, workers.submitted.get());
    }
}
