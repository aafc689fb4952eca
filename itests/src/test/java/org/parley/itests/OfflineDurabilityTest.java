package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Offline messages survive kill -9 of the server: a message the server acknowledged to its sender
 * (XEP-0198: handled means stored) is delivered after a restart, and a message delivered to a
 * session that the crash ended before the server knew it was received is delivered again rather
 * than lost.
 */
class OfflineDurabilityTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int COUNT = 40;

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    private static XMPPTCPConnection smSender(Account account) throws Exception {
        XMPPTCPConnection c = server.newConnection(server.smackConfig(account, "desk").build());
        c.setUseStreamManagement(true);
        c.connect();
        c.login();
        return c;
    }

    /** Sends COUNT messages and returns once the server acknowledged every one: from then on each is the server's to keep. */
    private static void sendAcknowledged(XMPPTCPConnection sender, Account to, String prefix) throws Exception {
        assertTrue(sender.isSmEnabled(), "stream management enabled for the sender");
        CountDownLatch acked = new CountDownLatch(COUNT);
        for (int i = 0; i < COUNT; i++) {
            Message m = Xmpp.chat(sender, to.bareJid(), prefix + i);
            sender.addStanzaIdAcknowledgedListener(m.getStanzaId(), s -> acked.countDown());
            sender.sendStanza(m);
        }
        sender.requestSmAcknowledgement();
        assertTrue(acked.await(WAIT.toSeconds(), TimeUnit.SECONDS), "acknowledged: " + (COUNT - acked.getCount()) + " of " + COUNT);
    }

    private static List<String> expected(String prefix) {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            all.add(prefix + i);
        }
        return all;
    }

    private static List<String> receive(Inbox inbox, int n) throws InterruptedException {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            got.add(inbox.next(WAIT, "message " + (i + 1) + " of " + n).getBody());
        }
        return got;
    }

    private record Recipient(XMPPTCPConnection connection, Inbox inbox) {
    }

    private static Recipient signIn(Account account) throws Exception {
        XMPPTCPConnection c = server.login(server.smackConfig(account, "phone").setSendPresence(false).build());
        Inbox inbox = Inbox.of(c);
        c.sendStanza(Xmpp.available(c, 0));
        return new Recipient(c, inbox);
    }

    @Test
    void everyAcknowledgedMessageSurvivesKillMinus9BeforeDelivery() throws Exception {
        Account romeo = server.newAccount("kill-romeo");
        Account juliet = server.newAccount("kill-juliet");
        sendAcknowledged(smSender(romeo), juliet, "stored ");

        server.kill(); // at once: no clean stop, nothing flushed on the way out
        server.start();

        Recipient j = signIn(juliet);
        assertEquals(expected("stored "), receive(j.inbox(), COUNT), "every message, in order");
        Xmpp.pingServer(j.connection());
        XMPPTCPConnection r = server.login(romeo);
        r.sendStanza(Xmpp.chat(r, juliet.bareJid(), "live"));
        assertEquals("live", j.inbox().next(WAIT, "a live message").getBody(), "and nothing twice");
    }

    @Test
    void messagesDeliveredToASessionTheCrashEndedAreDeliveredAgainNotLost() throws Exception {
        Account romeo = server.newAccount("crash-romeo");
        Account juliet = server.newAccount("crash-juliet");
        sendAcknowledged(smSender(romeo), juliet, "in flight ");
        // A client that reads them all but neither acknowledges them (no stream management) nor
        // answers the ping the server sends after them: the server cannot know it has them.
        try (RawXmppClient first = server.raw()) {
            first.login(juliet, "first", server.sslContext());
            first.send("<presence/>");
            first.await(Pattern.compile("<body>in flight " + (COUNT - 1) + "</body>"), WAIT);
            List<String> read = new ArrayList<>();
            Matcher bodies = Pattern.compile("<body>(in flight \\d+)</body>").matcher(first.received());
            while (bodies.find()) {
                read.add(bodies.group(1));
            }
            assertEquals(expected("in flight "), read);

            server.kill(); // the session never ended in the server's eyes, and no receipt came
        }
        server.start();

        Recipient again = signIn(juliet);
        assertEquals(expected("in flight "), receive(again.inbox(), COUNT), "delivered again, at least once, in order");
        // The client acknowledges them (XEP-0198) and the session ends: now the server knows they arrived.
        again.connection().sendSmAcknowledgement();
        Xmpp.pingServer(again.connection());
        again.connection().disconnect();
        Thread.sleep(500);
        Recipient third = signIn(juliet);
        Xmpp.pingServer(third.connection());
        XMPPTCPConnection r = server.login(romeo);
        r.sendStanza(Xmpp.chat(r, juliet.bareJid(), "live"));
        assertEquals("live", third.inbox().next(WAIT, "a live message").getBody(), "not a third time");
    }
}
