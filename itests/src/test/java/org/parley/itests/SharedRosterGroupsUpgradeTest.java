package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN rule 6 for shared roster groups: three members of a configured group (no subscription of
 * their own) change their presence every 50 ms while the roster bundle is replaced through
 * deploy/. Every change reaches each other member once and in order, nobody sees anyone go
 * unavailable, no roster push removes anyone, no stream ends; afterwards a change of the groups
 * still reaches the members' rosters (the successor's configuration source is bound).
 */
class SharedRosterGroupsUpgradeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int USERS = 3;

    static {
        Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.manual);
    }

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    @Test
    void replacingTheRosterKeepsSharedGroupRostersAndPresence() throws Exception {
        List<Account> accounts = server.newAccounts("sgup", USERS + 1);
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < USERS; i++) {
            members.append(i == 0 ? "" : ", ").append(accounts.get(i).local());
        }
        SharedRosterGroupsTest.configure(server, "Team: " + members);
        List<XMPPTCPConnection> clients = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            clients.add(server.login(accounts.get(i), "r" + i));
        }
        for (XMPPTCPConnection c : clients) {
            Roster r = Roster.getInstanceFor(c);
            RosterTest.await(c.getUser() + " sees the whole team online", () -> {
                try {
                    r.reloadAndWait();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return r.getEntries().size() == USERS - 1 && r.getEntries().stream()
                        .allMatch(e -> e.getType() == RosterPacket.ItemType.both && r.getPresence(e.getJid()).isAvailable());
            });
        }

        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        List<String> unavailable = new CopyOnWriteArrayList<>();
        List<String> closed = new CopyOnWriteArrayList<>();
        List<String> removed = new CopyOnWriteArrayList<>();
        List<String> streams = new ArrayList<>();
        for (XMPPTCPConnection c : clients) {
            streams.add(c.getStreamId());
            String me = c.getUser().toString();
            c.addSyncStanzaListener(s -> {
                Presence p = (Presence) s;
                if (p.getType() == Presence.Type.unavailable) {
                    unavailable.add(me + " got unavailable from " + p.getFrom());
                } else if (p.getType() == Presence.Type.available && p.getStatus() != null && p.getStatus().startsWith("seq ")) {
                    seen.computeIfAbsent(me + "<" + p.getFrom(), k -> new CopyOnWriteArrayList<>()).add(Integer.parseInt(p.getStatus().substring(4)));
                }
            }, s -> s instanceof Presence);
            Roster.getInstanceFor(c).addRosterListener(new org.jivesoftware.smack.roster.AbstractRosterListener() {
                @Override
                public void entriesDeleted(java.util.Collection<org.jxmpp.jid.Jid> addresses) {
                    removed.add(me + " lost " + addresses);
                }
            });
            c.addConnectionListener(new ConnectionListener() {
                @Override
                public void connectionClosedOnError(Exception e) {
                    closed.add(me + ": " + e);
                }
            });
        }

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
                        c.sendStanza(c.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.available).setStatus("seq " + n.get()).build());
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
        String upgraded = Bundles.deployNewerVersion(server, "roster", "99.0.0");
        server.awaitLog(logBefore, upgraded, WAIT);
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
        assertTrue(removed.isEmpty(), "no member was pushed out of a roster: " + removed + "\n" + log);
        for (int to = 0; to < USERS; to++) {
            for (int from = 0; from < USERS; from++) {
                if (from != to) {
                    List<Integer> got = seen.getOrDefault(clients.get(to).getUser() + "<" + clients.get(from).getUser(), List.of());
                    assertEquals(IntStream.range(0, sent.get(from).get()).boxed().toList(), got,
                            "client " + to + " saw every status of client " + from + " once, in order\n" + log);
                }
            }
        }
        int total = sent.stream().mapToInt(AtomicInteger::get).sum();
        assertTrue(total > USERS * 40, "traffic went on through the upgrade: " + total);

        // The successor's configuration source is in use: a new member reaches the rosters by a push.
        SharedRosterGroupsTest.configure(server, "Team: " + members + ", " + accounts.get(USERS).local());
        Roster first = Roster.getInstanceFor(clients.get(0));
        RosterTest.await("the new member is pushed after the upgrade", () -> first.getEntry(accounts.get(USERS).bareJid()) != null);
        System.out.println("shared groups upgrade: " + total + " presence changes, each seen once by " + (USERS - 1) + " members");
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
}
