package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The carbons bundle replaced while a conversation goes on: the phone gets every message once and
 * in order, the laptop a copy of each, once and in order, and nobody's stream ends; the laptop's
 * carbons are still on after the upgrade.
 */
class CarbonsUpgradeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    @Test
    void replacingTheCarbonsBundleLosesNoCopyAndTurnsNobodysCarbonsOff() throws Exception {
        List<Account> accounts = server.newAccounts("carbup", 2);
        XMPPTCPConnection phone = server.login(server.smackConfig(accounts.get(0), "phone").setSendPresence(false).build());
        phone.sendStanza(Xmpp.available(phone, 1));
        XMPPTCPConnection laptop = server.login(server.smackConfig(accounts.get(0), "laptop").setSendPresence(false).build());
        laptop.sendStanza(Xmpp.available(laptop, 0));
        XMPPTCPConnection bob = server.login(accounts.get(1), "desk");
        Carbons.enable(laptop);
        List<String> phoneGot = new CopyOnWriteArrayList<>();
        phone.addSyncStanzaListener(s -> phoneGot.add(((Message) s).getBody()),
                s -> s instanceof Message m && m.getBody() != null && m.getType() == Message.Type.chat);
        List<Carbons.Copy> onLaptop = Carbons.collect(laptop);
        List<String> closed = new CopyOnWriteArrayList<>();
        List<String> streams = new ArrayList<>();
        for (XMPPTCPConnection c : List.of(phone, laptop, bob)) {
            streams.add(c.getStreamId());
            c.addConnectionListener(new ConnectionListener() {
                @Override
                public void connectionClosedOnError(Exception e) {
                    closed.add(c.getUser() + ": " + e);
                }
            });
        }

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        Thread sender = new Thread(() -> {
            try {
                while (running.get()) {
                    bob.sendStanza(Xmpp.chat(bob, accounts.get(0).bareJid(), "m" + sent.get()));
                    sent.incrementAndGet();
                    Thread.sleep(20);
                }
            } catch (Exception e) {
                failures.add(e.toString());
            }
        });
        sender.start();
        Thread.sleep(500);

        long logBefore = server.logSize();
        Path shipped = Bundles.parleyJar(server.dist(), "carbons");
        Path upgrade = server.base().resolve("carbons-99.jar");
        Bundles.copyWithVersion(shipped, upgrade, "99.0.0");
        Files.move(upgrade, server.base().resolve("deploy").resolve(upgrade.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        server.awaitLog(logBefore, "Upgraded " + Bundles.symbolicName(shipped) + " from", WAIT);
        Thread.sleep(1000);
        running.set(false);
        sender.join(5000);

        List<String> expected = IntStream.range(0, sent.get()).mapToObj(i -> "m" + i).toList();
        RosterTest.await("the phone got every message", () -> phoneGot.size() >= expected.size());
        RosterTest.await("the laptop got every copy", () -> onLaptop.size() >= expected.size());
        String log = server.logSince(logBefore);
        assertTrue(failures.isEmpty(), "sending failed: " + failures);
        assertTrue(closed.isEmpty(), "connections closed: " + closed);
        assertEquals(streams, List.of(phone.getStreamId(), laptop.getStreamId(), bob.getStreamId()), "everyone on the stream they opened");
        assertEquals(expected, phoneGot, "each message once, in order, on the phone\n" + log);
        assertEquals(expected, onLaptop.stream().map(Carbons.Copy::body).toList(), "each copy once, in order, on the laptop\n" + log);
        assertTrue(onLaptop.stream().allMatch(c -> c.direction().equals("received")));
        assertTrue(sent.get() > 40, "traffic went on through the upgrade: " + sent.get());

        // The successor knows the laptop enabled carbons before it came.
        phone.sendStanza(Xmpp.chat(phone, bob.getUser().asBareJid(), "after the upgrade"));
        RosterTest.await("the laptop gets a sent copy from the successor",
                () -> onLaptop.stream().anyMatch(c -> c.direction().equals("sent") && "after the upgrade".equals(c.body())));
        System.out.println("carbons upgrade: " + sent.get() + " messages, each copied once; log:\n" + log);
    }
}
