package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The password file end to end: users whose hashes were made by other tools (OpenSSL's
 * {@code passwd} for SHA-512-crypt, SHA-256-crypt and APR1; bcrypt) sign in with PLAIN over TLS;
 * the file is read again when it changes, and a malformed line is named in the log and skipped
 * while its user keeps the entry read before.
 */
class PasswordFileSignInTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    static final String CFG = "org.parley.passwordfile.cfg";
    /** openssl passwd -6 / -5 -salt saltsalt 'secret pw', openssl passwd -apr1 -salt abcdefgh 'secret pw' */
    static final String SHA512 = "$6$saltsalt$zM85MwF7wzNFxhHekCkSASe1NaC/xUx1S2eoXlbcx1w6LkHRO4n1DK7q.d/HKoYFUjJ10GWDs5jLq2A53OAzU1";
    static final String SHA256 = "$5$saltsalt$vCVzagwpKquSflhQxH0D10Fgy2Km11eLAozR93EkXT6";
    static final String APR1 = "$apr1$abcdefgh$hI0fYJTl3mI2IQqENIv8//";
    static final Path FILE;

    static {
        try {
            FILE = Files.createTempDirectory("passwords").resolve("passwords");
            write(FILE, "# replicated\nshaw:" + SHA512 + "\nsharon:" + SHA256 + "\napril:" + APR1 + "\nbea:" + bcrypt("bea pw") + "\n");
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @RegisterExtension
    static final ParleyServer server = passwordFileServer(ParleyServer.builder(), FILE).build();

    static ParleyServer.Builder passwordFileServer(ParleyServer.Builder b, Path file) {
        return b.set("parley.properties", "features", "core, im, passwordfile")
                .set(CFG, "file", file.toString())
                .set(CFG, "pollSeconds", 1)
                .set("org.parley.auth.cfg", "failureThreshold", 1000);
    }

    @BeforeAll
    static void fileRead() throws Exception {
        server.awaitLog(0, "Password file " + FILE + ": ", Duration.ofSeconds(60));
    }

    static String bcrypt(String password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return OpenBSDBCrypt.generate("2b", password.getBytes(StandardCharsets.UTF_8), salt, 10);
    }

    /** Replaces the file whole, as the configuration file tells operators to. */
    static void write(Path file, String content) throws Exception {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static XMPPTCPConnectionConfiguration plain(ParleyServer server, String user, String password, String resource) {
        return server.smackConfig(new Account(user, password, ParleyServer.DOMAIN), resource).addEnabledSaslMechanism("PLAIN").build();
    }

    private static String failure(String user, String password) {
        XMPPTCPConnection c = server.newConnection(plain(server, user, password, "x"));
        SASLErrorException e = assertThrows(SASLErrorException.class, () -> {
            c.connect();
            c.login();
        }, user + " must not sign in");
        c.disconnect();
        return e.getSASLFailure().getSASLErrorString();
    }

    @Test
    void usersOfEachHashFormatSignInWithTheirPassword() throws Exception {
        for (String user : new String[] {"shaw", "sharon", "april"}) {
            XMPPTCPConnection c = server.login(plain(server, user, "secret pw", "r"));
            assertEquals(user + "@localhost/r", c.getUser().toString());
            Xmpp.pingServer(c);
            c.disconnect();
        }
        assertTrue(server.login(plain(server, "bea", "bea pw", "r")).isAuthenticated(), "bcrypt");
    }

    @Test
    void aWrongPasswordAndAnUnknownUserAreNotAuthorized() {
        assertEquals("not-authorized", failure("shaw", "secret pW"));
        assertEquals("not-authorized", failure("bea", "secret pw"));
        assertEquals("not-authorized", failure("nobody", "secret pw"));
    }

    @Test
    void aFileUserWhoIsOfflineExistsForMessages() throws Exception {
        XMPPTCPConnection sender = server.login(server.newAccount("pfsender"));
        Xmpp.pingServer(sender);
        sender.sendStanza(Xmpp.chat(sender, org.jxmpp.jid.impl.JidCreate.entityBareFrom("april@localhost"), "kept for april"));
        Xmpp.pingServer(sender);
        XMPPTCPConnection april = server.newConnection(plain(server, "april", "secret pw", "later"));
        Inbox inbox = Inbox.of(april);
        april.connect();
        april.login();
        Message m = inbox.next(WAIT, "the message sent while april was offline");
        assertEquals("kept for april", m.getBody(), "the message waited offline: the file says april exists");
    }

    @Test
    void aChangedFileIsReadAgainAndAMalformedLineIsNamedAndSkippedWhileTheOldEntryStays() throws Exception {
        String original = Files.readString(FILE);
        try {
            long at = server.logSize();
            write(FILE, original + "newton:" + bcrypt("newton pw") + "\n");
            server.awaitLog(at, ": 5 users", WAIT);
            assertTrue(server.login(plain(server, "newton", "newton pw", "r")).isAuthenticated(), "a new line signs in");

            at = server.logSize();
            // shaw's line is broken while being edited; frank's is no user:hash at all.
            write(FILE, original.replace("shaw:" + SHA512, "shaw:" + SHA512.substring(0, 30)) + "frank " + SHA256 + "\n");
            server.awaitLog(at, "lines skipped", WAIT);
            String log = server.logSince(at);
            assertTrue(log.contains("line 2 skipped: user 'shaw'") && log.contains("previous entry stays"), log);
            assertTrue(log.contains("line 6 skipped: no ':'"), log);
            assertTrue(!log.contains(SHA512.substring(12, 40)), "no hash in the log");
            assertTrue(server.login(plain(server, "shaw", "secret pw", "still")).isAuthenticated(), "shaw keeps the old entry");
            assertEquals("not-authorized", failure("newton", "newton pw"), "a user no longer in the file is gone");
        } finally {
            write(FILE, original);
        }
    }

    @Test
    void switchedOffLiveItsUsersNoLongerSignInAndItIsNotListedWhileSignedInSessionsStay() throws Exception {
        Path cfg = server.base().resolve("etc/" + CFG);
        XMPPTCPConnection before = server.login(plain(server, "sharon", "secret pw", "before"));
        try {
            long at = server.logSize();
            ParleyServer.writeProperties(cfg, java.util.Map.of("enabled", "false"));
            server.awaitLog(at, "Password file provider: off (org.parley.passwordfile key 'enabled')", WAIT);
            ParleyServer.CliResult status = server.cli("status");
            assertTrue(status.stdout().contains("password providers, asked in order: StoredPasswordAuthenticator (org.parley.auth)\n"),
                    status.stdout());
            assertEquals("not-authorized", failure("sharon", "secret pw"));
            Xmpp.pingServer(before);
            assertTrue(before.isAuthenticated(), "a session signed in before stays");
        } finally {
            long at = server.logSize();
            ParleyServer.writeProperties(cfg, java.util.Map.of("enabled", "true"));
            server.awaitLog(at, "Password file provider: on", WAIT);
            server.awaitLog(at, "Password file " + FILE + ": ", WAIT);
        }
        assertTrue(server.login(plain(server, "sharon", "secret pw", "after")).isAuthenticated(), "on again, sharon signs in");
        Xmpp.pingServer(before);
    }

    @Test
    void aFileUserCannotChangeOrCancelTheirAccountInBand() throws Exception {
        XMPPTCPConnection april = server.login(plain(server, "april", "secret pw", "ibr"));
        org.jivesoftware.smackx.iqregister.AccountManager accounts = org.jivesoftware.smackx.iqregister.AccountManager.getInstance(april);
        org.jivesoftware.smack.XMPPException.XMPPErrorException e = assertThrows(
                org.jivesoftware.smack.XMPPException.XMPPErrorException.class, () -> accounts.changePassword("mine now"));
        assertEquals(org.jivesoftware.smack.packet.StanzaError.Condition.not_allowed, e.getStanzaError().getCondition());
        assertTrue(e.getStanzaError().getDescriptiveText().contains("change your password there"), e.toString());
        e = assertThrows(org.jivesoftware.smack.XMPPException.XMPPErrorException.class, accounts::deleteAccount);
        assertEquals(org.jivesoftware.smack.packet.StanzaError.Condition.not_allowed, e.getStanzaError().getCondition());
        assertEquals("not-authorized", failure("april", "mine now"));
        assertTrue(server.login(plain(server, "april", "secret pw", "still")).isAuthenticated());
    }

    @Test
    void statusListsTheInternalStoreBeforeThePasswordFile() throws Exception {
        ParleyServer.CliResult status = server.cli("status");
        assertEquals(0, status.exitCode(), status::toString);
        assertTrue(status.stdout().contains("password providers, asked in order: StoredPasswordAuthenticator (org.parley.auth), "
                + "PasswordFileProvider (org.parley.passwordfile)\n"), status.stdout());
    }

    @Test
    void aServiceRankingInTheCfgFileReordersTheChainLiveAndTheFirstProviderAskedDecides() throws Exception {
        // One name, held both by the internal store and by the file, with a different password in each.
        Account local = server.newAccount("both");
        String original = Files.readString(FILE);
        Path cfg = server.base().resolve("etc/" + CFG);
        String storeFirst = "password providers, asked in order: StoredPasswordAuthenticator (org.parley.auth), "
                + "PasswordFileProvider (org.parley.passwordfile)\n";
        String fileFirst = "password providers, asked in order: PasswordFileProvider (org.parley.passwordfile), "
                + "StoredPasswordAuthenticator (org.parley.auth)\n";
        try {
            long at = server.logSize();
            write(FILE, original + local.local() + ":" + bcrypt("file pw") + "\n");
            server.awaitLog(at, ": 5 users", WAIT);
            // Default order: the store knows the name, so its password decides and the file is not asked.
            assertTrue(server.login(plain(server, local.local(), local.password(), "r")).isAuthenticated());
            assertEquals("not-authorized", failure(local.local(), "file pw"), "the store rejected: final");

            ParleyServer.writeProperties(cfg, java.util.Map.of("service.ranking", "0"));
            awaitStatus(fileFirst);
            assertTrue(server.login(plain(server, local.local(), "file pw", "r")).isAuthenticated(), "the file is asked first now");
            assertEquals("not-authorized", failure(local.local(), local.password()), "the file rejected: the store is not asked");
            assertTrue(server.login(plain(server, "shaw", "secret pw", "r")).isAuthenticated(), "file users as before");
            Account other = server.newAccount("localonly");
            assertTrue(server.login(plain(server, other.local(), other.password(), "r")).isAuthenticated(),
                    "unknown to the file: the store is asked next");
        } finally {
            // FileInstall hands this over as the text "-1500": read as 0 (as the framework alone would),
            // the file would stay first, and the wait for the store-first order below would fail.
            ParleyServer.writeProperties(cfg, java.util.Map.of("service.ranking", "-1500"));
            long at = server.logSize();
            write(FILE, original);
            server.awaitLog(at, ": 4 users", WAIT);
        }
        awaitStatus(storeFirst);
        assertTrue(server.login(plain(server, local.local(), local.password(), "back")).isAuthenticated(), "the store first again");
    }

    @Test
    void localPasswordsSwitchedOffLiveOnlyTheProvidersSignInWhileTheAccountsAndSignedInSessionsStay() throws Exception {
        Account local = server.newAccount("localpw");
        Path cfg = server.base().resolve("etc/org.parley.auth.cfg");
        XMPPTCPConnection scramBefore = server.login(server.smackConfig(local, "scram").addEnabledSaslMechanism("SCRAM-SHA-1").build());
        XMPPTCPConnection plainBefore = server.login(plain(server, local.local(), local.password(), "plain"));
        try {
            long at = server.logSize();
            ParleyServer.writeProperties(cfg, java.util.Map.of("localPasswords", "false"));
            server.awaitLog(at, "Local passwords: off (org.parley.auth key 'localPasswords')", WAIT);
            awaitStatus("password providers, asked in order: PasswordFileProvider (org.parley.passwordfile)\n");
            String status = server.cli("status").stdout();
            assertTrue(!status.contains("SCRAM") && status.contains("PLAIN ("), status);
            assertTrue(!server.logSince(at).contains("no other password provider"), "the file is there: no warning");
            // The session core offers a departed mechanism for its grace period (5 s), as during an upgrade.
            long deadline = System.nanoTime() + WAIT.toNanos();
            String features = offeredAfterTls();
            while (features.contains(">SCRAM-") && System.nanoTime() < deadline) {
                Thread.sleep(250);
                features = offeredAfterTls();
            }
            assertTrue(!features.contains(">SCRAM-") && features.contains(">PLAIN<"), features);

            assertEquals("not-authorized", failure(local.local(), local.password()), "the store is not asked");
            assertTrue(server.login(plain(server, "april", "secret pw", "off")).isAuthenticated(), "a file user signs in");
            Xmpp.pingServer(scramBefore);
            Xmpp.pingServer(plainBefore);
            assertTrue(scramBefore.isAuthenticated() && plainBefore.isAuthenticated(), "sessions signed in before stay");
            // The accounts are kept and still managed.
            ParleyServer.CliResult list = server.cli("user", "list");
            assertTrue(list.stdout().contains(local.local()), list::toString);
            assertTrue(server.newAccount("whileoff") != null);
        } finally {
            long at = server.logSize();
            ParleyServer.writeProperties(cfg, java.util.Map.of("localPasswords", "true"));
            server.awaitLog(at, "Local passwords: on", WAIT);
        }
        awaitStatus("password providers, asked in order: StoredPasswordAuthenticator (org.parley.auth), "
                + "PasswordFileProvider (org.parley.passwordfile)\n");
        assertTrue(offeredAfterTls().contains(">SCRAM-SHA-1<"));
        assertTrue(server.login(server.smackConfig(local, "scram2").addEnabledSaslMechanism("SCRAM-SHA-1").build()).isAuthenticated(),
                "on again: SCRAM");
        assertTrue(server.login(plain(server, local.local(), local.password(), "plain2")).isAuthenticated(), "on again: PLAIN");
        Xmpp.pingServer(scramBefore);
    }

    /** The mechanisms a new stream is offered after TLS. */
    private static String offeredAfterTls() throws Exception {
        try (RawXmppClient raw = server.raw()) {
            raw.openStream();
            raw.startTls(server.sslContext());
            return raw.openStream();
        }
    }

    /** The order is applied by Config Admin and DS on their own threads: wait for status to show it. */
    private static void awaitStatus(String line) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = server.cli("status").stdout();
            if (last.contains(line)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("status never showed " + line + "last:\n" + last);
    }
}
