package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Nonza;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Client state indication (XEP-0352) with Smack clients: an inactive client is spared presence
 * updates until a message comes (then it gets the latest one first) or it becomes active again;
 * the csi bundle replaced while the client is inactive loses nothing and keeps it inactive.
 */
class CsiTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CSI = "urn:xmpp:csi:0";

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    private static void state(XMPPTCPConnection c, String name) throws Exception {
        c.sendNonza(new Nonza() {
            @Override
            public String getNamespace() {
                return CSI;
            }

            @Override
            public String getElementName() {
                return name;
            }

            @Override
            public CharSequence toXML(XmlEnvironment environment) {
                return "<" + name + " xmlns='" + CSI + "'/>";
            }
        });
    }

    /** What the phone gets, in order: "presence:<status>" or "message:<body>". */
    private static List<String> record(XMPPTCPConnection c, String from) {
        List<String> got = new CopyOnWriteArrayList<>();
        c.addSyncStanzaListener(s -> {
            if (s instanceof Presence p && p.getStatus() != null) {
                got.add("presence:" + p.getStatus());
            } else if (s instanceof Message m && m.getBody() != null) {
                got.add("message:" + m.getBody());
            }
        }, s -> s.getFrom() != null && s.getFrom().toString().startsWith(from));
        return got;
    }

    /**
     * When the sender's ping returns, the server has routed what it sent before (to the phone, or
     * into what waits for it); a moment more lets what was sent cross the network. The phone itself
     * is not pinged: an answer to its own request is urgent, and would bring what waits with it.
     */
    private static void settle(XMPPTCPConnection sender) throws Exception {
        Xmpp.pingServer(sender);
        Thread.sleep(300);
    }

    private static void status(XMPPTCPConnection from, XMPPTCPConnection to, String status) throws Exception {
        from.sendStanza(from.getStanzaFactory().buildPresenceStanza().to(to.getUser()).setStatus(status).build());
    }

    @Test
    void csiIsOfferedOnceTheClientIsAuthenticated() throws Exception {
        Account account = server.newAccount("csi-feature");
        try (RawXmppClient raw = server.raw()) {
            String before = raw.openStream();
            assertTrue(!before.contains(CSI), before);
            raw.startTls(server.sslContext());
            raw.openStream();
            assertTrue(raw.authPlain(account.local(), account.password()).success());
            String after = raw.openStream();
            assertTrue(after.contains("<csi xmlns='" + CSI + "'") || after.contains("<csi xmlns=\"" + CSI + "\""), after);
        }
    }

    @Test
    void anInactiveClientIsSparedPresenceUntilAMessageComesOrItIsActiveAgain() throws Exception {
        List<Account> accounts = server.newAccounts("csi", 2);
        XMPPTCPConnection phone = server.login(accounts.get(0), "phone");
        XMPPTCPConnection bob = server.login(accounts.get(1), "desk");
        List<String> got = record(phone, bob.getUser().toString());

        state(phone, "inactive");
        Xmpp.pingServer(phone);
        status(bob, phone, "1");
        status(bob, phone, "2");
        settle(bob);
        assertTrue(got.isEmpty(), "nothing woke the phone: " + got);

        bob.sendStanza(Xmpp.chat(bob, phone.getUser(), "wake up"));
        RosterTest.await("the message arrives", () -> got.contains("message:wake up"));
        assertEquals(List.of("presence:2", "message:wake up"), got, "the latest presence first, then the message");

        status(bob, phone, "3");
        settle(bob);
        assertEquals(2, got.size(), "still inactive");
        state(phone, "active");
        RosterTest.await("active again: what waited arrives", () -> got.size() == 3);
        assertEquals("presence:3", got.get(2));
        status(bob, phone, "4");
        RosterTest.await("and the next one at once", () -> got.size() == 4);
    }

    @Test
    void replacingTheCsiBundleWhileAClientIsInactiveLosesNothingAndKeepsItInactive() throws Exception {
        List<Account> accounts = server.newAccounts("csiup", 2);
        XMPPTCPConnection phone = server.login(accounts.get(0), "phone");
        XMPPTCPConnection bob = server.login(accounts.get(1), "desk");
        List<String> got = record(phone, bob.getUser().toString());
        List<String> closed = new CopyOnWriteArrayList<>();
        phone.addConnectionListener(new ConnectionListener() {
            @Override
            public void connectionClosedOnError(Exception e) {
                closed.add(e.toString());
            }
        });
        String stream = phone.getStreamId();
        state(phone, "inactive");
        Xmpp.pingServer(phone);

        long logBefore = server.logSize();
        Path shipped = Bundles.parleyJar(server.dist(), "csi");
        Path upgrade = server.base().resolve("csi-99.jar");
        Bundles.copyWithVersion(shipped, upgrade, "99.0.0");
        int messages = 0;
        for (int i = 0; i < 10; i++) {
            status(bob, phone, "before " + i);
        }
        Files.move(upgrade, server.base().resolve("deploy").resolve(upgrade.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        long deadline = System.nanoTime() + WAIT.toNanos();
        String log = "";
        while (!log.contains("Upgraded " + Bundles.symbolicName(shipped) + " from") && System.nanoTime() < deadline) {
            bob.sendStanza(Xmpp.chat(bob, phone.getUser(), "m" + messages++));
            status(bob, phone, "during " + messages);
            Thread.sleep(20);
            log = server.logSince(logBefore);
        }
        server.awaitLog(logBefore, "Upgraded " + Bundles.symbolicName(shipped) + " from", WAIT);
        int sent = messages;
        RosterTest.await("every message arrived", () -> got.stream().filter(s -> s.startsWith("message:")).count() >= sent);
        List<String> bodies = got.stream().filter(s -> s.startsWith("message:")).toList();
        assertEquals(java.util.stream.IntStream.range(0, sent).mapToObj(i -> "message:m" + i).toList(), bodies,
                "each message once, in order\n" + server.logSince(logBefore));
        assertTrue(closed.isEmpty(), "the phone's stream ended: " + closed);
        assertEquals(stream, phone.getStreamId());

        // The successor knows the phone is inactive: a presence waits again.
        settle(bob);
        int before = got.size();
        status(bob, phone, "after the upgrade");
        settle(bob);
        assertEquals(before, got.size(), "held by the successor: " + got.subList(before, got.size()));
        bob.sendStanza(Xmpp.chat(bob, phone.getUser(), "last"));
        RosterTest.await("the held presence comes with the next message",
                () -> got.size() >= before + 2 && got.get(got.size() - 1).equals("message:last"));
        assertEquals("presence:after the upgrade", got.get(got.size() - 2));
    }
}
