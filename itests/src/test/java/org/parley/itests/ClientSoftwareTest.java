package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.iqversion.VersionManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * XEP-0092 asked of each client: the server asks once, after the session becomes available, and
 * the admin API shows what the client answered with the session. A client that answers (Smack's
 * VersionManager with a version set), one that refuses (Smack without one answers with an error)
 * and one that never answers (a raw client); the answers stay across an upgrade of the im bundle,
 * which asks, and nobody is asked twice.
 */
class ClientSoftwareTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().set("parley.properties", "features", "core, im, admin")
            .set("org.parley.im.clientversion.cfg", "timeoutSeconds", 5).build();

    static AdminClient admin;

    @BeforeAll
    static void signIn() throws Exception {
        admin = AdminClient.signedInAsInitialAdmin(server, WAIT);
    }

    /**
     * Connects with this software set in Smack's VersionManager before the session is available
     * (null: none, and Smack answers with an error), counting the client's answers to the
     * server's question: Smack shows iq requests to their handler only, not to stanza listeners.
     */
    private static XMPPTCPConnection client(Account account, String resource, String name, List<Stanza> questions) throws Exception {
        VersionManager.setAutoAppendSmackVersion(false); // the name as set, without Smack's own version appended
        XMPPTCPConnection c = server.newConnection(server.smackConfig(account, resource).build());
        VersionManager versions = VersionManager.getInstanceFor(c);
        if (name == null) {
            versions.unsetVersion();
        } else {
            versions.setVersion(name, "7.1", "TestOS 3");
        }
        c.addStanzaSendingListener(questions::add, s -> s instanceof IQ iq
                && (iq.getType() == IQ.Type.result || iq.getType() == IQ.Type.error)
                && ParleyServer.DOMAIN.equals(String.valueOf(s.getTo()))
                && s.getStanzaId() != null && s.getStanzaId().startsWith("parley-version-"));
        c.connect();
        c.login();
        return c;
    }

    private static JsonNode session(Account account, String resource) throws Exception {
        AdminClient.Answer a = admin.call("GET", "/api/users/" + account.local() + "/sessions");
        assertEquals(200, a.status(), a.toString());
        for (JsonNode s : a.json().get("sessions")) {
            if (s.get("resource").asText().equals(resource)) {
                return s;
            }
        }
        throw new AssertionError("no session " + resource + " in " + a);
    }

    private static JsonNode awaitSoftware(Account account, String resource) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonNode software = session(account, resource).get("clientSoftware");
            if (software != null && !software.isNull()) {
                return software;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no client software for " + resource + "\n" + server.diagnostics());
            }
            Thread.sleep(100);
        }
    }

    private static void awaitQuestions(List<Stanza> questions, int n) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (questions.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(n, questions.size(), "answers to the server's question: " + questions);
    }

    @Test
    void aClientThatAnswersIsShownWithItsSoftwareAndOneThatRefusesIsNotAndNeitherIsAskedTwice() throws Exception {
        Account alice = server.newAccount("version");
        List<Stanza> answeringAsked = new CopyOnWriteArrayList<>();
        List<Stanza> refusingAsked = new CopyOnWriteArrayList<>();
        XMPPTCPConnection answering = client(alice, "answering", "Parley itest client", answeringAsked);
        XMPPTCPConnection refusing = client(alice, "refusing", null, refusingAsked);

        JsonNode software = awaitSoftware(alice, "answering");
        assertEquals("Parley itest client", software.get("name").asText());
        assertEquals("7.1", software.get("version").asText());
        assertEquals("TestOS 3", software.get("os").asText());
        awaitQuestions(answeringAsked, 1);

        awaitQuestions(refusingAsked, 1);
        Xmpp.pingServer(refusing); // answered after the server took the refusal sent before it
        assertTrue(session(alice, "refusing").get("clientSoftware").isNull(), "a refusal leaves it unknown");

        // Unavailable and available again: the same session is not asked again.
        for (XMPPTCPConnection c : List.of(answering, refusing)) {
            c.sendStanza(c.getStanzaFactory().buildPresenceStanza().ofType(org.jivesoftware.smack.packet.Presence.Type.unavailable).build());
            c.sendStanza(c.getStanzaFactory().buildPresenceStanza().build());
            Xmpp.pingServer(c);
        }
        assertEquals(1, answeringAsked.size());
        assertEquals(1, refusingAsked.size());
        assertEquals("Parley itest client", session(alice, "answering").get("clientSoftware").get("name").asText());
        answering.disconnect();
        refusing.disconnect();
    }

    @Test
    void aClientThatNeverAnswersKeepsItsSessionAndStaysUnknown() throws Exception {
        Account bob = server.newAccount("silent");
        RawXmppClient raw = server.track(RawXmppClient.connect(server.c2sPort()));
        raw.login(bob, "silent", server.sslContext());
        raw.send("<presence/>");
        String question = raw.await(Pattern.compile("<iq\\b[^>]*>\\s*<query xmlns=['\"]jabber:iq:version['\"]"), WAIT).group();
        assertTrue(question.contains("type=\"get\"") || question.contains("type='get'"), question);
        // No answer: the session goes on, and its software stays unknown.
        raw.send("<iq type='get' id='still-here'><ping xmlns='urn:xmpp:ping'/></iq>");
        raw.await(Pattern.compile("<iq\\b[^>]*\\bid=['\"]still-here['\"]"), WAIT);
        assertTrue(session(bob, "silent").get("clientSoftware").isNull());
        raw.send("<presence type='unavailable'/><presence/><iq type='get' id='again'><ping xmlns='urn:xmpp:ping'/></iq>");
        String after = raw.await(Pattern.compile("<iq\\b[^>]*\\bid=['\"]again['\"]"), WAIT).group();
        assertEquals(1, raw.received().split("jabber:iq:version", -1).length - 1, "not asked again: " + raw.transcript());
        assertTrue(after.contains("again"));
    }

    @Test
    void answersStayAcrossAnUpgradeOfTheImBundleAndANewSessionIsAskedByItsSuccessor() throws Exception {
        Account carol = server.newAccount("upgrade");
        List<Stanza> before = new CopyOnWriteArrayList<>();
        XMPPTCPConnection first = client(carol, "before", "Before client", before);
        assertEquals("Before client", awaitSoftware(carol, "before").get("name").asText());
        String stream = first.getStreamId();

        long log = server.logSize();
        server.awaitLog(log, Bundles.deployNewerVersion(server, "im", "99.0.0"), WAIT);
        server.awaitLog(log, "Took the client software of", WAIT);

        assertEquals("Before client", session(carol, "before").get("clientSoftware").get("name").asText(), "kept across the upgrade");
        List<Stanza> after = new CopyOnWriteArrayList<>();
        XMPPTCPConnection second = client(carol, "after", "After client", after);
        assertEquals("After client", awaitSoftware(carol, "after").get("name").asText());
        Xmpp.pingServer(first);
        assertEquals(1, before.size(), "the session from before the upgrade was not asked again");
        assertEquals(stream, first.getStreamId(), "and stayed on its stream");
        first.disconnect();
        second.disconnect();
    }
}
