package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.BareJid;

/**
 * Two Smack users send each other subscribe at the same moment (RFC 6121 Appendix A), then both
 * approve at the same moment, for 12 pairs: each side ends with exactly one item for the other,
 * first pending out with the other's request received once, then both.
 */
class CrossingSubscriptionsTest {
    private static final int PAIRS = 12;

    static {
        Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.manual);
    }

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    private static void together(XMPPTCPConnection a, XMPPTCPConnection b, Presence.Type type) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(2);
        List<Exception> failed = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread ta = new Thread(() -> send(barrier, a, b.getUser().asBareJid(), type, failed));
        Thread tb = new Thread(() -> send(barrier, b, a.getUser().asBareJid(), type, failed));
        ta.start();
        tb.start();
        ta.join(20_000);
        tb.join(20_000);
        assertTrue(failed.isEmpty(), failed.toString());
    }

    private static void send(CyclicBarrier barrier, XMPPTCPConnection from, BareJid to, Presence.Type type, List<Exception> failed) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
            from.sendStanza(from.getStanzaFactory().buildPresenceStanza().ofType(type).to(to).build());
        } catch (Exception e) {
            failed.add(e);
        }
    }

    @Test
    void crossingRequestsAndApprovalsEndInOneItemWithBothOnEachSide() throws Exception {
        List<Account> accounts = server.newAccounts("cross", 2 * PAIRS);
        for (int i = 0; i < PAIRS; i++) {
            Account aa = accounts.get(2 * i);
            Account ba = accounts.get(2 * i + 1);
            XMPPTCPConnection a = server.login(aa, "r");
            XMPPTCPConnection b = server.login(ba, "r");
            Roster ra = Roster.getInstanceFor(a);
            Roster rb = Roster.getInstanceFor(b);
            ra.reloadAndWait();
            rb.reloadAndWait();
            List<Presence> requestsToA = RosterTest.collect(a, Presence.Type.subscribe);
            List<Presence> requestsToB = RosterTest.collect(b, Presence.Type.subscribe);

            together(a, b, Presence.Type.subscribe);
            awaitPair("both asked (pair " + i + ")", ra, rb, aa.bareJid(), ba.bareJid(), requestsToA, requestsToB,
                    () -> pending(ra, ba.bareJid()) && pending(rb, aa.bareJid()) && requestsToA.size() == 1 && requestsToB.size() == 1);

            together(a, b, Presence.Type.subscribed);
            awaitPair("both see each other (pair " + i + ")", ra, rb, aa.bareJid(), ba.bareJid(), requestsToA, requestsToB,
                    () -> both(ra, ba.bareJid()) && both(rb, aa.bareJid()));
            ra.reloadAndWait();
            rb.reloadAndWait();
            assertEquals(1, ra.getEntries().size(), "one item on " + aa.local() + "'s side");
            assertEquals(1, rb.getEntries().size(), "one item on " + ba.local() + "'s side");
            assertTrue(both(ra, ba.bareJid()) && both(rb, aa.bareJid()), "as stored");
            Thread.sleep(200); // no late, duplicated request may come after: checked below
            assertEquals(1, requestsToA.size(), "the request reached " + aa.local() + " once");
            assertEquals(1, requestsToB.size(), "the request reached " + ba.local() + " once");
            a.disconnect();
            b.disconnect();
        }
    }

    /** As RosterTest.await, but a timeout says what each side had then, so a failure tells a lost stanza from a slow one. */
    private static void awaitPair(String what, Roster ra, Roster rb, BareJid a, BareJid b, List<Presence> requestsToA,
            List<Presence> requestsToB, java.util.function.BooleanSupplier condition) throws InterruptedException {
        try {
            RosterTest.await(what, condition);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; " + a + " has " + describe(ra, b) + ", " + b + " has " + describe(rb, a)
                    + ", requests received " + requestsToA.size() + " and " + requestsToB.size(), e);
        }
    }

    private static String describe(Roster r, BareJid contact) {
        RosterEntry e = r.getEntry(contact);
        return e == null ? "no item" : e.getType() + (e.isSubscriptionPending() ? " (asked)" : "");
    }

    private static boolean pending(Roster r, BareJid contact) {
        RosterEntry e = r.getEntry(contact);
        return e != null && e.isSubscriptionPending() && e.getType() == RosterPacket.ItemType.none;
    }

    private static boolean both(Roster r, BareJid contact) {
        RosterEntry e = r.getEntry(contact);
        return e != null && e.getType() == RosterPacket.ItemType.both && !e.isSubscriptionPending();
    }
}
