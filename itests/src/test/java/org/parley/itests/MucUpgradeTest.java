package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.itests.MucTest.instantRoom;
import static org.parley.itests.MucTest.nick;
import static org.parley.itests.MucTest.room;

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
import java.util.stream.IntStream;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.EntityBareJid;

/**
 * DESIGN rule 6 for multi-user chat: three users talk in two rooms, a message every 20 ms each,
 * while the muc bundle is replaced through deploy/; the first user is in both rooms from two
 * devices under one nickname, and both devices talk and listen. Every groupchat message reaches every
 * occupant exactly once and in each sender's order (those sent during the swap are held by
 * routing and handled by the successor, which took the rooms through the state handoff); nobody
 * sees an occupant leave, nobody's stream ends, and everyone is still in both rooms with the same
 * nickname and role afterwards.
 */
class MucUpgradeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int USERS = 3;
    /** The three users' devices, and u0's second one ("u0b"), which is the same occupant as u0. */
    private static final List<String> DEVICES = List.of("u0", "u1", "u2", "u0b");

    @RegisterExtension
    // Each user sends 50 messages a second to each room: far past the flood limit an operator ships with.
    static final ParleyServer server = ParleyServer.builder().set("org.parley.muc.cfg", "messageBurst", 1000)
            .set("org.parley.muc.cfg", "messagesPerSecond", 1000).build();

    @Test
    void replacingTheMucBundleUnderTalkingOccupantsLosesNothingAndKeepsEveryoneIn() throws Exception {
        List<Account> accounts = server.newAccounts("mucup", USERS);
        List<XMPPTCPConnection> clients = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            clients.add(server.login(accounts.get(i), "r" + i));
        }
        clients.add(server.login(accounts.get(0), "r0b"));
        List<EntityBareJid> roomJids = List.of(room("upa"), room("upb"));
        // rooms.get(r).get(i): client i's handle of room r.
        List<List<MultiUserChat>> rooms = new ArrayList<>();
        for (EntityBareJid jid : roomJids) {
            List<MultiUserChat> handles = new ArrayList<>();
            handles.add(instantRoom(clients.get(0), jid, "u0"));
            for (int i = 1; i < DEVICES.size(); i++) {
                MultiUserChat muc = MultiUserChatManager.getInstanceFor(clients.get(i)).getMultiUserChat(jid);
                muc.join(nick(nickOf(i)));
                handles.add(muc);
            }
            rooms.add(handles);
        }

        // What each client received in each room from each sender: "room|to<from" -> sequence numbers.
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        List<String> departures = new CopyOnWriteArrayList<>();
        List<String> closed = new CopyOnWriteArrayList<>();
        List<String> streams = new ArrayList<>();
        for (int i = 0; i < DEVICES.size(); i++) {
            XMPPTCPConnection c = clients.get(i);
            streams.add(c.getStreamId());
            String me = DEVICES.get(i);
            for (int r = 0; r < roomJids.size(); r++) {
                String room = "room" + r;
                rooms.get(r).get(i).addMessageListener(m -> {
                    String body = m.getBody();
                    if ("after u0b left".equals(body)) {
                        seen.put(room + "|" + me + "<after", List.of());
                    } else if (body != null && body.startsWith("seq ")) {
                        String[] parts = body.split(" "); // seq <sender> <n>
                        seen.computeIfAbsent(room + "|" + me + "<" + parts[1], k -> new CopyOnWriteArrayList<>())
                                .add(Integer.parseInt(parts[2]));
                    }
                });
            }
            c.addSyncStanzaListener(s -> departures.add(me + " got " + s.toXML()),
                    s -> s instanceof Presence p && p.getType() == Presence.Type.unavailable);
            c.addConnectionListener(new ConnectionListener() {
                @Override
                public void connectionClosedOnError(Exception e) {
                    closed.add(me + ": " + e);
                }
            });
        }
        List<String> errors = new CopyOnWriteArrayList<>();
        for (XMPPTCPConnection c : clients) {
            c.addSyncStanzaListener(s -> errors.add(c.getUser() + " got " + s.toXML()), s -> s instanceof Message m && m.getType() == Message.Type.error);
        }

        AtomicBoolean running = new AtomicBoolean(true);
        // sent.get(r).get(i): messages client i sent to room r.
        List<List<AtomicInteger>> sent = new ArrayList<>();
        for (int r = 0; r < roomJids.size(); r++) {
            List<AtomicInteger> perClient = new ArrayList<>();
            for (int i = 0; i < DEVICES.size(); i++) {
                perClient.add(new AtomicInteger());
            }
            sent.add(perClient);
        }
        List<String> failures = new CopyOnWriteArrayList<>();
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < DEVICES.size(); i++) {
            int me = i;
            Thread t = new Thread(() -> {
                try {
                    while (running.get()) {
                        for (int r = 0; r < roomJids.size(); r++) {
                            AtomicInteger n = sent.get(r).get(me);
                            rooms.get(r).get(me).sendMessage("seq " + DEVICES.get(me) + " " + n.get());
                            n.incrementAndGet();
                        }
                        Thread.sleep(20);
                    }
                } catch (Exception e) {
                    failures.add(DEVICES.get(me) + ": " + e);
                }
            });
            senders.add(t);
            t.start();
        }
        Thread.sleep(1000);

        long logBefore = server.logSize();
        Path shipped = Bundles.parleyJar(server.dist(), "muc");
        Path upgrade = server.base().resolve("muc-99.jar");
        Bundles.copyWithVersion(shipped, upgrade, "99.0.0");
        Files.move(upgrade, server.base().resolve("deploy").resolve(upgrade.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        server.awaitLog(logBefore, "Upgraded " + Bundles.symbolicName(shipped) + " from", WAIT);
        Thread.sleep(2000);
        running.set(false);
        for (Thread t : senders) {
            t.join(5000);
        }

        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline && !allSeen(roomJids.size(), sent, seen)) {
            Thread.sleep(50);
        }
        String log = server.logSince(logBefore);
        assertTrue(failures.isEmpty(), "sending failed: " + failures);
        assertTrue(closed.isEmpty(), "connections closed: " + closed);
        assertTrue(errors.isEmpty(), "nobody got an error: " + errors + "\n" + log);
        assertTrue(departures.isEmpty(), "nobody saw anyone leave: " + departures + "\n" + log);
        assertTrue(log.contains("Took 2 room(s) with 6 occupant(s)"), "the successor took the rooms:\n" + log);
        for (int i = 0; i < DEVICES.size(); i++) {
            assertTrue(clients.get(i).isAuthenticated(), "client " + i + " still signed in");
            assertEquals(streams.get(i), clients.get(i).getStreamId(), "client " + i + " is on the stream it opened");
        }
        int total = 0;
        for (int r = 0; r < roomJids.size(); r++) {
            for (int to = 0; to < DEVICES.size(); to++) {
                for (int from = 0; from < DEVICES.size(); from++) {
                    List<Integer> got = seen.getOrDefault("room" + r + "|" + DEVICES.get(to) + "<" + DEVICES.get(from), List.of());
                    List<Integer> expected = IntStream.range(0, sent.get(r).get(from).get()).boxed().toList();
                    assertEquals(expected, got, "in room " + r + " client " + to + " got every message of client " + from
                            + " once, in order\n" + log);
                }
                total += sent.get(r).get(to).get();
            }
        }
        assertTrue(total > 2 * DEVICES.size() * 40, "traffic went on through the upgrade: " + total);

        // After the upgrade the rooms work on: a new message reaches all, the occupants are all there.
        for (int r = 0; r < roomJids.size(); r++) {
            MultiUserChat handle = rooms.get(r).get(0);
            assertEquals(USERS, handle.getOccupantsCount(), "everyone is still in room " + r + ", u0 once");
            assertTrue(MultiUserChatManager.getInstanceFor(clients.get(1)).getRoomInfo(roomJids.get(r)).getOccupantsCount() == USERS);
        }
        // u0's second device is still the same occupant to the successor: its leaving is told to it alone.
        MultiUserChat second = rooms.get(0).get(3);
        second.leave();
        rooms.get(0).get(1).sendMessage("after u0b left");
        long until = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < until && !seen.containsKey("room0|u0<after")) {
            Thread.sleep(20);
        }
        assertTrue(seen.containsKey("room0|u0<after"), "u0's first device still hears the room");
        assertEquals(List.of(), departures.stream().filter(d -> !d.startsWith("u0b got")).toList(), "nobody else saw u0b leave");
        assertEquals(USERS, rooms.get(0).get(1).getOccupantsCount());
        System.out.println("muc upgrade: " + total + " groupchat messages, each seen once by " + USERS + " occupants on "
                + DEVICES.size() + " devices; log:\n" + log);
    }

    /** The nickname of device i: u0's second device is u0 too. */
    private static String nickOf(int device) {
        return DEVICES.get(device).substring(0, 2);
    }

    private static boolean allSeen(int roomCount, List<List<AtomicInteger>> sent, Map<String, List<Integer>> seen) {
        for (int r = 0; r < roomCount; r++) {
            for (int to = 0; to < DEVICES.size(); to++) {
                for (int from = 0; from < DEVICES.size(); from++) {
                    if (seen.getOrDefault("room" + r + "|" + DEVICES.get(to) + "<" + DEVICES.get(from), List.of()).size()
                            < sent.get(r).get(from).get()) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
