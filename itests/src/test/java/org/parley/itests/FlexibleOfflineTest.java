package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.StanzaExtensionFilter;
import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.offline.OfflineMessageHeader;
import org.jivesoftware.smackx.offline.OfflineMessageManager;
import org.jivesoftware.smackx.offline.packet.OfflineMessageInfo;
import org.jivesoftware.smackx.offline.packet.OfflineMessageRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * XEP-0013 flexible offline retrieval with Smack's own client for it: discovery, count, headers,
 * view and remove by node, fetch and purge; a node that does not exist is item-not-found; and a
 * client that used it gets no flood of offline messages at its presence.
 */
class FlexibleOfflineTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    @Test
    void aClientCountsReadsAndRemovesItsMessagesAndIsNotFloodedAtPresence() throws Exception {
        XMPPTCPConnection romeo = server.login(server.newAccount("flex-romeo"));
        Account juliet = server.newAccount("flex-juliet");
        for (String body : List.of("one", "two", "three")) {
            romeo.sendStanza(Xmpp.chat(romeo, juliet.bareJid(), body));
        }
        Xmpp.pingServer(romeo);

        XMPPTCPConnection j = server.login(server.smackConfig(juliet, "phone").setSendPresence(false).build());
        OfflineMessageManager offline = OfflineMessageManager.getInstanceFor(j);
        assertTrue(offline.supportsFlexibleRetrieval(), "the server lists XEP-0013 in disco#info");
        assertEquals(3, offline.getMessageCount());
        List<OfflineMessageHeader> headers = offline.getHeaders();
        assertEquals(3, headers.size());
        assertEquals(romeo.getUser().toString(), headers.get(0).getJid().toString(), "the header names the sender");

        List<Message> viewed = offline.getMessages(List.of(headers.get(1).getStamp()));
        assertEquals(List.of("two"), viewed.stream().map(Message::getBody).toList());
        offline.deleteMessages(List.of(headers.get(1).getStamp()));
        assertEquals(2, offline.getMessageCount(), "removed by its node");

        XMPPException.XMPPErrorException missing = assertThrows(XMPPException.XMPPErrorException.class,
                () -> offline.deleteMessages(List.of("999999")));
        assertEquals(StanzaError.Condition.item_not_found, missing.getStanzaError().getCondition());

        Inbox inbox = Inbox.of(j); // from here on: what arrives without being asked for
        j.sendStanza(Xmpp.available(j, 0));
        Xmpp.pingServer(j);
        romeo.sendStanza(Xmpp.chat(romeo, juliet.bareJid(), "live"));
        assertEquals("live", inbox.next(WAIT, "the live message").getBody(), "no flood of offline messages at presence");

        List<Message> all = fetch(j);
        assertEquals(List.of("one", "three"), all.stream().map(Message::getBody).toList());
        offline.deleteMessages();
        assertEquals(0, offline.getMessageCount(), "purged");
    }

    /** An upgrade of the offline bundle keeps the mark: its successor does not flood the client either. */
    @Test
    void aClientThatRetrievesItselfIsNotFloodedAfterAnUpgradeEither() throws Exception {
        XMPPTCPConnection romeo = server.login(server.newAccount("flex-up-romeo"));
        Account juliet = server.newAccount("flex-up-juliet");
        romeo.sendStanza(Xmpp.chat(romeo, juliet.bareJid(), "kept for her"));
        Xmpp.pingServer(romeo);

        XMPPTCPConnection j = server.login(server.smackConfig(juliet, "phone").setSendPresence(false).build());
        OfflineMessageManager offline = OfflineMessageManager.getInstanceFor(j);
        assertEquals(1, offline.getMessageCount());
        Inbox inbox = Inbox.of(j);
        j.sendStanza(Xmpp.available(j, 0));
        Xmpp.pingServer(j);

        long logBefore = server.logSize();
        String upgraded = Bundles.deployNewerVersion(server, "offline", "99.0.0");
        server.awaitLog(logBefore, upgraded, WAIT);
        server.awaitLog(logBefore, "Took over the offline state: 1 session", WAIT);
        // The successor delivers what waits to users who are online: not to her, who asks for it herself.
        romeo.sendStanza(Xmpp.chat(romeo, juliet.bareJid(), "live after the upgrade"));
        assertEquals("live after the upgrade", inbox.next(WAIT, "the live message").getBody(), "no flood after the upgrade");
        assertEquals(List.of("kept for her"), fetch(j).stream().map(Message::getBody).toList());
    }

    /**
     * XEP-0013's fetch, as {@link OfflineMessageManager#getMessages()} does it but with the collector
     * opened before the request goes out: Smack 4.5.0-rc1 opens it after sending, so on a busy machine
     * the server's messages (sent, as the XEP says, before its result) can pass before it listens.
     */
    private static List<Message> fetch(XMPPTCPConnection connection) throws Exception {
        OfflineMessageRequest request = new OfflineMessageRequest();
        request.setFetch(true);
        StanzaFilter marked = new AndFilter(StanzaTypeFilter.MESSAGE, new StanzaExtensionFilter(new OfflineMessageInfo()));
        try (StanzaCollector messages = connection.createStanzaCollector(marked)) {
            connection.sendIqRequestAndWaitForResponse(request);
            List<Message> fetched = new ArrayList<>();
            for (Stanza m = messages.pollResult(); m != null; m = messages.pollResult()) {
                fetched.add((Message) m);
            }
            return fetched;
        }
    }
}
