package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.MessageTypeFilter;
import org.jivesoftware.smack.filter.StanzaIdFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.blocking.BlockingCommandManager;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Offline messages (XEP-0160) with real clients: a chat message to a user who is not online is
 * kept and delivered at the next available presence, in order and with a delay stamp; what must
 * not be kept is not; the quota refuses with service-unavailable and drops nothing; a delivered
 * message is not delivered again.
 */
class OfflineMessagesTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int QUOTA = 3;

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().set("org.parley.offline.cfg", "maxMessagesPerUser", QUOTA).build();

    /** A recipient signed in and listening before its first presence, so nothing delivered at presence is missed. */
    private record Recipient(XMPPTCPConnection connection, Inbox inbox) {
    }

    private static Recipient signIn(Account account, String resource, int priority) throws Exception {
        XMPPTCPConnection c = server.login(server.smackConfig(account, resource).setSendPresence(false).build());
        Inbox inbox = Inbox.of(c);
        c.sendStanza(Xmpp.available(c, priority));
        return new Recipient(c, inbox);
    }

    private static List<String> bodies(Inbox inbox, int n) throws InterruptedException {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            got.add(inbox.next(WAIT, "message " + (i + 1) + " of " + n).getBody());
        }
        return got;
    }

    /** Sends and returns the error the sender got for it, or null when none came by the time a ping returns. */
    private static Message sendAndCollectError(XMPPTCPConnection sender, Message m) throws Exception {
        StanzaCollector errors = sender.createStanzaCollector(new AndFilter(MessageTypeFilter.ERROR, new StanzaIdFilter(m)));
        try {
            sender.sendStanza(m);
            Xmpp.pingServer(sender); // handled in order: when the ping returns, the message was stored or refused
            Message error = errors.pollResult();
            return error != null ? error : errors.nextResult(300);
        } finally {
            errors.cancel();
        }
    }

    @Test
    void aChatMessageToAUserWhoIsAwayWaitsAndArrivesInOrderWithADelayStamp() throws Exception {
        XMPPTCPConnection romeo = server.login(server.newAccount("romeo"));
        Account juliet = server.newAccount("juliet");
        Instant before = Instant.now().minusSeconds(1);
        for (String body : List.of("wherefore", "art", "thou")) {
            assertNull(sendAndCollectError(romeo, Xmpp.chat(romeo, juliet.bareJid(), body)), "the sender gets no error: it is kept");
        }
        Recipient j = signIn(juliet, "balcony", 0);
        List<Message> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            got.add(j.inbox().next(WAIT, "offline message " + i));
        }
        assertEquals(List.of("wherefore", "art", "thou"), got.stream().map(Message::getBody).toList(), "in the order they arrived");
        for (Message m : got) {
            assertEquals(romeo.getUser(), m.getFrom(), "from the original sender");
            DelayInformation delay = m.getExtension(DelayInformation.class);
            assertNotNull(delay, "XEP-0203 delay stamp");
            assertEquals(ParleyServer.DOMAIN, String.valueOf(delay.getFrom()), "delayed by the server");
            Instant stamp = delay.getStamp().toInstant();
            assertTrue(!stamp.isBefore(before) && !stamp.isAfter(Instant.now()), "stamped when stored: " + stamp);
        }
    }

    @Test
    void messagesFromSomeoneTheUserBlockedWhileAwayAreNotDeliveredAndStayGoneAfterAnUnblock() throws Exception {
        XMPPTCPConnection romeo = server.login(server.newAccount("romeo-b"));
        XMPPTCPConnection tybalt = server.login(server.newAccount("tybalt-b"));
        Account juliet = server.newAccount("juliet-b");
        for (XMPPTCPConnection from : List.of(tybalt, romeo, tybalt)) { // the class's quota is 3
            String body = from == romeo ? "from romeo" : "from tybalt";
            assertNull(sendAndCollectError(from, Xmpp.chat(from, juliet.bareJid(), body)), "kept: the sender is told nothing");
        }
        // Juliet signs in without presence (nothing is delivered yet) and blocks tybalt (XEP-0191).
        XMPPTCPConnection j = server.login(server.smackConfig(juliet, "phone").setSendPresence(false).build());
        Inbox inbox = Inbox.of(j);
        BlockingCommandManager.getInstanceFor(j).blockContacts(List.of(tybalt.getUser().asBareJid()));
        long offset = server.logSize();
        j.sendStanza(Xmpp.available(j, 0));
        assertEquals("from romeo", inbox.next(WAIT, "romeo's kept message").getBody(), "tybalt's two, stored before the block, are withheld");
        romeo.sendStanza(Xmpp.chat(romeo, juliet.bareJid(), "live"));
        assertEquals("live", inbox.next(WAIT, "a live message").getBody(), "nothing of tybalt's came in between");
        assertEquals(2, server.awaitLog(offset, "is withheld and deleted", 2, WAIT), server.logSince(offset));

        BlockingCommandManager.getInstanceFor(j).unblockContacts(List.of(tybalt.getUser().asBareJid()));
        if (j.isSmEnabled()) {
            j.sendSmAcknowledgement();
        }
        Xmpp.pingServer(j);
        j.disconnect();
        Recipient again = signIn(juliet, "laptop", 0);
        Xmpp.pingServer(again.connection());
        tybalt.sendStanza(Xmpp.chat(tybalt, juliet.bareJid(), "after the unblock"));
        assertEquals("after the unblock", again.inbox().next(WAIT, "tybalt's live message").getBody(),
                "the withheld ones were deleted, not kept for an unblock");
    }

    @Test
    void aMessageDeliveredToASessionThatEndedIsNotDeliveredAgain() throws Exception {
        XMPPTCPConnection romeo = server.login(server.newAccount("romeo2"));
        Account juliet = server.newAccount("juliet2");
        romeo.sendStanza(Xmpp.chat(romeo, juliet.bareJid(), "once"));
        Xmpp.pingServer(romeo);
        Recipient first = signIn(juliet, "phone", 0);
        assertEquals("once", first.inbox().next(WAIT, "the offline message").getBody());
        if (first.connection().isSmEnabled()) {
            first.connection().sendSmAcknowledgement(); // what it never acknowledged would come again, rightly
        }
        Xmpp.pingServer(first.connection()); // it stayed connected past the delivery
        first.connection().disconnect();
        Thread.sleep(500);

        Recipient second = signIn(juliet, "phone", 0);
        Xmpp.pingServer(second.connection());
        romeo.sendStanza(Xmpp.chat(romeo, juliet.bareJid(), "live"));
        assertEquals("live", second.inbox().next(WAIT, "a live message").getBody(), "and no second copy of the offline one before it");
    }

    private static final java.util.regex.Pattern RECEIPT_PING = java.util.regex.Pattern.compile(
            "<iq\\b[^>]*\\bid=['\"](parley-receipt-[^'\"]+)['\"][^>]*>\\s*<ping xmlns=['\"]urn:xmpp:ping['\"]");

    /** Signs in on the wire without stream management, sends presence, and waits for a message with this body and the ping after it. */
    private static RawXmppClient rawRecipient(Account account, String body) throws Exception {
        RawXmppClient raw = server.raw();
        raw.login(account, "wire", server.sslContext());
        raw.send("<presence/>");
        raw.await(java.util.regex.Pattern.compile("<body>" + body + "</body>"), WAIT);
        return raw;
    }

    @Test
    void aClientThatDropsWithoutStreamManagementBeforeProvingItReadTheMessageGetsItAgain() throws Exception {
        XMPPTCPConnection romeo = server.login(server.newAccount("romeo7"));
        Account juliet = server.newAccount("juliet7");
        romeo.sendStanza(Xmpp.chat(romeo, juliet.bareJid(), "again"));
        Xmpp.pingServer(romeo);

        try (RawXmppClient wire = rawRecipient(juliet, "again")) {
            wire.await(RECEIPT_PING, WAIT); // the server asks; this client's connection is lost before it answers
        }
        Recipient next = signIn(juliet, "phone", 0);
        assertEquals("again", next.inbox().next(WAIT, "the message, delivered again").getBody(),
                "the server could not know the first client read it: at least once, never lost");
    }

    @Test
    void aClientThatAnsweredThePingAfterTheMessageHasItEvenIfItsConnectionIsThenLost() throws Exception {
        XMPPTCPConnection romeo = server.login(server.newAccount("romeo8"));
        Account juliet = server.newAccount("juliet8");
        romeo.sendStanza(Xmpp.chat(romeo, juliet.bareJid(), "once"));
        Xmpp.pingServer(romeo);

        try (RawXmppClient wire = rawRecipient(juliet, "once")) {
            String id = wire.await(RECEIPT_PING, WAIT).group(1);
            wire.send("<iq type='result' id='" + id + "' to='" + ParleyServer.DOMAIN + "'/>");
            wire.send("<iq type='get' id='after'><ping xmlns='urn:xmpp:ping'/></iq>");
            wire.await(java.util.regex.Pattern.compile("<iq\\b[^>]*\\bid=['\"]after['\"]"), WAIT); // the answer was handled
            Thread.sleep(300); // the row's deletion runs on a worker after the receipt
        } // lost without a clean close
        Recipient next = signIn(juliet, "phone", 0);
        Xmpp.pingServer(next.connection());
        romeo.sendStanza(Xmpp.chat(romeo, juliet.bareJid(), "live"));
        assertEquals("live", next.inbox().next(WAIT, "a live message").getBody(), "and no second copy of the offline one before it");
    }

    @Test
    void aNegativePriorityGetsNothingUntilItBecomesNonNegative() throws Exception {
        XMPPTCPConnection romeo = server.login(server.newAccount("romeo3"));
        Account juliet = server.newAccount("juliet3");
        romeo.sendStanza(Xmpp.chat(romeo, juliet.bareJid(), "patience"));
        Xmpp.pingServer(romeo);
        Recipient j = signIn(juliet, "pager", -1);
        Xmpp.pingServer(j.connection());
        Thread.sleep(500);
        j.connection().sendStanza(Xmpp.available(j.connection(), 0));
        assertEquals("patience", j.inbox().next(WAIT, "the message once the priority is 0").getBody());
    }

    @Test
    void groupchatHeadlinesAndNoStoreMessagesAreNotKept() throws Exception {
        XMPPTCPConnection romeo = server.login(server.newAccount("romeo4"));
        Account juliet = server.newAccount("juliet4");
        Message groupchat = romeo.getStanzaFactory().buildMessageStanza().to(juliet.bareJid()).ofType(Message.Type.groupchat)
                .setBody("group").build();
        Message headline = romeo.getStanzaFactory().buildMessageStanza().to(juliet.bareJid()).ofType(Message.Type.headline)
                .setBody("news").build();
        Message noStore = romeo.getStanzaFactory().buildMessageStanza().to(juliet.bareJid()).ofType(Message.Type.chat)
                .setBody("off the record").addExtension(StandardExtensionElement.builder("no-store", "urn:xmpp:hints").build())
                .build();
        assertEquals(StanzaError.Condition.service_unavailable, sendAndCollectError(romeo, groupchat).getError().getCondition());
        assertNull(sendAndCollectError(romeo, headline), "a headline is dropped silently (RFC 6121 section 8.5.2.2.1)");
        Message refused = sendAndCollectError(romeo, noStore);
        assertNotNull(refused, "the sender learns a no-store message was not delivered");
        assertEquals(StanzaError.Condition.service_unavailable, refused.getError().getCondition());

        Recipient j = signIn(juliet, "home", 0);
        Xmpp.pingServer(j.connection());
        romeo.sendStanza(Xmpp.chat(romeo, juliet.bareJid(), "live"));
        assertEquals("live", j.inbox().next(WAIT, "the live message").getBody(), "none of the three was kept");
    }

    @Test
    void pastTheQuotaTheSenderGetsServiceUnavailableAndNothingKeptIsDropped() throws Exception {
        XMPPTCPConnection romeo = server.login(server.newAccount("romeo5"));
        Account juliet = server.newAccount("juliet5");
        for (int i = 0; i < QUOTA; i++) {
            assertNull(sendAndCollectError(romeo, Xmpp.chat(romeo, juliet.bareJid(), "kept " + i)));
        }
        Message refused = sendAndCollectError(romeo, Xmpp.chat(romeo, juliet.bareJid(), "one too many"));
        assertNotNull(refused, "the sender is told");
        assertEquals(StanzaError.Condition.service_unavailable, refused.getError().getCondition(), "XEP-0160 section 5");
        assertEquals(juliet.bareJid(), refused.getFrom());

        Recipient j = signIn(juliet, "home", 0);
        assertEquals(List.of("kept 0", "kept 1", "kept 2"), bodies(j.inbox(), QUOTA), "the first ones, all of them");
    }

    @Test
    void anInvalidQuotaIsRefusedByNameAndTheOldOneStays() throws Exception {
        Path file = server.base().resolve("etc").resolve("org.parley.offline.cfg");
        String original = Files.readString(file);
        long offset = server.logSize();
        rewrite(file, original.replaceAll("(?m)^maxMessagesPerUser\\s*=.*$", "maxMessagesPerUser = 0"));
        server.awaitLog(offset, "maxMessagesPerUser", WAIT);
        assertTrue(server.logSince(offset).contains("the previous quota (" + QUOTA + " messages"), server.logSince(offset));
        try {
            XMPPTCPConnection romeo = server.login(server.newAccount("romeo6"));
            Account juliet = server.newAccount("juliet6");
            assertNull(sendAndCollectError(romeo, Xmpp.chat(romeo, juliet.bareJid(), "still kept")), "the old quota still admits it");
        } finally {
            rewrite(file, original);
        }
    }

    private static void rewrite(Path file, String content) throws Exception {
        // Write beside it and move: FileInstall never reads a half-written file.
        Path tmp = file.resolveSibling("offline.cfg.tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
