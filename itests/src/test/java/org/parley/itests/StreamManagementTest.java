package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * XEP-0198 with a real client (Smack over TLS): acknowledgements, a connection lost and resumed
 * with nothing lost and nothing twice, and a resumption after the timeout that fails cleanly, with
 * what the client never acknowledged waiting for it as an offline message.
 */
class StreamManagementTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().set("org.parley.session.cfg", "resumptionTimeoutSeconds", 3).build();

    private XMPPTCPConnection smClient(Account account, String resource) throws Exception {
        XMPPTCPConnection c = server.newConnection(server.smackConfig(account, resource).build());
        c.setUseStreamManagement(true);
        c.setUseStreamManagementResumption(true);
        c.connect();
        c.login();
        return c;
    }

    private static List<String> bodies(Inbox inbox, int n) throws InterruptedException {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            got.add(inbox.next(WAIT, "message " + (i + 1) + " of " + n).getBody());
        }
        return got;
    }

    @Test
    void theServerAcknowledgesWhatTheClientSends() throws Exception {
        XMPPTCPConnection alice = smClient(server.newAccount("ack-a"), "phone");
        XMPPTCPConnection bob = server.login(server.newAccount("ack-b"));
        assertTrue(alice.isSmEnabled(), "stream management enabled");
        assertEquals(3, alice.getMaxSmResumptionTime(), "resumption offered, for the configured 3 s");
        Set<String> acked = ConcurrentHashMap.newKeySet();
        CountDownLatch all = new CountDownLatch(10);
        Inbox bobInbox = Inbox.of(bob);
        for (int i = 0; i < 10; i++) {
            Message m = Xmpp.chat(alice, bob.getUser(), "acked " + i);
            alice.addStanzaIdAcknowledgedListener(m.getStanzaId(), s -> {
                acked.add(s.getStanzaId());
                all.countDown();
            });
            alice.sendStanza(m);
        }
        alice.requestSmAcknowledgement();
        assertTrue(all.await(WAIT.toSeconds(), TimeUnit.SECONDS), "acknowledged: " + acked.size() + " of 10");
        assertEquals(10, bodies(bobInbox, 10).size());
    }

    @Test
    void aLostConnectionIsResumedWithNothingLostAndNothingTwice() throws Exception {
        XMPPTCPConnection alice = smClient(server.newAccount("res-a"), "phone");
        XMPPTCPConnection bob = server.login(server.newAccount("res-b"));
        Inbox aliceInbox = Inbox.of(alice);
        for (int i = 0; i < 5; i++) {
            bob.sendStanza(Xmpp.chat(bob, alice.getUser(), "m" + i));
        }
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), bodies(aliceInbox, 5));

        alice.instantShutdown(); // the socket goes away without a closing stream: as a phone losing the network
        Thread.sleep(500);
        for (int i = 5; i < 10; i++) {
            bob.sendStanza(Xmpp.chat(bob, alice.getUser(), "m" + i));
        }
        Xmpp.pingServer(bob); // bob's messages were handled by the server before alice comes back
        alice.connect().login();
        assertTrue(alice.streamWasResumed(), "resumed, not a new session");
        assertEquals(List.of("m5", "m6", "m7", "m8", "m9"), bodies(aliceInbox, 5), "what came while away, in order");
        bob.sendStanza(Xmpp.chat(bob, alice.getUser(), "after"));
        assertEquals("after", aliceInbox.next(WAIT, "a message after the resumption").getBody(), "and nothing twice before it");
        bob.sendStanza(Xmpp.chat(bob, alice.getUser(), "last"));
        assertEquals("last", aliceInbox.next(WAIT, "the last message").getBody());
    }

    @Test
    void aResumptionAfterTheTimeoutFailsCleanlyAndWhatWasNotAcknowledgedWaitsAsAnOfflineMessage() throws Exception {
        XMPPTCPConnection alice = smClient(server.newAccount("late-a"), "phone");
        XMPPTCPConnection bob = server.login(server.newAccount("late-b"));
        Inbox aliceInbox = Inbox.of(alice);
        List<Message> bounces = new ArrayList<>();
        bob.addSyncStanzaListener(s -> {
            synchronized (bounces) {
                bounces.add((Message) s);
            }
        }, s -> s instanceof Message m && m.getType() == Message.Type.error);

        alice.instantShutdown();
        Thread.sleep(300);
        bob.sendStanza(Xmpp.chat(bob, alice.getUser(), "while detached"));
        Thread.sleep(4500); // past the 3 s resumption timeout: the session ends with the message unacknowledged
        Xmpp.pingServer(bob);
        alice.connect().login();
        assertFalse(alice.streamWasResumed(), "the session timed out: a new one is bound instead");
        assertTrue(alice.isAuthenticated());
        Message waited = aliceInbox.next(WAIT, "the unacknowledged message, kept as an offline message");
        assertEquals("while detached", waited.getBody());
        DelayInformation delay = waited.getExtension(DelayInformation.class);
        assertNotNull(delay, "delivered from offline storage, with its delay stamp");
        assertEquals(ParleyServer.DOMAIN, String.valueOf(delay.getFrom()));
        synchronized (bounces) {
            assertTrue(bounces.isEmpty(), "kept, so the sender got no error: " + bounces);
        }
        bob.sendStanza(Xmpp.chat(bob, alice.getUser(), "new session"));
        assertEquals("new session", aliceInbox.next(WAIT, "a message to the new session").getBody());
    }
}
