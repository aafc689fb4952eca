package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.privacy.PrivacyListManager;
import org.jivesoftware.smackx.privacy.packet.Privacy;
import org.jivesoftware.smackx.privacy.packet.PrivacyItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.Jid;

/**
 * DESIGN rule 6 for privacy lists: alice's laptop has an active list that denies bob's messages
 * (her phone has none, and she has no default list) while bob and carol write to both resources
 * every 20 ms and the roster bundle is replaced through deploy/. The active list is session state,
 * handed to the successor: every message bob sends the laptop is refused, once, before, during and
 * after the upgrade, and none reaches it; every message of carol's to the laptop and of bob's to
 * the phone arrives once and in order; no stream ends.
 */
class PrivacyUpgradeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    /** One sender writing numbered messages to one full JID. */
    private record Stream(XMPPTCPConnection from, Jid to, String tag, List<String> sentIds) {
    }

    @Test
    void anActiveListKeepsWorkingWhileTheRosterBundleIsReplaced() throws Exception {
        List<Account> accounts = server.newAccounts("pup", 3);
        XMPPTCPConnection phone = server.login(accounts.get(0), "phone");
        XMPPTCPConnection laptop = server.login(accounts.get(0), "laptop");
        XMPPTCPConnection bob = server.login(accounts.get(1), "desk");
        XMPPTCPConnection carol = server.login(accounts.get(2), "desk");
        List<XMPPTCPConnection> all = List.of(phone, laptop, bob, carol);

        PrivacyListManager onLaptop = PrivacyListManager.getInstanceFor(laptop);
        PrivacyItem noBob = new PrivacyItem(PrivacyItem.Type.jid, accounts.get(1).bareJid().toString(), false, 1);
        noBob.setFilterMessage(true);
        onLaptop.createPrivacyList("no-bob", List.of(noBob));
        onLaptop.setActiveListName("no-bob");

        // What each connection receives: message bodies per sender tag, and bob's refusals by id.
        Map<String, List<Integer>> received = new ConcurrentHashMap<>();
        List<String> refused = new CopyOnWriteArrayList<>();
        List<String> otherErrors = new CopyOnWriteArrayList<>();
        List<String> closed = new CopyOnWriteArrayList<>();
        for (XMPPTCPConnection c : all) {
            String me = c.getUser().getResourceOrThrow() + "@" + c.getUser().getLocalpart();
            c.addSyncStanzaListener(s -> {
                Message m = (Message) s;
                if (m.getType() == Message.Type.error) {
                    if (c == bob && m.getError().getCondition() == StanzaError.Condition.service_unavailable) {
                        refused.add(m.getStanzaId());
                    } else {
                        otherErrors.add(me + ": " + m.toXML());
                    }
                } else if (m.getBody() != null) {
                    String[] parts = m.getBody().split(" ");
                    received.computeIfAbsent(me + "<" + parts[0], k -> new CopyOnWriteArrayList<>()).add(Integer.parseInt(parts[1]));
                }
            }, s -> s instanceof Message);
            c.addConnectionListener(new ConnectionListener() {
                @Override
                public void connectionClosedOnError(Exception e) {
                    closed.add(me + ": " + e);
                }
            });
        }
        List<String> streamIds = all.stream().map(XMPPTCPConnection::getStreamId).toList();

        List<Stream> streams = List.of(new Stream(bob, laptop.getUser(), "bob-to-laptop", new CopyOnWriteArrayList<>()),
                new Stream(bob, phone.getUser(), "bob-to-phone", new CopyOnWriteArrayList<>()),
                new Stream(carol, laptop.getUser(), "carol-to-laptop", new CopyOnWriteArrayList<>()));
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> failures = new CopyOnWriteArrayList<>();
        List<Thread> senders = new ArrayList<>();
        for (Stream st : streams) {
            Thread t = new Thread(() -> {
                try {
                    for (int n = 0; running.get(); n++) {
                        Message m = Xmpp.chat(st.from(), st.to(), st.tag() + " " + n);
                        st.sentIds().add(m.getStanzaId());
                        st.from().sendStanza(m);
                        Thread.sleep(20);
                    }
                } catch (Exception e) {
                    failures.add(st.tag() + ": " + e);
                }
            });
            senders.add(t);
            t.start();
        }
        Thread.sleep(1000);
        long logBefore = server.logSize();
        String upgraded = Bundles.deployNewerVersion(server, "roster", "99.0.0");
        server.awaitLog(logBefore, upgraded, WAIT);
        Thread.sleep(1500);
        running.set(false);
        for (Thread t : senders) {
            t.join(5000);
        }
        for (XMPPTCPConnection c : List.of(bob, carol)) {
            Xmpp.pingServer(c);
        }

        Stream toLaptop = streams.get(0);
        RosterTest.await("every message bob sent the laptop was refused", () -> refused.size() >= toLaptop.sentIds().size());
        for (int i = 1; i < streams.size(); i++) {
            Stream st = streams.get(i);
            String key = (st.to().getResourceOrNull() + "@" + st.to().getLocalpartOrNull()) + "<" + st.tag();
            RosterTest.await("every message of " + st.tag() + " arrived",
                    () -> received.getOrDefault(key, List.of()).size() >= st.sentIds().size());
        }
        String log = server.logSince(logBefore);
        assertTrue(failures.isEmpty(), "sending failed: " + failures);
        assertTrue(closed.isEmpty(), "connections closed: " + closed);
        assertTrue(otherErrors.isEmpty(), "no other errors: " + otherErrors + "\n" + log);
        for (int i = 0; i < all.size(); i++) {
            assertTrue(all.get(i).isAuthenticated());
            assertEquals(streamIds.get(i), all.get(i).getStreamId(), "connection " + i + " is on the stream it opened");
        }
        assertEquals(toLaptop.sentIds(), refused, "each of bob's messages to the laptop refused once, in order\n" + log);
        assertNull(received.get("laptop@" + accounts.get(0).bareJid().getLocalpart() + "<bob-to-laptop"), "none reached the laptop");
        for (int i = 1; i < streams.size(); i++) {
            Stream st = streams.get(i);
            String key = (st.to().getResourceOrNull() + "@" + st.to().getLocalpartOrNull()) + "<" + st.tag();
            List<Integer> expected = java.util.stream.IntStream.range(0, st.sentIds().size()).boxed().toList();
            assertEquals(expected, received.get(key), st.tag() + ": each once, in order");
        }
        assertTrue(toLaptop.sentIds().size() > 60, "traffic went on through the upgrade: " + toLaptop.sentIds().size());

        // The successor knows the laptop's active list (not the phone's: it has none).
        assertEquals("no-bob", activeListOf(laptop));
        assertNull(activeListOf(phone));
        // And applies it per session to the bare JID: the phone gets bob's message, the laptop does not.
        int phoneHad = received.getOrDefault("phone@" + accounts.get(0).bareJid().getLocalpart() + "<bare", List.of()).size();
        bob.sendStanza(Xmpp.chat(bob, accounts.get(0).bareJid(), "bare 0"));
        RosterTest.await("the phone got the message to the bare JID",
                () -> received.getOrDefault("phone@" + accounts.get(0).bareJid().getLocalpart() + "<bare", List.of()).size() == phoneHad + 1);
        Xmpp.pingServer(laptop);
        assertNull(received.get("laptop@" + accounts.get(0).bareJid().getLocalpart() + "<bare"));
        System.out.println("privacy upgrade: " + toLaptop.sentIds().size() + " refused, " + streams.get(1).sentIds().size() + " + "
                + streams.get(2).sentIds().size() + " delivered; log:\n" + log);
    }

    /** The session's active list as the server has it (Smack's manager would answer from its own cache). */
    private static String activeListOf(XMPPTCPConnection c) throws Exception {
        RawIq get = new RawIq(IQ.Type.get, null, "query", PrivacyListManager.NAMESPACE, Map.of(), "");
        IQ answer = c.sendIqRequestAndWaitForResponse(get);
        return ((Privacy) answer).getActiveName();
    }
}
