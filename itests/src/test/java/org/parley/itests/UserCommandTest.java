package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code bin/parley user ...} against a running server (through its control socket). */
class UserCommandTest {
    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    @Test
    void addedUserCanLogIn() throws Exception {
        Account a = new Account(ParleyServer.uniqueLocal("added"), ParleyServer.randomPassword(), ParleyServer.DOMAIN);

        ParleyServer.CliResult r = server.cli("user", "add", a.jid(), a.password());

        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(server.login(a).isAuthenticated());
    }

    @Test
    void addingAnExistingUserExits1WithOneLine() throws Exception {
        Account a = server.newAccount("twice");

        ParleyServer.CliResult r = server.cli("user", "add", a.jid(), "another-password");

        assertEquals(1, r.exitCode(), r::toString);
        assertOneLine(r.stderr(), r);
        assertTrue(server.login(a).isAuthenticated(), "the first password still works");
    }

    @Test
    void addingABadJidExits1WithOneLine() throws Exception {
        ParleyServer.CliResult r = server.cli("user", "add", "not a jid@@localhost", "secret");

        assertEquals(1, r.exitCode(), r::toString);
        assertOneLine(r.stderr(), r);
    }

    @Test
    void wrongNumberOfArgumentsIsAUsageErrorExiting2() throws Exception {
        ParleyServer.CliResult r = server.cli("user", "add", "only-a-jid@localhost");

        assertEquals(2, r.exitCode(), r::toString);
    }

    @Test
    void passwdChangesThePassword() throws Exception {
        Account a = server.newAccount("passwd");
        Account changed = a.withPassword(ParleyServer.randomPassword());

        ParleyServer.CliResult r = server.cli("user", "passwd", a.jid(), changed.password());

        assertEquals(0, r.exitCode(), r::toString);
        assertLoginRefused(a);
        assertTrue(server.login(changed).isAuthenticated());
    }

    @Test
    void deleteRemovesTheAccount() throws Exception {
        Account a = server.newAccount("deleted");

        ParleyServer.CliResult r = server.cli("user", "delete", a.jid());

        assertEquals(0, r.exitCode(), r::toString);
        assertLoginRefused(a);
        assertFalse(listed().contains(a.jid()), "still listed after delete");
    }

    @Test
    void listShowsTheAccountAndCountCountsIt() throws Exception {
        int before = count();
        Account a = server.newAccount("listed");

        assertTrue(listed().contains(a.jid()), () -> "user list lacks " + a.jid());
        assertEquals(before + 1, count());
    }

    @Test
    void importCreatesEveryAccountInTheFile() throws Exception {
        List<Account> imported = server.newAccounts("imported", 3);

        for (Account a : imported) {
            assertTrue(server.login(a).isAuthenticated(), a.jid());
        }
    }

    @Test
    void hashedImportLogsInWithThePasswordOverPlainAndScramSha1() throws Exception {
        Account both = new Account(ParleyServer.uniqueLocal("hashed"), ParleyServer.randomPassword(), ParleyServer.DOMAIN);
        Account sha1Only = new Account(ParleyServer.uniqueLocal("hashed-sha1"), ParleyServer.randomPassword(),
                ParleyServer.DOMAIN);

        ParleyServer.CliResult r = server.importHashed(List.of(
                ParleyServer.hashedLine(both, 4096, "SCRAM-SHA-1", "SCRAM-SHA-256"),
                // More iterations than the server's own: the import keeps the given count.
                ParleyServer.hashedLine(sha1Only, 10_000, "SCRAM-SHA-1")));

        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stdout().startsWith("imported 2 accounts"), r::toString);
        for (Account a : List.of(both, sha1Only)) {
            for (String mechanism : List.of("PLAIN", "SCRAM-SHA-1")) {
                XMPPTCPConnection c = server.login(server.smackConfig(a, "m").addEnabledSaslMechanism(mechanism).build());
                assertTrue(c.isAuthenticated(), a.jid() + " " + mechanism);
                assertEquals(mechanism, c.getUsedSaslMechansism());
                c.disconnect();
            }
        }
        assertTrue(scramSha256(both).success(), "both credentials were imported");
        RawXmppClient.SaslOutcome noSha256 = scramSha256(sha1Only);
        assertFalse(noSha256.success(), "no SCRAM-SHA-256 credential for an account imported with SHA-1 only");
        assertTrue(noSha256.element().contains("<not-authorized"), noSha256.element());
    }

    @Test
    void hashedImportWithABadLineExits1NamingItAndWritesNothing() throws Exception {
        Account good = new Account(ParleyServer.uniqueLocal("hashed-good"), ParleyServer.randomPassword(),
                ParleyServer.DOMAIN);
        Account weak = new Account(ParleyServer.uniqueLocal("hashed-weak"), ParleyServer.randomPassword(),
                ParleyServer.DOMAIN);

        ParleyServer.CliResult r = server.importHashed(List.of(
                ParleyServer.hashedLine(good, 4096, "SCRAM-SHA-1", "SCRAM-SHA-256"),
                ParleyServer.hashedLine(weak, 1000, "SCRAM-SHA-256")));

        assertEquals(1, r.exitCode(), r::toString);
        assertOneLine(r.stderr(), r);
        assertEquals("line 2: SCRAM-SHA-256: the iteration count 1000 is below the minimum of 4096 (RFC 7677)",
                r.stderr().strip());
        assertFalse(listed().contains(good.jid()), "the good line before the bad one was not written either");
    }

    private static RawXmppClient.SaslOutcome scramSha256(Account a) throws Exception {
        try (RawXmppClient raw = server.raw()) {
            raw.openStream();
            raw.startTls(server.sslContext());
            raw.openStream();
            return raw.authScram("SCRAM-SHA-256", a.local(), a.password());
        }
    }

    @Test
    void statusSaysRunningWithExit0() throws Exception {
        ParleyServer.CliResult r = server.cli("status");

        assertEquals(0, r.exitCode(), r::toString);
        assertFalse(r.stdout().isBlank(), r::toString);
    }

    private static List<String> listed() throws Exception {
        ParleyServer.CliResult r = server.cli("user", "list");
        assertEquals(0, r.exitCode(), r::toString);
        return r.stdout().lines().map(String::strip).toList();
    }

    private static int count() throws Exception {
        ParleyServer.CliResult r = server.cli("user", "count");
        assertEquals(0, r.exitCode(), r::toString);
        return Integer.parseInt(r.stdout().strip());
    }

    static void assertOneLine(String text, ParleyServer.CliResult r) {
        assertFalse(text.isBlank(), () -> "no message: " + r);
        assertEquals(1, text.strip().lines().count(), () -> "not one line: " + r);
    }

    private static void assertLoginRefused(Account a) throws Exception {
        XMPPTCPConnection c = server.newConnection(server.smackConfig(a, "refused").build());
        c.connect();
        SASLErrorException e = assertThrows(SASLErrorException.class, c::login);
        assertEquals("not-authorized", e.getSASLFailure().getSASLErrorString());
        assertNotEquals(true, c.isAuthenticated());
        c.disconnect();
    }
}
