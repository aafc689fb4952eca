package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.MessageTypeFilter;
import org.jivesoftware.smack.filter.StanzaIdFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.vcardtemp.VCardManager;
import org.jivesoftware.smackx.vcardtemp.packet.VCard;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Directory sign-on end to end: the server runs the ldap feature against two real directory
 * servers (UnboundID, one on ldaps, one on ldap with StartTLS, both with certificates of a test CA
 * the server is configured to trust), and Smack clients sign in with PLAIN over verified TLS.
 */
class LdapSignInTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final int RETRY_SECONDS = 2;
    private static final TestDirectory.TestCa CA;
    /** ldaps: asked first. */
    private static final TestDirectory PRIMARY;
    /** ldap with StartTLS: asked when the first is down. */
    private static final TestDirectory SECONDARY;
    private static final Path CA_PEM;
    private static final byte[] PHOTO = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1};

    static {
        try {
            CA = new TestDirectory.TestCa();
            PRIMARY = new TestDirectory(CA, true);
            SECONDARY = new TestDirectory(CA, false);
            CA_PEM = CA.writeCaPem(Files.createTempDirectory("ldap-ca").resolve("ca.pem"));
            for (TestDirectory d : new TestDirectory[] {PRIMARY, SECONDARY}) {
                d.addPerson("alice", "alice directory pw", true);
                d.addPerson("bob", "bob directory pw", true);
                d.addPerson("carol", "carol directory pw", false); // no mail: not an account here
                d.server.modify("uid=alice," + TestDirectory.PEOPLE,
                        new Modification(ModificationType.REPLACE, "cn", "Alice Liddell"),
                        new Modification(ModificationType.ADD, "givenName", "Alice"),
                        new Modification(ModificationType.ADD, "o", "Example University"),
                        new Modification(ModificationType.ADD, "ou", "Mathematics"),
                        new Modification(ModificationType.ADD, "telephoneNumber", "+44 1865 270000"),
                        new Modification(ModificationType.ADD, "jpegPhoto", PHOTO));
            }
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @RegisterExtension
    static final ParleyServer server = ldapServer(ParleyServer.builder(), PRIMARY.url() + ", " + SECONDARY.url(), CA_PEM,
            RETRY_SECONDS).build();

    /** A server with the ldap feature against these directories; shared with the upgrade test. */
    static ParleyServer.Builder ldapServer(ParleyServer.Builder b, String urls, Path caPem, int retrySeconds) {
        return b.set("parley.properties", "features", "core, im, ldap")
                .set("org.parley.ldap.cfg", "urls", urls)
                .set("org.parley.ldap.cfg", "caCertificate", caPem.toString())
                .set("org.parley.ldap.cfg", "bindDn", TestDirectory.SERVICE_DN)
                .set("org.parley.ldap.cfg", "bindPassword", TestDirectory.SERVICE_PASSWORD)
                .set("org.parley.ldap.cfg", "baseDn", TestDirectory.PEOPLE)
                .set("org.parley.ldap.cfg", "userFilter", TestDirectory.FILTER)
                .set("org.parley.ldap.cfg", "retrySeconds", retrySeconds)
                .set("org.parley.ldap.cfg", "timeoutMillis", 3000)
                .set("org.parley.ldap.cfg", "connectTimeoutMillis", 3000)
                // The tests fail sign-ins on purpose; the failure slow-down would only make them slower.
                .set("org.parley.auth.cfg", "failureThreshold", 1000);
    }

    /** PLAIN only: a directory user has no SCRAM credentials here, and Smack would pick SCRAM first. */
    static XMPPTCPConnectionConfiguration plain(ParleyServer server, String user, String password, String resource) {
        return server.smackConfig(new Account(user, password, ParleyServer.DOMAIN), resource)
                .addEnabledSaslMechanism("PLAIN").build();
    }

    /**
     * The server says it listens once the transport is up (start level 7); the ldap bundle comes at
     * level 8, a moment later. Until then a directory user is unknown (see issue-12 notes).
     */
    @BeforeAll
    static void directoryInUse() throws Exception {
        server.awaitLog(0, "LDAP directory: servers", Duration.ofSeconds(60));
    }

    @AfterEach
    void directoriesUp() throws Exception {
        for (TestDirectory d : new TestDirectory[] {PRIMARY, SECONDARY}) {
            if (!d.listening()) {
                d.restart();
            }
        }
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
    void switchedOffLiveTheDirectoryIsNotAskedNorListedAndSignedInSessionsStay() throws Exception {
        java.nio.file.Path cfg = server.base().resolve("etc/org.parley.ldap.cfg");
        XMPPTCPConnection alice = server.login(plain(server, "alice", "alice directory pw", "before-off"));
        try {
            long at = server.logSize();
            ParleyServer.writeProperties(cfg, java.util.Map.of("enabled", "false"));
            server.awaitLog(at, "LDAP directory provider: off (org.parley.ldap key 'enabled')", WAIT);
            ParleyServer.CliResult status = server.cli("status");
            assertFalse(status.stdout().contains("LdapProvider ("), status.stdout());
            assertTrue(status.stdout().contains("password providers, asked in order: StoredPasswordAuthenticator (org.parley.auth)\n"),
                    status.stdout());
            assertEquals("not-authorized", failure("alice", "alice directory pw"));
            Xmpp.pingServer(alice);
            assertTrue(alice.isAuthenticated(), "a directory user's session stays");
        } finally {
            long at = server.logSize();
            ParleyServer.writeProperties(cfg, java.util.Map.of("enabled", "true"));
            server.awaitLog(at, "LDAP directory: servers", WAIT);
        }
        assertTrue(server.login(plain(server, "alice", "alice directory pw", "after-on")).isAuthenticated(), "on again, live");
        Xmpp.pingServer(alice);
    }

    @Test
    void aDirectoryUserChangesTheirPasswordInTheDirectoryNotInBand() throws Exception {
        XMPPTCPConnection bob = server.login(plain(server, "bob", "bob directory pw", "ibr"));
        org.jivesoftware.smack.XMPPException.XMPPErrorException e = assertThrows(
                org.jivesoftware.smack.XMPPException.XMPPErrorException.class,
                () -> org.jivesoftware.smackx.iqregister.AccountManager.getInstance(bob).changePassword("bob new pw"));
        assertEquals(org.jivesoftware.smack.packet.StanzaError.Condition.not_allowed, e.getStanzaError().getCondition());
        assertTrue(e.getStanzaError().getDescriptiveText().contains("directory"), e.toString());
        assertEquals("not-authorized", failure("bob", "bob new pw"));
        assertTrue(server.login(plain(server, "bob", "bob directory pw", "still")).isAuthenticated());
    }

    @Test
    void aDirectoryUserSignsInWithTheDirectoryPasswordAndNoLocalAccount() throws Exception {
        XMPPTCPConnection alice = server.login(plain(server, "alice", "alice directory pw", "desk"));
        assertTrue(alice.isSecureConnection());
        assertEquals("alice@localhost/desk", alice.getUser().toString());
        Xmpp.pingServer(alice);
        assertFalse(server.cli("user", "list").stdout().contains("alice@"), "no local account was made");
    }

    @Test
    void aDirectoryAccountDisabledHereIsRefusedWithTheRightDirectoryPasswordUntilEnabled() throws Exception {
        XMPPTCPConnection bob = server.login(plain(server, "bob", "bob directory pw", "desk"));
        ParleyServer.CliResult r = server.cli("user", "disable", "bob");
        assertEquals(0, r.exitCode(), r.toString());
        RosterTest.await("bob's session ends", () -> !bob.isConnected());
        try {
            assertEquals("account-disabled", failure("bob", "bob directory pw"));
            assertEquals("not-authorized", failure("bob", "a wrong password"), "only the password's owner learns it is disabled");
            assertFalse(server.cli("user", "list").stdout().contains("bob@"), "still no local account");
            assertTrue(server.cli("user", "disabled").stdout().contains("bob@localhost"));
        } finally {
            assertEquals(0, server.cli("user", "enable", "bob").exitCode());
        }
        Xmpp.pingServer(server.login(plain(server, "bob", "bob directory pw", "again")));
        assertEquals(1, server.cli("user", "disable", "carol").exitCode(), "outside the filter: not an account here");
    }

    @Test
    void aWrongPasswordAnAccountOutsideTheFilterAndAnInjectedNameAreNotAuthorized() {
        assertEquals("not-authorized", failure("alice", "bob directory pw"));
        assertEquals("not-authorized", failure("carol", "carol directory pw"), "carol has no mail: outside the filter");
        assertEquals("not-authorized", failure("nobody", "whatever"));
        // RFC 4515 escaping: the name is a literal, not a wildcard that would select alice.
        assertEquals("not-authorized", failure("*)(uid=*", "alice directory pw"));
        assertEquals("not-authorized", failure("*", "alice directory pw"));
    }

    @Test
    void aDirectoryUserWhoNeverSignedInExistsForMessagesAndSubscriptionsAndAStrangerDoesNot() throws Exception {
        // frank is new in the directory and has never signed in: it says he exists, so the message waits for him.
        PRIMARY.addPerson("frank", "frank directory pw", true);
        SECONDARY.addPerson("frank", "frank directory pw", true);
        XMPPTCPConnection alice = server.login(plain(server, "alice", "alice directory pw", "m"));
        alice.sendStanza(Xmpp.chat(alice, JidCreate.entityBareFrom("frank@localhost"), "for frank, kept offline"));
        Xmpp.pingServer(alice);
        XMPPTCPConnection frank = server.newConnection(plain(server, "frank", "frank directory pw", "m"));
        Inbox inbox = Inbox.of(frank);
        frank.connect();
        frank.login();
        frank.sendStanza(Xmpp.available(frank, 0));
        assertEquals("for frank, kept offline", inbox.next(WAIT, "the offline message").getBody());

        // carol is in the directory but outside the filter: no account here.
        Message toCarol = Xmpp.chat(alice, JidCreate.entityBareFrom("carol@localhost"), "nobody keeps this");
        StanzaCollector errors = alice.createStanzaCollector(new AndFilter(MessageTypeFilter.ERROR, new StanzaIdFilter(toCarol)));
        alice.sendStanza(toCarol);
        Message error = errors.nextResult(WAIT.toMillis());
        errors.cancel();
        assertEquals(StanzaError.Condition.service_unavailable, error.getError().getCondition());

        // A subscription request to her is answered 'unsubscribed' on her behalf (RFC 6121 8.5.1).
        StanzaCollector answers = alice.createStanzaCollector(new AndFilter(StanzaTypeFilter.PRESENCE,
                s -> ((Presence) s).getType() == Presence.Type.unsubscribed));
        alice.sendStanza(alice.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.subscribe)
                .to(JidCreate.entityBareFrom("carol@localhost")).build());
        Presence unsubscribed = answers.nextResult(WAIT.toMillis());
        answers.cancel();
        assertEquals("carol@localhost", unsubscribed.getFrom().toString());

        // A roster add: frank, whom the directory knows, is added; carol, whom it does not, is item-not-found.
        Roster roster = Roster.getInstanceFor(alice);
        roster.createItem(JidCreate.bareFrom("frank@localhost"), "Frank", null);
        XMPPErrorException refused = assertThrows(XMPPErrorException.class,
                () -> roster.createItem(JidCreate.bareFrom("carol@localhost"), "Carol", null));
        assertEquals(StanzaError.Condition.item_not_found, refused.getStanzaError().getCondition());
        roster.reloadAndWait();
        assertTrue(roster.getEntry(JidCreate.bareFrom("frank@localhost")) != null, "frank is on the roster");
        assertTrue(roster.getEntry(JidCreate.bareFrom("carol@localhost")) == null, "carol is not");
    }

    @Test
    void aNewDirectoryUserSignsInWithinAMinuteOfAFailedAttempt() throws Exception {
        assertEquals("not-authorized", failure("dave", "dave directory pw"));
        long added = System.nanoTime();
        PRIMARY.addPerson("dave", "dave directory pw", true);
        SECONDARY.addPerson("dave", "dave directory pw", true);
        XMPPTCPConnection dave = null;
        while (dave == null) {
            assertTrue(System.nanoTime() - added < Duration.ofSeconds(60).toNanos(), "dave signs in within a minute");
            XMPPTCPConnection c = server.newConnection(plain(server, "dave", "dave directory pw", "d"));
            try {
                c.connect();
                c.login();
                dave = c;
            } catch (SASLErrorException e) {
                assertEquals("not-authorized", e.getSASLFailure().getSASLErrorString());
                c.disconnect();
                Thread.sleep(2000);
            }
        }
        System.out.println("new directory user signed in " + Duration.ofNanos(System.nanoTime() - added).toMillis()
                + " ms after being added, after a failed attempt");
        assertTrue(dave.isAuthenticated());
    }

    @Test
    void whenTheFirstServerIsDownTheSecondOneSignsUsersIn() throws Exception {
        PRIMARY.stop();
        XMPPTCPConnection bob = server.login(plain(server, "bob", "bob directory pw", "failover"));
        assertTrue(bob.isAuthenticated());
        assertEquals("not-authorized", failure("bob", "wrong"), "the second server still refuses a wrong password");
    }

    @Test
    void aDirectoryThatIsDownGivesTemporaryAuthFailureLocalAccountsStillSignInAndItRecovers() throws Exception {
        Account local = server.newAccount("local");
        XMPPTCPConnection connectedBefore = server.login(plain(server, "alice", "alice directory pw", "before"));
        PRIMARY.stop();
        SECONDARY.stop();
        // A user the cache still knows and one it does not: both are told to try later, not that the password is wrong.
        assertEquals("temporary-auth-failure", failure("alice", "alice directory pw"));
        assertEquals("temporary-auth-failure", failure("erin", "erin directory pw"));
        // Nothing else breaks: a local account signs in (SCRAM and PLAIN), the connected user goes on.
        assertTrue(server.login(local).isAuthenticated());
        assertTrue(server.login(plain(server, local.local(), local.password(), "plain")).isAuthenticated());
        Xmpp.pingServer(connectedBefore);

        PRIMARY.restart();
        SECONDARY.restart();
        long back = System.nanoTime();
        XMPPTCPConnection alice = null;
        while (alice == null) {
            assertTrue(System.nanoTime() - back < Duration.ofSeconds(30).toNanos(), "sign-in recovers by itself");
            XMPPTCPConnection c = server.newConnection(plain(server, "alice", "alice directory pw", "after"));
            try {
                c.connect();
                c.login();
                alice = c;
            } catch (SASLErrorException e) {
                assertEquals("temporary-auth-failure", e.getSASLFailure().getSASLErrorString());
                c.disconnect();
                Thread.sleep(500);
            }
        }
        System.out.println("sign-in recovered " + Duration.ofNanos(System.nanoTime() - back).toMillis()
                + " ms after the directory came back (retrySeconds " + RETRY_SECONDS + ")");
    }

    @Test
    void anInvalidOrUnreachableNewConfigurationKeepsTheWorkingDirectory() throws Exception {
        Path cfg = server.base().resolve("etc/org.parley.ldap.cfg");
        String original = Files.readString(cfg);
        long before = server.logSize();
        try {
            rewrite(cfg, original.replace("baseDn = " + TestDirectory.PEOPLE, "baseDn = not a dn"));
            server.awaitLog(before, "key 'baseDn'", WAIT);
            assertTrue(server.login(plain(server, "alice", "alice directory pw", "cfg1")).isAuthenticated());
            long next = server.logSize();
            int closed = FreePorts.next();
            rewrite(cfg, original.replaceAll("(?m)^urls = .*$", "urls = ldaps://127.0.0.1:" + closed));
            server.awaitLog(next, "key 'urls'", WAIT);
            assertTrue(server.login(plain(server, "alice", "alice directory pw", "cfg2")).isAuthenticated());
        } finally {
            long restored = server.logSize();
            rewrite(cfg, original);
            server.awaitLog(restored, "LDAP directory: servers", WAIT);
        }
    }

    @Test
    void directoryUsersVCardsShowTheirEntries_readOnlyForTheDirectorysFields() throws Exception {
        XMPPTCPConnection alice = server.login(plain(server, "alice", "alice directory pw", "vcard"));
        assertTrue(ServiceDiscoveryManager.getInstanceFor(alice).serverSupportsFeature("vcard-temp"));
        VCardManager vcards = VCardManager.getInstanceFor(alice);
        VCard own = vcards.loadVCard();
        assertEquals("Alice Liddell", own.getField("FN"));
        assertEquals("Alice", own.getFirstName());
        assertEquals("alice", own.getLastName());
        assertEquals("alice@example.org", own.getEmailWork());
        assertEquals("Example University", own.getOrganization());
        assertEquals("Mathematics", own.getOrganizationUnit());
        assertEquals("+44 1865 270000", own.getPhoneWork("VOICE"));
        assertEquals("image/jpeg", own.getAvatarMimeType());
        assertTrue(java.util.Arrays.equals(PHOTO, own.getAvatar()), "the photo as the directory holds it");

        // bob never signed in: his vCard is there all the same.
        assertEquals("bob", vcards.loadVCard(JidCreate.entityBareFrom("bob@localhost")).getField("FN"));
        // A local account beside the directory keeps a vCard of its own.
        Account local = server.newAccount("novcard");
        VCard localCard = new VCard();
        localCard.setNickName("local");
        VCardManager.getInstanceFor(server.login(local, "r")).saveVCard(localCard);
        assertEquals("local", vcards.loadVCard(local.bareJid()).getNickName());
        // She may add a nickname, but the directory's fields stay the directory's.
        own.setNickName("Ally");
        own.setField("FN", "Queen of Hearts");
        own.setOrganization("Wonderland");
        vcards.saveVCard(own);
        VCard shown = vcards.loadVCard();
        assertEquals("Alice Liddell", shown.getField("FN"));
        assertEquals("Example University", shown.getOrganization());
        assertEquals("Ally", shown.getNickName());
        assertTrue(java.util.Arrays.equals(PHOTO, shown.getAvatar()), "still the directory's photo");
    }

    /**
     * Sign-ins through the connection pool from four clients at once all succeed; prints the rate
     * beside the same number of PLAIN sign-ins of a local account (the figure in the issue's note).
     */
    @Test
    void manyConcurrentDirectorySignInsAllSucceed() throws Exception {
        Account local = server.newAccount("rate");
        for (int i = 0; i < 8; i++) {
            PRIMARY.addPerson("rate" + i, "rate pw " + i, true);
            SECONDARY.addPerson("rate" + i, "rate pw " + i, true);
        }
        double directory = signInsPerSecond(i -> plain(server, "rate" + (i % 8), "rate pw " + (i % 8), "r" + i));
        double internal = signInsPerSecond(i -> plain(server, local.local(), local.password(), "r" + i));
        System.out.printf("sign-ins/s over STARTTLS + PLAIN, 4 clients, %d each: directory %.1f, local account %.1f%n",
                SIGN_INS / 4, directory, internal);
    }

    private static final int SIGN_INS = 200;

    private static double signInsPerSecond(java.util.function.IntFunction<XMPPTCPConnectionConfiguration> config) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < SIGN_INS; i++) {
            int n = i;
            pool.execute(() -> {
                XMPPTCPConnection c = new XMPPTCPConnection(config.apply(n));
                try {
                    c.connect();
                    c.login();
                    ok.incrementAndGet();
                } catch (Exception e) {
                    failures.add(n + ": " + e);
                } finally {
                    c.disconnect();
                }
            });
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(failures.isEmpty(), failures.size() + " failed: " + failures.subList(0, Math.min(3, failures.size())));
        assertEquals(SIGN_INS, ok.get());
        return SIGN_INS / seconds;
    }

    static void rewrite(Path file, String content) throws Exception {
        // Beside it, then moved: FileInstall never reads a half-written file.
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

}
