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
import org.jivesoftware.smack.filter.MessageWithBodiesFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN rule 6 for the kerberos bundle: two users signed in with GSSAPI write to each other every
 * 20 ms while the bundle is replaced through deploy/. Neither session ends, every message arrives
 * once and in order, a third user signs in with GSSAPI right after the upgrade, and a fourth signing
 * in again and again through it is never refused (the session core keeps offering the mechanism
 * and waits for its successor).
 */
class KerberosUpgradeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ParleyServer server = KerberosSignInTest.kerberosServer(ParleyServer.builder()).build();

    @BeforeAll
    static void gssapiOffered() throws Exception {
        server.awaitLog(0, "Kerberos: GSSAPI offered", Duration.ofSeconds(60));
    }

    @Test
    void replacingTheKerberosBundleEndsNoGssapiSessionAndLosesNoMessage() throws Exception {
        List<XMPPTCPConnection> clients = new ArrayList<>();
        List<String> streams = new ArrayList<>();
        Map<Integer, List<Integer>> seen = new ConcurrentHashMap<>();
        List<String> closed = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 2; i++) {
            Account a = KerberosSignInTest.kerberosUser(server, "kup");
            XMPPTCPConnection c = KerberosSignInTest.loginWithTicket(server, a, KerberosSignInTest.ticket(a), "r");
            int me = i;
            c.addSyncStanzaListener(s -> seen.computeIfAbsent(me, k -> new CopyOnWriteArrayList<>())
                    .add(Integer.parseInt(((Message) s).getBody())), MessageWithBodiesFilter.INSTANCE);
            c.addConnectionListener(new ConnectionListener() {
                @Override
                public void connectionClosedOnError(Exception e) {
                    closed.add(me + ": " + e);
                }
            });
            clients.add(c);
            streams.add(c.getStreamId());
        }
        for (XMPPTCPConnection c : clients) {
            // Once the ping is answered, the initial presence was handled and messages go to the session.
            Xmpp.pingServer(c);
        }
        AtomicBoolean running = new AtomicBoolean(true);
        List<AtomicInteger> sent = List.of(new AtomicInteger(), new AtomicInteger());
        List<String> failures = new CopyOnWriteArrayList<>();
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            XMPPTCPConnection from = clients.get(i);
            XMPPTCPConnection to = clients.get(1 - i);
            AtomicInteger n = sent.get(i);
            Thread t = new Thread(() -> {
                try {
                    while (running.get()) {
                        from.sendStanza(Xmpp.chat(from, to.getUser().asEntityBareJid(), Integer.toString(n.get())));
                        n.incrementAndGet();
                        Thread.sleep(20);
                    }
                } catch (Exception e) {
                    failures.add(from.getUser() + ": " + e);
                }
            });
            senders.add(t);
            t.start();
        }
        // Sign-ins with a ticket one after another through the upgrade: how many fall into the gap
        // between the old mechanism service leaving and the new one arriving.
        Account looper = KerberosSignInTest.kerberosUser(server, "kloop");
        javax.security.auth.Subject looperTicket = KerberosSignInTest.ticket(looper);
        AtomicInteger signIns = new AtomicInteger();
        List<String> refused = new CopyOnWriteArrayList<>();
        Thread loop = new Thread(() -> {
            while (running.get()) {
                try {
                    XMPPTCPConnection c = KerberosSignInTest.loginWithTicket(server, looper, looperTicket, "loop");
                    signIns.incrementAndGet();
                    c.disconnect();
                    server.forget(c);
                } catch (Exception e) {
                    Throwable cause = e instanceof java.security.PrivilegedActionException p ? p.getException() : e;
                    refused.add(cause instanceof org.jivesoftware.smack.sasl.SASLErrorException s
                            ? s.getSASLFailure().toXML(org.jivesoftware.smack.packet.XmlEnvironment.EMPTY).toString() : cause.toString());
                }
            }
        });
        loop.start();
        Thread.sleep(1000);

        long logBefore = server.logSize();
        server.awaitLog(logBefore, Bundles.deployNewerVersion(server, "kerberos", "99.0.0"), WAIT);
        server.awaitLog(logBefore, "Kerberos: GSSAPI offered", WAIT);
        // Right after the upgrade: the successor signs a new user in with a ticket.
        Account late = KerberosSignInTest.kerberosUser(server, "klate");
        XMPPTCPConnection latecomer = KerberosSignInTest.loginWithTicket(server, late, KerberosSignInTest.ticket(late), "after");
        assertTrue(latecomer.isAuthenticated());
        Thread.sleep(1000);
        running.set(false);
        for (Thread t : senders) {
            t.join(5000);
        }
        loop.join(20_000);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline
                && (seen.getOrDefault(1, List.of()).size() < sent.get(0).get() || seen.getOrDefault(0, List.of()).size() < sent.get(1).get())) {
            Thread.sleep(50);
        }
        String log = server.logSince(logBefore);
        assertTrue(failures.isEmpty(), "sending failed: " + failures);
        assertTrue(closed.isEmpty(), "connections closed: " + closed);
        for (int i = 0; i < 2; i++) {
            assertTrue(clients.get(i).isAuthenticated(), "client " + i + " still signed in");
            assertEquals(streams.get(i), clients.get(i).getStreamId(), "client " + i + " is on the stream it opened");
            List<Integer> expected = IntStream.range(0, sent.get(i).get()).boxed().toList();
            assertEquals(expected, seen.getOrDefault(1 - i, List.of()), "every message of client " + i + " arrived once, in order\n" + log);
        }
        assertTrue(refused.isEmpty(), "GSSAPI sign-ins refused around the upgrade: " + refused);
        assertTrue(signIns.get() > 3, "GSSAPI sign-ins went on: " + signIns.get());
        int total = sent.get(0).get() + sent.get(1).get();
        assertTrue(total > 100, "traffic went on through the upgrade: " + total);
        System.out.println("kerberos upgrade: " + total + " messages between GSSAPI users, each received once; "
                + signIns.get() + " GSSAPI sign-ins in a loop, " + refused.size() + " refused: " + refused);
    }
}
