package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hundreds of users with mutual subscriptions sign in at the same moment and sign off at the same
 * moment (bench-s5 findings 1 and 4): each contact resource's available presence reaches every
 * contact exactly once (RFC 6121 sections 4.2.2 and 4.3.2: not once from the broadcast and again
 * from the probe answer), and when most of them leave at once, by closing their connections
 * without a word (the server sends their unavailable presence), every contact still online gets
 * every unavailable presence, once. Counted per sender resource, not sampled.
 */
class MassPresenceTest {
    static final int USERS = 200;
    /** Each user is subscribed both ways to the NEIGHBOURS users on either side of it on a ring. */
    static final int NEIGHBOURS = 3;
    static final String WAVE = "wave";
    private static final Duration WAIT = Duration.ofSeconds(120);
    /** Duplicates would come after the first copy; the count is taken once no presence arrived for this long. */
    private static final Duration QUIET = Duration.ofSeconds(3);

    static {
        Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.manual);
    }

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().transport("maxConnectionsPerAddress", USERS + 50).build();

    private static List<Integer> contactsOf(int i) {
        List<Integer> c = new ArrayList<>();
        for (int d = 1; d <= NEIGHBOURS; d++) {
            c.add(Math.floorMod(i + d, USERS));
            c.add(Math.floorMod(i - d, USERS));
        }
        return c;
    }

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void everyContactGetsEachAvailablePresenceOnceAtASimultaneousSignInAndEveryUnavailableAtAMassSignOff() throws Exception {
        List<Account> accounts = server.newAccounts("mass", USERS);
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            subscribeRing(accounts, threads);

            // Who got which presence from whom: "to <- from/resource type" -> count.
            Map<String, Integer> got = new ConcurrentHashMap<>();
            AtomicLong lastArrival = new AtomicLong(System.nanoTime());
            List<XMPPTCPConnection> wave = new ArrayList<>();
            for (int i = 0; i < USERS; i++) {
                XMPPTCPConnection c = server.newConnection(server.smackConfig(accounts.get(i), WAVE).build());
                c.setUseStreamManagement(false); // a closed connection ends the session at once (no resumption wait)
                String me = accounts.get(i).local();
                c.addSyncStanzaListener(s -> {
                    Presence p = (Presence) s;
                    if (p.getFrom() != null && p.getFrom().hasResource() && !p.getFrom().asBareJid().toString().startsWith(me + "@")) {
                        got.merge(me + " <- " + p.getFrom() + " " + p.getType(), 1, Integer::sum);
                        lastArrival.set(System.nanoTime());
                    }
                }, s -> s instanceof Presence);
                wave.add(c);
            }

            CountDownLatch go = new CountDownLatch(1);
            List<Future<Void>> logins = new ArrayList<>();
            for (XMPPTCPConnection c : wave) {
                logins.add(threads.submit(() -> {
                    go.await();
                    c.connect();
                    c.login(); // sends initial presence
                    return null;
                }));
            }
            go.countDown();
            for (Future<Void> f : logins) {
                f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }

            int expectedAvailable = USERS * 2 * NEIGHBOURS;
            RosterTest.await("every user sees every contact's wave resource available", () -> count(got, "available") >= expectedAvailable);
            awaitQuiet(lastArrival);
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < USERS; i++) {
                for (int j : contactsOf(i)) {
                    String key = accounts.get(i).local() + " <- " + accounts.get(j).local() + "@" + ParleyServer.DOMAIN + "/" + WAVE + " available";
                    int n = got.getOrDefault(key, 0);
                    if (n != 1) {
                        wrong.add(key + " x" + n);
                    }
                }
            }
            assertTrue(wrong.isEmpty(), wrong.size() + " contact resources not seen exactly once: " + wrong.subList(0, Math.min(20, wrong.size())));
            assertEquals(expectedAvailable, count(got, "available"), "no available presence beyond one per contact resource");

            // Three users in four leave at once by dropping their connections; the fourth watches.
            CountDownLatch leave = new CountDownLatch(1);
            List<Future<Void>> leaving = new ArrayList<>();
            int expectedUnavailable = 0;
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < USERS; i++) {
                if (i % 4 == 0) {
                    for (int j : contactsOf(i)) {
                        if (j % 4 != 0) {
                            expectedUnavailable++;
                            expected.add(accounts.get(i).local() + " <- " + accounts.get(j).local() + "@" + ParleyServer.DOMAIN + "/" + WAVE + " unavailable");
                        }
                    }
                    continue;
                }
                XMPPTCPConnection c = wave.get(i);
                leaving.add(threads.submit((Callable<Void>) () -> {
                    leave.await();
                    c.instantShutdown();
                    return null;
                }));
            }
            leave.countDown();
            for (Future<Void> f : leaving) {
                f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            RosterTest.await("every watcher sees every leaving contact go", () -> expected.stream().allMatch(got::containsKey));
            awaitQuiet(lastArrival);
            List<String> missing = new ArrayList<>();
            for (String key : expected) {
                int n = got.getOrDefault(key, 0);
                if (n != 1) {
                    missing.add(key + " x" + n);
                }
            }
            assertTrue(missing.isEmpty(), missing.size() + " unavailable presences not received exactly once: " + missing);
            Set<String> watchers = new HashSet<>();
            for (int i = 0; i < USERS; i += 4) {
                watchers.add(accounts.get(i).local() + " <- ");
            }
            int watched = 0;
            for (Map.Entry<String, Integer> e : got.entrySet()) {
                if (e.getKey().endsWith("/" + WAVE + " unavailable") && watchers.contains(e.getKey().substring(0, e.getKey().indexOf(" <- ") + 4))) {
                    watched += e.getValue();
                }
            }
            assertEquals(expectedUnavailable, watched, "the watchers saw nothing else go unavailable");
            assertEquals(expectedAvailable, count(got, "available"), "and nobody came back");
        } finally {
            threads.shutdownNow();
        }
    }

    private static int count(Map<String, Integer> got, String type) {
        int n = 0;
        for (Map.Entry<String, Integer> e : got.entrySet()) {
            if (e.getKey().endsWith("/" + WAVE + " " + type)) { // what setup sessions still send is theirs
                n += e.getValue();
            }
        }
        return n;
    }

    private static void awaitQuiet(AtomicLong lastArrival) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() - lastArrival.get() < QUIET.toNanos()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("presence kept arriving for " + WAIT);
            }
            Thread.sleep(100);
        }
    }

    /**
     * Each pair asks and approves both ways over the protocol, as two people would, on connections
     * of a setup resource that then sign off; every roster shows 'both' before they do.
     */
    private static void subscribeRing(List<Account> accounts, ExecutorService threads) throws Exception {
        List<Future<XMPPTCPConnection>> logins = new ArrayList<>();
        for (Account a : accounts) {
            logins.add(threads.submit(() -> server.login(a, "setup")));
        }
        List<XMPPTCPConnection> setup = new ArrayList<>();
        for (Future<XMPPTCPConnection> f : logins) {
            setup.add(f.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        for (XMPPTCPConnection c : setup) {
            Roster.getInstanceFor(c).reloadAndWait();
        }
        for (int i = 0; i < USERS; i++) {
            for (int j : contactsOf(i)) {
                XMPPTCPConnection a = setup.get(i);
                XMPPTCPConnection b = setup.get(j);
                a.sendStanza(a.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.subscribe).to(b.getUser().asBareJid()).build());
                b.sendStanza(b.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.subscribed).to(a.getUser().asBareJid()).build());
            }
        }
        for (int i = 0; i < USERS; i++) {
            Roster roster = Roster.getInstanceFor(setup.get(i));
            for (int j : contactsOf(i)) {
                var contact = setup.get(j).getUser().asBareJid();
                RosterTest.await(setup.get(i).getUser() + " has " + contact + " both ways", () -> roster.getEntry(contact) != null
                        && roster.getEntry(contact).getType() == RosterPacket.ItemType.both);
            }
        }
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Future<?>> gone = new ArrayList<>();
        for (XMPPTCPConnection c : setup) {
            gone.add(threads.submit(() -> {
                try {
                    c.disconnect();
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }));
        }
        for (Future<?> f : gone) {
            f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        assertTrue(failures.isEmpty(), failures.toString());
    }
}
