package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.SmackFuture;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.packet.Ping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A bundle upgraded through the REST API, and rolled back, while two Smack clients stay connected
 * and keep writing to each other: nobody is disconnected, and every message sent before, during
 * and after arrives exactly once, in order.
 */
class AdminBundleUpgradeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().set("parley.properties", "features", "core, im, admin").build();

    @Test
    void upgradingAndRollingBackThroughTheApiKeepsClientsConnectedAndLosesNoMessage() throws Exception {
        AdminClient admin = AdminClient.signedInAsInitialAdmin(server, WAIT);
        Account alice = server.newAccount("upg-alice");
        Account bob = server.newAccount("upg-bob");
        XMPPTCPConnection a = server.login(alice);
        XMPPTCPConnection b = server.login(bob);
        List<String> problems = new CopyOnWriteArrayList<>();
        for (XMPPTCPConnection c : List.of(a, b)) {
            c.addConnectionListener(new ConnectionListener() {
                @Override
                public void connectionClosed() {
                    problems.add(c.getUser() + " was disconnected");
                }

                @Override
                public void connectionClosedOnError(Exception e) {
                    problems.add(c.getUser() + " lost its connection: " + e);
                }
            });
            c.addSyncStanzaListener(s -> problems.add(c.getUser() + " got " + s.toXML()),
                    s -> s instanceof Message m && m.getType() == Message.Type.error);
        }
        Inbox inbox = Inbox.of(b);
        String shipped = Bundles.version(Bundles.imJar(server.dist()));
        String streamA = a.getStreamId();
        String streamB = b.getStreamId();

        AtomicInteger sent = new AtomicInteger();
        for (int i = 0; i < 20; i++) {
            a.sendStanza(Xmpp.chat(a, bob.bareJid(), "m " + sent.getAndIncrement()));
        }
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread sender = new Thread(() -> {
            try {
                while (sending.get()) {
                    a.sendStanza(Xmpp.chat(a, bob.bareJid(), "m " + sent.getAndIncrement()));
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                problems.add("sending failed: " + e);
            }
        });
        sender.start();

        Path upgrade = server.base().resolve("im-99.jar");
        Bundles.copyWithVersion(Bundles.imJar(server.dist()), upgrade, "99.0.0");
        AdminClient.Answer upgraded = admin.upload(upgrade);
        assertEquals(200, upgraded.status(), upgraded::toString);
        assertEquals(shipped, upgraded.json().get("from").asText());
        assertEquals("99.0.0", upgraded.json().get("to").asText());
        assertEquals("ACTIVE", upgraded.json().get("state").asText());
        assertEquals("99.0.0", admin.call("GET", "/api/bundles/org.parley.im").json().get("version").asText());
        Xmpp.pingServer(a); // im's successor answers

        AdminClient.Answer rolledBack = admin.call("POST", "/api/bundles/org.parley.im/rollback");
        assertEquals(200, rolledBack.status(), rolledBack::toString);
        assertEquals(shipped, rolledBack.json().get("to").asText());
        JsonNode im = admin.call("GET", "/api/bundles/org.parley.im").json();
        assertEquals(shipped, im.get("version").asText());
        assertEquals("ACTIVE", im.get("state").asText());

        Thread.sleep(500);
        sending.set(false);
        sender.join(5000);
        for (int i = 0; i < 20; i++) {
            a.sendStanza(Xmpp.chat(a, bob.bareJid(), "m " + sent.getAndIncrement()));
        }
        Xmpp.pingServer(a);

        int total = sent.get();
        Map<Integer, Integer> seen = new TreeMap<>();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            int n = Integer.parseInt(inbox.next(WAIT, "message " + (i + 1) + " of " + total).getBody().substring(2));
            seen.merge(n, 1, Integer::sum);
            order.add(n);
        }
        Xmpp.pingServer(b);
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            if (!seen.containsKey(i)) {
                missing.add(i);
            }
        }
        List<Integer> twice = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        assertTrue(missing.isEmpty() && twice.isEmpty(), "missing " + missing + ", twice " + twice);
        List<Integer> sorted = new ArrayList<>(order);
        sorted.sort(null);
        assertEquals(sorted, order, "in the order sent");
        assertTrue(problems.isEmpty(), problems::toString);
        assertTrue(a.isConnected() && b.isConnected());
        assertEquals(streamA, a.getStreamId(), "the same stream: no reconnection");
        assertEquals(streamB, b.getStreamId());
        System.out.println("admin upgrade: " + total + " messages across an upgrade (" + upgraded.json() + ") and a roll-back ("
                + rolledBack.json() + "), each delivered once");
    }

    /**
     * A request for a bundle that is away waits for it (within the grace period) instead of being
     * refused, and the server counts it: the Prometheus counter, and the growth an upgrade's
     * result reports as the stanzas it held.
     */
    @Test
    void whatAnUpgradeHoldsIsCountedAndReported() throws Exception {
        AdminClient admin = AdminClient.signedInAsInitialAdmin(server, WAIT);
        XMPPTCPConnection a = server.login(server.newAccount("held-alice"));
        double before = stanzasHeld();

        assertEquals(200, admin.call("POST", "/api/bundles/org.parley.im/stop").status());
        SmackFuture<IQ, Exception> ping = a.sendIqRequestAsync(new Ping(a, Xmpp.SERVER));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (stanzasHeld() < before + 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(before + 1, stanzasHeld(), "the ping waits for the ping handler's bundle");
        assertEquals(200, admin.call("POST", "/api/bundles/org.parley.im/start").status());
        assertEquals(IQ.Type.result, ping.getOrThrow().getType(), "answered by the bundle when it came back, not refused");

        AtomicBoolean pinging = new AtomicBoolean(true);
        List<String> problems = new CopyOnWriteArrayList<>();
        AtomicInteger answered = new AtomicInteger();
        Thread pinger = new Thread(() -> {
            try {
                while (pinging.get()) {
                    Xmpp.pingServer(a);
                    answered.incrementAndGet();
                }
            } catch (Exception e) {
                problems.add("a ping failed: " + e);
            }
        });
        pinger.start();
        Path upgrade = server.base().resolve("im-98.jar");
        Bundles.copyWithVersion(Bundles.imJar(server.dist()), upgrade, "98.0.0");
        double beforeUpgrade = stanzasHeld();
        AdminClient.Answer upgraded = admin.upload(upgrade);
        pinging.set(false);
        pinger.join(WAIT.toMillis());
        assertEquals(200, upgraded.status(), upgraded::toString);
        assertTrue(problems.isEmpty(), problems::toString);
        JsonNode held = upgraded.json().get("stanzasHeld");
        assertTrue(held != null && held.isNumber(), "the result says how many stanzas the upgrade held: " + upgraded.json());
        assertTrue(held.asLong() >= 0 && held.asLong() <= stanzasHeld() - beforeUpgrade, upgraded.json()::toString);
        System.out.println("held: a ping across a stop and start of im; " + answered.get() + " pings across an upgrade of im, "
                + held.asLong() + " of them held");
        assertEquals(200, admin.call("POST", "/api/bundles/org.parley.im/rollback").status(), "back to the shipped im for the other test");
    }

    /** bin/parley does what the console's bundles and rooms pages do, on the running server, audited. */
    @Test
    void theShellListsStopsStartsAndRollsBackBundlesAndListsAndDestroysRooms() throws Exception {
        XMPPTCPConnection owner = server.login(server.newAccount("shell-owner"));
        org.jxmpp.jid.EntityBareJid roomJid = MucTest.room("shellroom");
        org.jivesoftware.smackx.muc.MultiUserChat room = MucTest.instantRoom(owner, roomJid, "owner");

        ParleyServer.CliResult rooms = server.cli("room", "list");
        assertEquals(0, rooms.exitCode(), rooms::toString);
        assertTrue(rooms.stdout().contains(roomJid + "  1 occupant"), rooms::toString);
        ParleyServer.CliResult occupants = server.cli("room", "occupants", roomJid.getLocalpart().toString());
        assertTrue(occupants.stdout().contains("owner  " + owner.getUser() + "  moderator  owner"), occupants::toString);
        ParleyServer.CliResult missing = server.cli("room", "occupants", "no-such-room");
        assertTrue(missing.exitCode() != 0 && missing.stderr().contains("no room no-such-room@" + MucTest.SERVICE), missing::toString);
        ParleyServer.CliResult destroyed = server.cli("room", "destroy", roomJid.toString(), "moved to the lab room");
        assertEquals(0, destroyed.exitCode(), destroyed::toString);
        MucTest.await("the owner learns the room is gone", () -> !room.isJoined());
        assertTrue(!server.cli("room", "list").stdout().contains(roomJid.toString()));

        ParleyServer.CliResult list = server.cli("bundle", "list");
        assertTrue(list.stdout().contains("org.parley.im  ") && list.stdout().contains("ACTIVE"), list::toString);
        ParleyServer.CliResult stopped = server.cli("bundle", "stop", "org.parley.im");
        assertEquals(0, stopped.exitCode(), stopped::toString);
        assertTrue(server.cli("bundle", "list").stdout().contains("org.parley.im  " + Bundles.version(Bundles.imJar(server.dist())) + "  RESOLVED"));
        SmackFuture<IQ, Exception> ping = owner.sendIqRequestAsync(new Ping(owner, Xmpp.SERVER));
        assertEquals(0, server.cli("bundle", "start", "org.parley.im").exitCode());
        assertEquals(IQ.Type.result, ping.getOrThrow().getType(), "held across the stop and start, then answered");
        ParleyServer.CliResult console = server.cli("bundle", "stop", "org.parley.admin");
        assertTrue(console.exitCode() != 0 && console.stderr().contains("carries the console itself"), console::toString);
        ParleyServer.CliResult none = server.cli("bundle", "rollback", "org.parley.carbons");
        assertTrue(none.exitCode() != 0 && none.stderr().contains("no previous version"), none::toString);

        AdminClient admin = AdminClient.signedInAsInitialAdmin(server, WAIT);
        String audit = admin.call("GET", "/api/audit").body();
        assertTrue(audit.contains("shell (bin/parley)") && audit.contains("BUNDLE-STOP") && audit.contains("refused"), audit);
    }

    private static double stanzasHeld() throws Exception {
        return MetricsTest.value(MetricsTest.parse(MetricsTest.scrape(server.metricsPort(), "/metrics").body()), "parley_stanzas_held_total{}");
    }

    static String user(XMPPConnection c) {
        return String.valueOf(c.getUser());
    }
}
