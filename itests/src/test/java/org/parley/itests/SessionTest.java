package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.MessageTypeFilter;
import org.jivesoftware.smack.filter.StanzaIdFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.packet.StreamError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.iqversion.packet.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A logged-in session: messages between users and resources, conflicts, and the server's own iq services. */
class SessionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    @Test
    void twoUsersExchangeChatMessagesBothWays() throws Exception {
        XMPPTCPConnection alice = server.login(server.newAccount("alice"));
        XMPPTCPConnection bob = server.login(server.newAccount("bob"));
        Inbox aliceInbox = Inbox.of(alice);
        Inbox bobInbox = Inbox.of(bob);
        // Smack sent each one's initial presence right after login; a ping answered means it was processed.
        Xmpp.pingServer(alice);
        Xmpp.pingServer(bob);

        alice.sendStanza(Xmpp.chat(alice, bob.getUser().asBareJid(), "hello bob"));
        Message atBob = bobInbox.next(WAIT, "alice's message at bob");
        assertEquals("hello bob", atBob.getBody());
        assertEquals(alice.getUser(), atBob.getFrom(), "the server stamps the sender's full JID");

        bob.sendStanza(Xmpp.chat(bob, alice.getUser().asBareJid(), "hello alice"));
        Message atAlice = aliceInbox.next(WAIT, "bob's reply at alice");
        assertEquals("hello alice", atAlice.getBody());
        assertEquals(bob.getUser(), atAlice.getFrom());
    }

    /** Offline storage keeps chat messages (OfflineMessagesTest); one it must not keep (XEP-0334 no-store) is bounced. */
    @Test
    void chatToAUserWithNoAvailableResourceThatNoStoreTakesBouncesServiceUnavailable() throws Exception {
        XMPPTCPConnection sender = server.login(server.newAccount("sender"));
        Account absent = server.newAccount("absent");
        Message m = sender.getStanzaFactory().buildMessageStanza().to(absent.bareJid()).ofType(Message.Type.chat)
                .setBody("are you there?").addExtension(StandardExtensionElement.builder("no-store", "urn:xmpp:hints").build())
                .build();
        StanzaCollector bounces = sender.createStanzaCollector(new AndFilter(MessageTypeFilter.ERROR, new StanzaIdFilter(m)));

        sender.sendStanza(m);

        Message bounce = bounces.nextResult(WAIT.toMillis());
        bounces.cancel();
        assertNotNull(bounce, "no error came back for a chat message to an account with no session");
        assertEquals(StanzaError.Condition.service_unavailable, bounce.getError().getCondition());
        assertEquals(absent.bareJid(), bounce.getFrom());
    }

    /** One account signed in twice: resource "low" at priority 1 and "high" at priority 10, both available. */
    private record TwoResources(Account account, XMPPTCPConnection low, XMPPTCPConnection high, Inbox lowInbox, Inbox highInbox) {
    }

    private static TwoResources twoResources(String hint) throws Exception {
        Account account = server.newAccount(hint);
        XMPPTCPConnection low = server.login(server.smackConfig(account, "low").setSendPresence(false).build());
        XMPPTCPConnection high = server.login(server.smackConfig(account, "high").setSendPresence(false).build());
        Inbox lowInbox = Inbox.of(low);
        Inbox highInbox = Inbox.of(high);
        low.sendStanza(Xmpp.available(low, 1));
        high.sendStanza(Xmpp.available(high, 10));
        // A ping answered means the presence before it was processed.
        Xmpp.pingServer(low);
        Xmpp.pingServer(high);
        return new TwoResources(account, low, high, lowInbox, highInbox);
    }

    @Test
    void messageToBareJidGoesToTheHighestPriorityResource() throws Exception {
        TwoResources carol = twoResources("carol");
        XMPPTCPConnection low = carol.low();
        Inbox lowInbox = carol.lowInbox();
        Inbox highInbox = carol.highInbox();
        XMPPTCPConnection sender = server.login(server.newAccount("sender"));

        sender.sendStanza(Xmpp.chat(sender, carol.account().bareJid(), "to the bare JID"));
        // A fence: sent after, to the low resource's full JID, so it arrives there after anything
        // the bare-JID message might wrongly have delivered to it.
        sender.sendStanza(Xmpp.chat(sender, low.getUser(), "fence"));

        assertEquals("to the bare JID", highInbox.next(WAIT, "the bare-JID message at priority 10").getBody());
        assertEquals("fence", lowInbox.next(WAIT, "the fence at priority 1").getBody(),
                "the priority-1 resource got the bare-JID message too");
    }

    @Test
    void messageToAFullJidReachesExactlyThatResource() throws Exception {
        TwoResources dave = twoResources("dave");
        XMPPTCPConnection low = dave.low();
        XMPPTCPConnection high = dave.high();
        Inbox lowInbox = dave.lowInbox();
        Inbox highInbox = dave.highInbox();
        XMPPTCPConnection sender = server.login(server.newAccount("sender"));

        sender.sendStanza(Xmpp.chat(sender, low.getUser(), "only for low"));
        sender.sendStanza(Xmpp.chat(sender, high.getUser(), "fence"));

        assertEquals("only for low", lowInbox.next(WAIT, "the full-JID message at the low resource").getBody());
        assertEquals("fence", highInbox.next(WAIT, "the fence at the high resource").getBody(),
                "the high-priority resource got the message meant for the other full JID");
    }

    @Test
    void secondLoginWithTheSameResourceClosesTheFirstWithConflict() throws Exception {
        Account erin = server.newAccount("erin");
        XMPPTCPConnection first = server.login(erin, "same");
        CompletableFuture<Exception> closed = new CompletableFuture<>();
        first.addConnectionListener(new ConnectionListener() {
            @Override
            public void connectionClosedOnError(Exception e) {
                closed.complete(e);
            }

            @Override
            public void connectionClosed() {
                closed.complete(null);
            }
        });

        XMPPTCPConnection second = server.login(erin, "same");

        Exception e = closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        XMPPException.StreamErrorException streamError = assertInstanceOf(XMPPException.StreamErrorException.class, e,
                "the first connection ends with a stream error");
        assertEquals(StreamError.Condition.conflict, streamError.getStreamError().getCondition());
        assertFalse(first.isConnected(), "the replaced connection is closed");
        assertTrue(second.isAuthenticated());
        assertEquals(erin.bareJid() + "/same", second.getUser().toString(), "the new session has the resource");
        Xmpp.pingServer(second);
    }

    @Test
    void unknownIqToTheServerIsAnsweredServiceUnavailableAtOnce() throws Exception {
        XMPPTCPConnection c = server.login(server.newAccount("iq"));

        long started = System.nanoTime();
        XMPPException.XMPPErrorException e = assertThrows(XMPPException.XMPPErrorException.class,
                () -> c.sendIqRequestAndWaitForResponse(new Xmpp.UnknownIq(Xmpp.SERVER)));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertEquals(StanzaError.Condition.service_unavailable, e.getStanzaError().getCondition());
        assertEquals(StanzaError.Type.CANCEL, e.getStanzaError().getType());
        // Holding (handlerGraceMillis, 5 s here) is only for a namespace whose handler is being replaced.
        assertTrue(millis < 2000, "answered after " + millis + " ms");
    }

    @Test
    void pingToTheServerIsAnsweredWithAnEmptyResult() throws Exception {
        XMPPTCPConnection c = server.login(server.newAccount("ping"));

        IQ pong = Xmpp.pingServer(c);

        assertEquals(IQ.Type.result, pong.getType());
        assertEquals(Xmpp.SERVER, pong.getFrom());
    }

    @Test
    void softwareVersionOfTheServerIsParleyWithTheImBundleVersion() throws Exception {
        XMPPTCPConnection c = server.login(server.newAccount("version"));

        Version version = Xmpp.serverVersion(c);

        assertEquals("Parley", version.getName());
        assertEquals(Bundles.version(Bundles.imJar(server.dist())), version.getVersion(), "the im bundle's Bundle-Version");
    }

    @Test
    void serviceDiscoveryListsTheServersFeaturesSoSmacksManagersWork() throws Exception {
        XMPPTCPConnection c = server.login(server.newAccount("disco"));

        org.jivesoftware.smackx.disco.packet.DiscoverInfo info =
                org.jivesoftware.smackx.disco.ServiceDiscoveryManager.getInstanceFor(c).discoverInfo(Xmpp.SERVER);

        assertTrue(info.hasIdentity("server", "im"));
        assertTrue(info.containsFeature("urn:xmpp:ping"));
        assertTrue(info.containsFeature("jabber:iq:version"));
        // VersionManager asks disco first: with disco answered, Smack's own API works.
        assertEquals("Parley", org.jivesoftware.smackx.iqversion.VersionManager.getInstanceFor(c).getVersion(Xmpp.SERVER).getName());
    }

    /**
     * The default maxConnections (0) is derived from the open-file limit, so a default start no
     * longer warns that 100,000 connections exceed it (on this machine the hard limit is 20,000).
     */
    @Test
    void aDefaultConfigurationStartsWithoutTheOpenFileLimitWarning() {
        String log = server.logSince(0);
        assertTrue(log.contains("maxConnections is ") && log.contains(": the open-file limit "), log);
        assertFalse(log.lines().anyMatch(line -> line.contains(" WARN ") && line.contains("maxConnections")), log);
    }

    /**
     * XEP-0030 section 3.1: an entity that answers disco#info lists it among its features. The disco
     * component is itself an iq handler; it used to find its own namespaces by binding its own
     * registration, which the framework can refuse as "ServiceFactory.getService() resulted in a
     * cycle". It now leaves itself out of that reference and lists its namespaces itself.
     */
    @Test
    void serverDiscoInfoListsDiscoItselfAndNoServiceCycleIsLogged() throws Exception {
        XMPPTCPConnection c = server.login(server.newAccount("discoself"));

        org.jivesoftware.smackx.disco.packet.DiscoverInfo info =
                org.jivesoftware.smackx.disco.ServiceDiscoveryManager.getInstanceFor(c).discoverInfo(Xmpp.SERVER);

        assertTrue(info.containsFeature("http://jabber.org/protocol/disco#info"), () -> info.toXML().toString());
        assertTrue(info.containsFeature("http://jabber.org/protocol/disco#items"), () -> info.toXML().toString());
        String log = server.logSince(0) + server.consoleSince(0);
        assertFalse(log.contains("resulted in a cycle"), log);
    }
}
