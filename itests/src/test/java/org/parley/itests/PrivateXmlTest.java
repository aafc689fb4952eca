package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Private XML storage (XEP-0049) on the wire: what a client stores (Pidgin's bookmarks) another
 * client of the same user gets back, attributes and all; nobody else does; what is not storage is
 * refused; and the bundle replaced between a store and a read loses nothing.
 */
class PrivateXmlTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String BOOKMARKS = "<storage xmlns='storage:bookmarks'><conference jid='physics@conference.localhost'"
            + " name='Physics 101' autojoin='true'><nick>alice</nick></conference></storage>";

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    private static RawXmppClient signIn(Account account, String resource) throws Exception {
        RawXmppClient raw = server.raw();
        raw.login(account, resource, server.sslContext());
        return raw;
    }

    /** Sends an iq and returns the answer with that id. */
    private static String iq(RawXmppClient raw, String id, String type, String to, String query) throws Exception {
        raw.send("<iq type='" + type + "' id='" + id + "'" + (to == null ? "" : " to='" + to + "'") + "><query xmlns='jabber:iq:private'>"
                + query + "</query></iq>");
        return raw.await(Pattern.compile("<iq\\b[^>]*\\bid=['\"]" + id + "['\"][^>]*(/>|>[\\s\\S]*?</iq>)"), WAIT).group();
    }

    private static void assertType(String answer, String type) {
        assertTrue(answer.matches("(?s)<iq\\b[^>]*\\btype=['\"]" + type + "['\"].*"), answer);
    }

    @Test
    void whatOneClientStoresAnotherGetsBackAndNobodyElse() throws Exception {
        Account alice = server.newAccount("private");
        Account mallory = server.newAccount("mallory");
        try (RawXmppClient phone = signIn(alice, "phone"); RawXmppClient laptop = signIn(alice, "laptop");
             RawXmppClient other = signIn(mallory, "x")) {
            assertType(iq(phone, "s1", "set", null, BOOKMARKS), "result");
            String got = iq(laptop, "g1", "get", null, "<storage xmlns='storage:bookmarks'/>");
            assertType(got, "result");
            assertTrue(got.contains("jid=\"physics@conference.localhost\"") || got.contains("jid='physics@conference.localhost'"), got);
            assertTrue(got.contains("autojoin") && got.contains("<nick>alice</nick>"), got);

            String never = iq(laptop, "g2", "get", null, "<prefs xmlns='exodus:prefs'/>");
            assertType(never, "result");
            assertTrue(never.matches("(?s).*<prefs xmlns=['\"]exodus:prefs['\"]\\s*/>.*"), "an empty element for what was never stored: " + never);

            String snooping = iq(other, "g3", "get", alice.bareJid().toString(), "<storage xmlns='storage:bookmarks'/>");
            assertType(snooping, "error");
            assertTrue(snooping.contains("forbidden") || snooping.contains("service-unavailable"), snooping);
            String theirs = iq(other, "g4", "get", null, "<storage xmlns='storage:bookmarks'/>");
            assertTrue(!theirs.contains("physics"), "mallory's own storage is empty: " + theirs);
        }
    }

    @Test
    void whatIsNotStorageOrTooLargeIsRefused() throws Exception {
        try (RawXmppClient c = signIn(server.newAccount("private-bad"), "r")) {
            String client = iq(c, "b1", "set", null, "<message xmlns='jabber:client'/>");
            assertType(client, "error");
            assertTrue(client.contains("not-acceptable"), client);
            String empty = iq(c, "b2", "get", null, "");
            assertType(empty, "error");
            assertTrue(empty.contains("bad-request"), empty);
            String big = iq(c, "b3", "set", null, "<big xmlns='x:big'>" + "a".repeat(70_000) + "</big>");
            assertType(big, "error");
            assertTrue(big.contains("not-acceptable"), big.substring(Math.max(0, big.length() - 400)));
        }
    }

    @Test
    void theBundleReplacedBetweenAStoreAndAReadLosesNothing() throws Exception {
        Account alice = server.newAccount("private-up");
        try (RawXmppClient phone = signIn(alice, "phone")) {
            assertType(iq(phone, "u1", "set", null, BOOKMARKS), "result");
            long logBefore = server.logSize();
            Path shipped = Bundles.parleyJar(server.dist(), "privatexml");
            Path upgrade = server.base().resolve("privatexml-99.jar");
            Bundles.copyWithVersion(shipped, upgrade, "99.0.0");
            Files.move(upgrade, server.base().resolve("deploy").resolve(upgrade.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            // Sent while it is replaced: held for the successor, answered once.
            String during = iq(phone, "u2", "set", null, "<prefs xmlns='exodus:prefs'><color>blue</color></prefs>");
            assertType(during, "result");
            server.awaitLog(logBefore, "Upgraded " + Bundles.symbolicName(shipped) + " from", WAIT);
            String got = iq(phone, "u3", "get", null, "<storage xmlns='storage:bookmarks'/>");
            assertTrue(got.contains("Physics 101"), got);
            String prefs = iq(phone, "u4", "get", null, "<prefs xmlns='exodus:prefs'/>");
            assertTrue(prefs.contains("<color>blue</color>"), prefs);
        }
    }
}
