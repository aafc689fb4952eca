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
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * DESIGN rule 6 for external components: the components bundle is replaced through deploy/ while
 * a Smack user and the example component (Python, slixmpp) write to each other every 10 ms. The
 * component's connection is closed by the upgrade (its socket lives in the bundle) and it
 * reconnects to the successor; routing, then the successor, hold what the user sends meanwhile.
 * Both sides get every stanza once and in order; the user's session never ends and gets no error.
 */
class ComponentUpgradeTest {
    static final String DOMAIN = "relay." + ParleyServer.DOMAIN;
    static final String SECRET = "relay-secret-" + ParleyServer.randomPassword();
    static final int PORT = FreePorts.next();
    static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ParleyServer SERVER = ParleyServer.builder()
            .set(ComponentTest.CFG, "port", PORT)
            .set(ComponentTest.CFG, "secret." + DOMAIN, SECRET)
            .build();

    @Test
    void replacingTheComponentsBundleUnderTrafficLosesNothingAndDeliversNothingTwice() throws Exception {
        Account alice = SERVER.newAccount("up-alice");
        XMPPTCPConnection c = SERVER.login(alice, "phone");
        List<String> errors = new CopyOnWriteArrayList<>();
        List<String> toAlice = new CopyOnWriteArrayList<>();
        c.addSyncStanzaListener(s -> errors.add(s.toXML().toString()), s -> s instanceof Message m && m.getType() == Message.Type.error);
        c.addSyncStanzaListener(s -> toAlice.add(((Message) s).getBody()),
                s -> s instanceof Message m && m.getType() != Message.Type.error && m.getBody() != null);
        Jid bot = JidCreate.from("bot@" + DOMAIN);

        try (ComponentRelay relay = ComponentRelay.start(PORT, DOMAIN, SECRET, alice.jid())) {
            relay.awaitLine("READY", WAIT);
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger userSent = new AtomicInteger();
            AtomicInteger componentSent = new AtomicInteger();
            Thread user = new Thread(() -> {
                try {
                    while (running.get()) {
                        c.sendStanza(Xmpp.chat(c, bot, "u " + userSent.get()));
                        userSent.incrementAndGet();
                        Thread.sleep(10);
                    }
                } catch (Exception e) {
                    errors.add("user sending failed: " + e);
                }
            });
            Thread component = new Thread(() -> {
                try {
                    while (running.get()) {
                        relay.send("c " + componentSent.get());
                        componentSent.incrementAndGet();
                        Thread.sleep(10);
                    }
                } catch (Exception e) {
                    errors.add("component feeding failed: " + e);
                }
            });
            user.start();
            component.start();
            Thread.sleep(1000);

            long logBefore = SERVER.logSize();
            Path shipped = Bundles.parleyJar(SERVER.dist(), "components");
            Path upgrade = SERVER.base().resolve("components-99.jar");
            Bundles.copyWithVersion(shipped, upgrade, "99.0.0");
            Files.move(upgrade, SERVER.base().resolve("deploy").resolve(upgrade.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            SERVER.awaitLog(logBefore, "Upgraded org.parley.components from", WAIT);
            relay.awaitLine("DISCONNECTED", WAIT);
            relay.awaitLine("READY", WAIT);
            Thread.sleep(1000);
            running.set(false);
            user.join(5000);
            component.join(5000);

            int users = userSent.get();
            int components = componentSent.get();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline && (fromAlice(relay, alice).size() < users || toAlice.size() < components)) {
                Thread.sleep(50);
            }
            Thread.sleep(500); // anything more (a duplicate) would arrive now
            String log = SERVER.logSince(logBefore);
            assertTrue(errors.isEmpty(), () -> errors.size() + " errors, first: " + errors.get(0) + "\n" + log);
            assertEquals(expected("u ", users), fromAlice(relay, alice), "the component got each of the user's messages once, in order\n" + log);
            assertEquals(expected("c ", components), toAlice, "the user got each of the component's messages once, in order\n" + log);
            assertTrue(c.isConnected() && c.isAuthenticated(), "the user's session went on");
            assertTrue(users > 100 && components > 100, "traffic went on through the upgrade: " + users + " / " + components);
            System.out.println("components upgrade: " + users + " user->component and " + components
                    + " component->user messages across the upgrade, each delivered once, in order; log:\n" + log);
        }
    }

    private static List<String> fromAlice(ComponentRelay relay, Account alice) {
        String prefix = alice.jid() + "/phone\t";
        List<String> bodies = new ArrayList<>();
        for (String line : relay.printed()) {
            if (line.startsWith(prefix)) {
                bodies.add(line.substring(line.lastIndexOf('\t') + 1));
            }
        }
        return bodies;
    }

    private static List<String> expected(String prefix, int count) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(prefix + i);
        }
        return out;
    }
}
