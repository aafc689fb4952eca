package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.MessageTypeFilter;
import org.jivesoftware.smack.filter.StanzaIdFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.blocking.BlockingCommandManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN rule 6 for the roster: four users subscribed to each other change their presence every
 * 50 ms while the roster bundle is replaced through deploy/. Every presence change reaches every
 * contact once and in order (none held back for good, none repeated by probes the successor would
 * send if it took a running session for a new sign-in), nobody receives unavailable presence, no
 * stream ends, and a subscription request sent during the upgrade arrives afterwards. Roster
 * pushes go on reaching the resources that asked for the roster before the upgrade.
 */
class RosterUpgradeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int USERS = 4;

    static {
        Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.manual);
    }

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    @Test
    void replacingTheRosterUnderSubscribedUsersLosesNoPresenceAndShowsNoOneOffline() throws Exception {
        List<Account> accounts = server.newAccounts("up", USERS + 1);
        List<XMPPTCPConnection> clients = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            clients.add(server.login(accounts.get(i), "r" + i));
        }
        XMPPTCPConnection secondResource = server.login(accounts.get(0), "second");
        XMPPTCPConnection late = server.login(accounts.get(USERS), "late");
        for (XMPPTCPConnection c : clients) {
            Roster.getInstanceFor(c).reloadAndWait();
        }
        Roster.getInstanceFor(secondResource).reloadAndWait();
        subscribeEveryoneToEveryone(clients);

        // Who received which status sequence numbers from whom, and any unavailable presence.
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        List<String> unavailable = new CopyOnWriteArrayList<>();
        List<String> closed = new CopyOnWriteArrayList<>();
        List<String> streams = new ArrayList<>();
        for (XMPPTCPConnection c : clients) {
            streams.add(c.getStreamId());
            String me = c.getUser().toString();
            c.addSyncStanzaListener(s -> {
                Presence p = (Presence) s;
                if (p.getType() == Presence.Type.unavailable) {
                    unavailable.add(me + " got unavailable from " + p.getFrom());
                } else if (p.getType() == Presence.Type.available && p.getStatus() != null && p.getStatus().startsWith("seq ")) {
                    seen.computeIfAbsent(me + "<" + p.getFrom(), k -> new CopyOnWriteArrayList<>())
                            .add(Integer.parseInt(p.getStatus().substring(4)));
                }
            }, s -> s instanceof Presence);
            c.addConnectionListener(new ConnectionListener() {
                @Override
                public void connectionClosedOnError(Exception e) {
                    closed.add(me + ": " + e);
                }
            });
        }
        // Block lists (XEP-0191) live in the roster bundle too: one stored before the upgrade, and a
        // resource that asked for its list before, which must still get the pushes after.
        XMPPTCPConnection lateOther = server.login(accounts.get(USERS), "late-other");
        BlockingCommandManager.getInstanceFor(late).blockContacts(List.of(accounts.get(USERS - 1).bareJid()));
        BlockingCommandManager lateOtherBlocking = BlockingCommandManager.getInstanceFor(lateOther);
        assertEquals(List.of(accounts.get(USERS - 1).bareJid()), lateOtherBlocking.getBlockList());
        List<Presence> lateRequests = new CopyOnWriteArrayList<>();
        late.addSyncStanzaListener(s -> lateRequests.add((Presence) s), s -> s instanceof Presence p && p.getType() == Presence.Type.subscribe);

        AtomicBoolean running = new AtomicBoolean(true);
        List<AtomicInteger> sent = new ArrayList<>();
        List<Thread> senders = new ArrayList<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        for (XMPPTCPConnection c : clients) {
            AtomicInteger n = new AtomicInteger();
            sent.add(n);
            Thread t = new Thread(() -> {
                try {
                    while (running.get()) {
                        c.sendStanza(c.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.available)
                                .setStatus("seq " + n.get()).build());
                        n.incrementAndGet();
                        Thread.sleep(50);
                    }
                } catch (Exception e) {
                    failures.add(c.getUser() + ": " + e);
                }
            });
            senders.add(t);
            t.start();
        }
        Thread.sleep(1000);

        long logBefore = server.logSize();
        Path shipped = Bundles.parleyJar(server.dist(), "roster");
        Path upgrade = server.base().resolve("roster-99.jar");
        Bundles.copyWithVersion(shipped, upgrade, "99.0.0");
        Files.move(upgrade, server.base().resolve("deploy").resolve(upgrade.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        // Sent while the bundle is being replaced: held, then handled by the successor.
        clients.get(0).sendStanza(clients.get(0).getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.subscribe)
                .to(late.getUser().asBareJid()).build());
        server.awaitLog(logBefore, "Upgraded " + Bundles.symbolicName(shipped) + " from", WAIT);
        Thread.sleep(2000);
        running.set(false);
        for (Thread t : senders) {
            t.join(5000);
        }

        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline && !allSeen(clients, sent, seen)) {
            Thread.sleep(50);
        }
        String log = server.logSince(logBefore);
        assertTrue(failures.isEmpty(), "sending failed: " + failures);
        assertTrue(closed.isEmpty(), "connections closed: " + closed);
        for (int i = 0; i < USERS; i++) {
            assertTrue(clients.get(i).isAuthenticated(), "client " + i + " still signed in");
            assertEquals(streams.get(i), clients.get(i).getStreamId(), "client " + i + " is on the stream it opened");
        }
        assertTrue(unavailable.isEmpty(), "nobody appears offline: " + unavailable + "\n" + log);
        for (int to = 0; to < USERS; to++) {
            for (int from = 0; from < USERS; from++) {
                if (from == to) {
                    continue;
                }
                List<Integer> got = seen.getOrDefault(clients.get(to).getUser() + "<" + clients.get(from).getUser(), List.of());
                List<Integer> expected = java.util.stream.IntStream.range(0, sent.get(from).get()).boxed().toList();
                assertEquals(expected, got, "client " + to + " saw every status of client " + from + " once, in order\n" + log);
            }
        }
        int total = sent.stream().mapToInt(AtomicInteger::get).sum();
        assertTrue(total > 4 * 40, "traffic went on through the upgrade: " + total);
        RosterTest.await("the request sent during the upgrade arrived", () -> !lateRequests.isEmpty());

        // The successor pushes to the resources that asked for the roster before it came.
        Roster second = Roster.getInstanceFor(secondResource);
        Roster.getInstanceFor(clients.get(0)).createItem(accounts.get(USERS).bareJid(), "Late after the upgrade", null);
        RosterTest.await("the other resource got the push", () -> second.getEntry(accounts.get(USERS).bareJid()) != null
                && "Late after the upgrade".equals(second.getEntry(accounts.get(USERS).bareJid()).getName()));
        // The successor reads the stored block list and pushes to the resource that asked before it came.
        XMPPTCPConnection blocked = clients.get(USERS - 1);
        Message hello = Xmpp.chat(blocked, late.getUser().asBareJid(), "hello?");
        Message refusal = blocked.createStanzaCollectorAndSend(new AndFilter(MessageTypeFilter.ERROR, new StanzaIdFilter(hello)), hello)
                .nextResult(WAIT.toMillis());
        assertNotNull(refusal, "the blocked contact's message is answered");
        assertEquals(StanzaError.Condition.service_unavailable, refusal.getError().getCondition(), "still blocked after the upgrade");
        org.jxmpp.jid.Jid spam = org.jxmpp.jid.impl.JidCreate.from("spam.example");
        BlockingCommandManager.getInstanceFor(late).blockContacts(List.of(spam));
        RosterTest.await("the resource that asked for the block list before the upgrade got the push", () -> {
            try {
                return lateOtherBlocking.getBlockList().contains(spam);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        System.out.println("roster upgrade: " + total + " presence changes, each seen once by " + (USERS - 1) + " contacts; log:\n" + log);
    }

    private static boolean allSeen(List<XMPPTCPConnection> clients, List<AtomicInteger> sent, Map<String, List<Integer>> seen) {
        for (int to = 0; to < clients.size(); to++) {
            for (int from = 0; from < clients.size(); from++) {
                if (from != to && seen.getOrDefault(clients.get(to).getUser() + "<" + clients.get(from).getUser(), List.of()).size()
                        < sent.get(from).get()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Every pair asks and approves both ways, as two people would; then every roster shows 'both'. */
    private static void subscribeEveryoneToEveryone(List<XMPPTCPConnection> clients) throws Exception {
        for (int i = 0; i < clients.size(); i++) {
            for (int j = 0; j < clients.size(); j++) {
                if (i != j) {
                    XMPPTCPConnection a = clients.get(i);
                    a.sendStanza(a.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.subscribe)
                            .to(clients.get(j).getUser().asBareJid()).build());
                    XMPPTCPConnection b = clients.get(j);
                    b.sendStanza(b.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.subscribed)
                            .to(a.getUser().asBareJid()).build());
                }
            }
        }
        for (XMPPTCPConnection c : clients) {
            Roster roster = Roster.getInstanceFor(c);
            for (XMPPTCPConnection other : clients) {
                if (other != c) {
                    RosterTest.await(c.getUser() + " has " + other.getUser() + " both ways", () -> roster.getEntry(other.getUser().asBareJid()) != null
                            && roster.getEntry(other.getUser().asBareJid()).getType() == RosterPacket.ItemType.both
                            && roster.getPresence(other.getUser().asBareJid()).isAvailable());
                }
            }
        }
    }
}
