package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.offline.OfflineMessageManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A large store delivered to a client that acknowledges it is deleted while the client stays
 * connected, and nothing of it comes a second time at the next sign-in. Before receipts were
 * settled in batches, 2,000 receipts arriving together overflowed the shared worker pool and a
 * good part of a full store came again.
 */
class OfflineBulkDeliveryTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int COUNT = 2_000;

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().set("org.parley.offline.cfg", "maxMessagesPerUser", 5_000).build();

    @Test
    void twoThousandStoredMessagesDeliveredToAnAcknowledgingClientAreDeletedAndNotDeliveredAgain() throws Exception {
        XMPPTCPConnection romeo = server.login(server.newAccount("bulk-romeo"));
        Account juliet = server.newAccount("bulk-juliet");
        for (int i = 0; i < COUNT; i++) {
            romeo.sendStanza(Xmpp.chat(romeo, juliet.bareJid(), "m" + i));
            if (i % 200 == 199) {
                Xmpp.pingServer(romeo); // the server handles them in order: when the ping returns, they are stored
            }
        }
        Xmpp.pingServer(romeo);
        // A second resource that never sends presence gets no flood; it only counts (XEP-0013's count).
        XMPPTCPConnection counter = server.login(server.smackConfig(juliet, "counter").setSendPresence(false).build());
        OfflineMessageManager stored = OfflineMessageManager.getInstanceFor(counter);
        assertEquals(COUNT, stored.getMessageCount(), "all stored");
        long offset = server.logSize();

        XMPPTCPConnection phone = server.login(server.smackConfig(juliet, "phone").setSendPresence(false).build());
        Inbox inbox = Inbox.of(phone);
        phone.sendStanza(Xmpp.available(phone, 0));
        for (int i = 0; i < COUNT; i++) {
            Message m = inbox.next(WAIT, "offline message " + (i + 1) + " of " + COUNT);
            assertEquals("m" + i, m.getBody(), "in the order they arrived");
        }
        if (phone.isSmEnabled()) {
            phone.sendSmAcknowledgement();
        }
        Xmpp.pingServer(phone); // a client without stream management proves it read them by answering the server's ping

        // Deleted while the phone stays connected: settled at the receipts, not at the end of the session.
        long deadline = System.nanoTime() + WAIT.toNanos();
        int left = stored.getMessageCount();
        while (left > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            left = stored.getMessageCount();
        }
        assertEquals(0, left, "every delivered and acknowledged message deleted while the session goes on");
        String log = server.logSince(offset);
        assertFalse(log.contains("delivered again"), "nothing left to be delivered twice: " + log);
        assertTrue(phone.isConnected(), "the phone was never cut");

        phone.disconnect();
        XMPPTCPConnection again = server.login(server.smackConfig(juliet, "phone").setSendPresence(false).build());
        Inbox next = Inbox.of(again);
        again.sendStanza(Xmpp.available(again, 0));
        Xmpp.pingServer(again);
        romeo.sendStanza(Xmpp.chat(romeo, juliet.bareJid(), "live"));
        assertEquals("live", next.next(WAIT, "a live message").getBody(), "and not one of the 2,000 again before it");
        Xmpp.pingServer(romeo);
        Xmpp.pingServer(again);
        assertEquals(0, stored.getMessageCount());
    }
}
