package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jivesoftware.smack.filter.MessageWithBodiesFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.XmlElement;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.impl.JidCreate;

/**
 * A component and a policy interceptor replaced under traffic: the probe bundle (an echo component
 * on echo.localhost and an interceptor that stamps every chat message a user receives) is upgraded
 * through deploy/ while alice writes to bob and to the component. During the swap their stanzas are
 * held, not bounced: every message to bob arrives once and stamped (never unchecked), and every
 * message to the component is echoed once.
 */
class ExtensionUpgradeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    @Test
    void aComponentAndAnInterceptorReplacedUnderTrafficHoldStanzasInsteadOfBouncingThem() throws Exception {
        Path probe = Path.of(System.getProperty("parley.probe.jar"));
        long logBefore = server.logSize();
        Files.copy(probe, server.base().resolve("deploy").resolve("probe.jar"));
        awaitLog(logBefore, "Installed org.parley.itests.probe");

        XMPPTCPConnection alice = server.login(server.newAccount("probe-a"));
        XMPPTCPConnection bob = server.login(server.newAccount("probe-b"));
        Map<Integer, String> toBob = new TreeMap<>();
        List<String> unchecked = new CopyOnWriteArrayList<>();
        List<String> errors = new CopyOnWriteArrayList<>();
        Map<Integer, String> echoes = new ConcurrentHashMap<>();
        AtomicInteger echoTwice = new AtomicInteger();
        bob.addSyncStanzaListener(s -> {
            Message m = (Message) s;
            XmlElement checked = m.getExtensionElement("checked", "urn:parley:probe");
            int seq = Integer.parseInt(m.getBody().substring(4));
            synchronized (toBob) {
                toBob.merge(seq, checked == null ? "UNCHECKED" : ((StandardExtensionElement) checked).getAttributeValue("by"),
                        (a, b) -> a + "," + b);
            }
            if (checked == null) {
                unchecked.add(m.getBody());
            }
        }, MessageWithBodiesFilter.INSTANCE);
        alice.addSyncStanzaListener(s -> {
            Message m = (Message) s;
            if (m.getType() == Message.Type.error) {
                errors.add(m.toXML().toString());
            } else if (m.getBody().startsWith("echo ")) {
                // "echo <version>: seq <n>"
                String body = m.getBody();
                int seq = Integer.parseInt(body.substring(body.lastIndexOf(' ') + 1));
                if (echoes.put(seq, body.substring(5, body.indexOf(':'))) != null) {
                    echoTwice.incrementAndGet();
                }
            }
        }, s -> s instanceof Message);

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        Thread sender = new Thread(() -> {
            try {
                while (running.get()) {
                    int n = sent.get();
                    alice.sendStanza(Xmpp.chat(alice, bob.getUser(), "seq " + n));
                    alice.sendStanza(Xmpp.chat(alice, JidCreate.from("echo.localhost"), "seq " + n));
                    sent.incrementAndGet();
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                errors.add("sending failed: " + e);
            }
        });
        sender.start();
        Thread.sleep(1000);
        Path upgrade = server.base().resolve("probe-99.jar");
        Bundles.copyWithVersion(probe, upgrade, "99.0.0");
        Files.move(upgrade, server.base().resolve("deploy").resolve("probe.jar"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        awaitLog(logBefore, "Upgraded org.parley.itests.probe from");
        Thread.sleep(2000);
        running.set(false);
        sender.join(5000);
        int n = sent.get();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline && (sizeOf(toBob) < n || echoes.size() < n)) {
            Thread.sleep(50);
        }

        String log = server.logSince(logBefore);
        assertTrue(errors.isEmpty(), () -> errors.size() + " error replies, first: " + errors.get(0) + "\n" + log);
        assertTrue(unchecked.isEmpty(), () -> unchecked.size() + " messages reached bob unchecked: " + unchecked);
        List<Integer> missing = new ArrayList<>();
        List<Integer> twice = new ArrayList<>();
        synchronized (toBob) {
            for (int i = 0; i < n; i++) {
                String by = toBob.get(i);
                if (by == null) {
                    missing.add(i);
                } else if (by.contains(",")) {
                    twice.add(i);
                }
            }
        }
        assertTrue(missing.isEmpty() && twice.isEmpty(), "to bob: missing " + missing + ", twice " + twice + "\n" + log);
        assertEquals(n, echoes.size(), "every message to the component echoed");
        assertEquals(0, echoTwice.get(), "none echoed twice");
        assertTrue(echoes.containsValue("99.0.0") && toBob.containsValue("99.0.0"), "the new version took over");
        assertTrue(n > 100, "traffic went on through the upgrade: " + n);
        System.out.println("probe upgrade: " + n + " messages to bob and " + n + " to the component, all handled once; log:\n" + log);
        alice.disconnect();
        bob.disconnect();
    }

    private static int sizeOf(Map<Integer, String> map) {
        synchronized (map) {
            return map.size();
        }
    }

    private static void awaitLog(long offset, String text) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (server.logSince(offset).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' in the log within " + WAIT.toSeconds() + " s:\n" + server.logSince(offset));
    }
}
