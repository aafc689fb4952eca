package org.parley.ldap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The LDAP operations against a real directory server over TCP. */
class DirectoryClientTest {
    private TestDirectory directory;
    private DirectoryClient client;

    @BeforeEach
    void start() throws Exception {
        directory = new TestDirectory();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        directory.close();
    }

    private static LdapSettings settings(TestConfig c) {
        LdapSettings.Parsed p = LdapSettings.parse(c.build(), Path.of("."));
        assertTrue(p.valid(), p.problems().toString());
        return p.settings();
    }

    @Test
    void aUserIsFoundByUsernameAndSignsInWithTheDirectoryPassword() throws Exception {
        client = new DirectoryClient(settings(TestConfig.of(directory)), TestCodec.SERVICE);
        DirectoryClient.User alice = assertInstanceOf(DirectoryClient.User.class, client.find("alice"));
        assertEquals("uid=alice,ou=people," + TestDirectory.BASE, alice.dn());
        assertTrue(client.bind(alice.dn(), "alice-pw"));
        assertFalse(client.bind(alice.dn(), "wrong"), "a wrong password is refused");
        assertFalse(client.bind(alice.dn(), ""), "an empty password would be an unauthenticated bind that succeeds");
        // The connection went back to the pool bound as the service account again: searching still works.
        assertInstanceOf(DirectoryClient.User.class, client.find("bob"));
    }

    @Test
    void anInjectedUsernameMatchesNoOne() throws Exception {
        client = new DirectoryClient(settings(TestConfig.of(directory)), TestCodec.SERVICE);
        assertInstanceOf(DirectoryClient.Nobody.class, client.find("*)(uid=*"));
        assertInstanceOf(DirectoryClient.Nobody.class, client.find("*"));
        assertInstanceOf(DirectoryClient.Nobody.class, client.find("alice)(|(uid=*"));
        assertInstanceOf(DirectoryClient.Nobody.class, client.find("ali*"));
        assertInstanceOf(DirectoryClient.Nobody.class, client.find("alice\\"));
        assertInstanceOf(DirectoryClient.User.class, client.find("alice"), "the plain name still matches");
    }

    @Test
    void theFilterDecidesWhoIsAnAccount() throws Exception {
        client = new DirectoryClient(settings(TestConfig.of(directory).set("userFilter", "(&(objectClass=inetOrgPerson)(mail=*))")), TestCodec.SERVICE);
        assertInstanceOf(DirectoryClient.User.class, client.find("alice"));
        assertInstanceOf(DirectoryClient.Nobody.class, client.find("carol"), "carol has no mail");
        assertInstanceOf(DirectoryClient.Nobody.class, client.find("nobody"));
    }

    @Test
    void twoEntriesForOneNameAreAmbiguous() throws Exception {
        directory.server.add("dn: ou=others," + TestDirectory.BASE, "objectClass: organizationalUnit", "ou: others");
        directory.server.add("dn: uid=alice,ou=others," + TestDirectory.BASE, "objectClass: inetOrgPerson", "uid: alice",
                "cn: other alice", "sn: a");
        client = new DirectoryClient(settings(TestConfig.of(directory)), TestCodec.SERVICE);
        assertInstanceOf(DirectoryClient.Ambiguous.class, client.find("alice"));
    }

    @Test
    void aWrongServiceBindMakesTheDirectoryUnavailableNotTheUserUnknown() {
        client = new DirectoryClient(settings(TestConfig.of(directory).set("bindPassword", "not-the-service-password")), TestCodec.SERVICE);
        assertThrows(DirectoryUnavailableException.class, () -> client.find("alice"));
    }

    @Test
    void theSecondServerAnswersWhenTheFirstIsDownAndTheFirstIsTriedAgainAfterRetrySeconds() throws Exception {
        int port = TestDirectory.freePort();
        try (TestDirectory first = new TestDirectory(port)) {
            FakeClock clock = new FakeClock();
            client = new DirectoryClient(settings(TestConfig.of(directory)
                    .set("urls", new String[] {first.url(), directory.url()}).set("retrySeconds", 10)), TestCodec.SERVICE, clock);
            assertInstanceOf(DirectoryClient.User.class, client.find("alice"));
            first.stop();
            // Failover: the first server is down, the second answers.
            DirectoryClient.User alice = assertInstanceOf(DirectoryClient.User.class, client.find("alice"));
            assertTrue(client.bind(alice.dn(), "alice-pw"));
            first.restart();
            directory.stop();
            // Within retrySeconds the first is still passed over, and the second is down: unavailable.
            assertThrows(DirectoryUnavailableException.class, () -> client.find("alice"));
            clock.advance(Duration.ofSeconds(11));
            // After it, the first is tried again and answers.
            assertInstanceOf(DirectoryClient.User.class, client.find("alice"));
        }
    }

    @Test
    void aDirectoryThatAnswersSlowlyTimesOutAndTheNextServerAnswers() throws Exception {
        try (TestDirectory slow = new TestDirectory()) {
            client = new DirectoryClient(settings(TestConfig.of(directory).set("timeoutMillis", 500)
                    .set("urls", new String[] {slow.url(), directory.url()})), TestCodec.SERVICE);
            assertInstanceOf(DirectoryClient.User.class, client.find("alice"), "the pool is open on both");
            slow.delayMillis = 5000;
            long start = System.nanoTime();
            DirectoryClient.User alice = assertInstanceOf(DirectoryClient.User.class, client.find("alice"));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMs < 3000, "the slow server was given up after the timeout, not waited for: " + tookMs + " ms");
            assertTrue(client.bind(alice.dn(), "alice-pw"), "and the second server, now asked first, checks the password");
        }
    }

    @Test
    void aSlowOnlyServerIsUnavailableAfterTheTimeoutNotAHang() throws Exception {
        client = new DirectoryClient(settings(TestConfig.of(directory).set("timeoutMillis", 500)), TestCodec.SERVICE);
        assertInstanceOf(DirectoryClient.User.class, client.find("bob"));
        directory.delayMillis = 5000;
        long start = System.nanoTime();
        assertThrows(DirectoryUnavailableException.class, () -> client.find("alice"));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs < 3000, tookMs + " ms");
        directory.delayMillis = 0;
    }

    @Test
    void noServerAnsweringIsUnavailableAndNamesEveryServer() throws Exception {
        int closed = TestDirectory.freePort();
        client = new DirectoryClient(settings(TestConfig.of(directory)
                .set("urls", new String[] {"ldap://127.0.0.1:" + closed, directory.url()})), TestCodec.SERVICE);
        directory.stop();
        DirectoryUnavailableException e = assertThrows(DirectoryUnavailableException.class, () -> client.find("alice"));
        assertTrue(e.getMessage().contains(":" + closed) && e.getMessage().contains(":" + directory.port()), e.getMessage());
        assertEquals(2, client.unreachable().size());
    }
}
