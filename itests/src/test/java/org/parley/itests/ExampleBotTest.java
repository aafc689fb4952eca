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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.Attributes;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * The example bot (examples/bot) through its whole life in a running server, under a connected
 * Smack client: a jar built against another major version of the api is refused with a message
 * naming the package; the right jar is installed through deploy/ and answers help, time and
 * resources; it is upgraded while alice keeps writing to it (every message answered once, none
 * lost, and her message count goes on: the state handoff); an incompatible upgrade is refused
 * while the running version keeps answering; it is configured live (a new subdomain, a refused
 * value, an announcement in a room); and removing its jar removes it.
 */
class ExampleBotTest {
    private static final String BSN = "org.parley.examples.bot";
    private static final String CFG = "org.parley.examples.bot.cfg";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    private final BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();

    @Test
    void theBotIsInstalledAnswersIsUpgradedConfiguredAndRemovedLive() throws Exception {
        Path bot = Path.of(System.getProperty("parley.bot.jar"));
        Path deployed = server.base().resolve("deploy/bot.jar");
        long log = server.logSize();

        // Built against routing 3.x, which this server does not have: refused, named, nothing installed.
        Path incompatible = server.base().resolve("bot-incompatible.jar");
        Bundles.copyWithManifest(bot, incompatible, main -> main.putValue("Import-Package",
                main.getValue("Import-Package").replaceAll("org\\.parley\\.api\\.routing;version=\"\\[2\\.\\d+,3\\)\"",
                        "org.parley.api.routing;version=\"[3.0,4)\"")));
        assertTrue(Bundles.manifest(incompatible).getMainAttributes().getValue("Import-Package").contains("routing;version=\"[3.0,4)\""));
        drop(incompatible, deployed);
        server.awaitLog(log, "Refused ", WAIT);
        server.awaitLog(log, "bot.jar: " + BSN + " 0.1.0.", WAIT);
        server.awaitLog(log, "needs package org.parley.api.routing [3.0.0,4.0.0), but this server has 2.", WAIT);

        Account account = server.newAccount("bot-a");
        XMPPTCPConnection alice = server.login(account, "phone");
        alice.addAsyncStanzaListener(s -> inbox.add((Message) s), s -> s instanceof Message);
        Jid botJid = JidCreate.from("bot." + ParleyServer.DOMAIN);
        alice.sendStanza(Xmpp.chat(alice, botJid, "help"));
        assertEquals(Message.Type.error, next().getType(), "no bot is installed");

        // The right jar: installed and answering.
        drop(bot, deployed);
        server.awaitLog(log, "Installed " + BSN, WAIT);
        server.awaitLog(log, "The bot answers on bot.localhost", WAIT);
        int sent = 0;
        assertEquals("I answer: help (this list), time (the server's time), resources (where you are connected), "
                + "count (how many messages you have sent me).", ask(alice, botJid, "help"));
        sent++;
        String time = ask(alice, botJid, "time");
        assertTrue(time.matches("The server's time is \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-Z].*\\."), time);
        sent++;
        XMPPTCPConnection laptop = server.login(account, "laptop");
        laptop.sendStanza(Xmpp.available(laptop, 3));
        String resources = awaitAnswer(alice, botJid, "resources", a -> a.contains("laptop (available, priority 3)"));
        assertEquals("You are connected from 2 resources: laptop (available, priority 3), phone (available, priority 0).", resources);
        sent += resourcesAsked;
        laptop.disconnect();

        // Upgraded while alice keeps writing: every message answered once, in the same conversation.
        long upgradeLog = server.logSize();
        Map<String, Integer> answered = new ConcurrentHashMap<>();
        List<String> errors = new CopyOnWriteArrayList<>();
        alice.addAsyncStanzaListener(s -> {
            Message m = (Message) s;
            if (m.getType() == Message.Type.error) {
                errors.add(m.toXML().toString());
            } else if (m.getStanzaId() != null && m.getStanzaId().startsWith("t-")) {
                answered.merge(m.getStanzaId(), 1, Integer::sum);
            }
        }, s -> s instanceof Message);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger traffic = new AtomicInteger();
        Thread sender = new Thread(() -> {
            try {
                while (running.get()) {
                    int n = traffic.get();
                    alice.sendStanza(StanzaBuilder.buildMessage("t-" + n).to(botJid).ofType(Message.Type.chat)
                            .setBody("time").build());
                    traffic.incrementAndGet();
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                errors.add("sending failed: " + e);
            }
        });
        sender.start();
        Thread.sleep(1000);
        Path v99 = server.base().resolve("bot-99.jar");
        Bundles.copyWithVersion(bot, v99, "99.0.0");
        drop(v99, deployed);
        server.awaitLog(upgradeLog, "Upgraded " + BSN + " from", WAIT);
        Thread.sleep(2000);
        running.set(false);
        sender.join(5000);
        int n = traffic.get();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline && answered.size() < n) {
            Thread.sleep(50);
        }
        String upgrade = server.logSince(upgradeLog);
        assertTrue(errors.isEmpty(), () -> errors.size() + " errors, first: " + errors.get(0) + "\n" + upgrade);
        List<String> missing = new ArrayList<>();
        List<String> twice = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Integer times = answered.get("t-" + i);
            if (times == null) {
                missing.add("t-" + i);
            } else if (times > 1) {
                twice.add("t-" + i);
            }
        }
        assertTrue(missing.isEmpty() && twice.isEmpty(), "missing " + missing + ", twice " + twice + "\n" + upgrade);
        assertTrue(n > 100, "the conversation went on through the upgrade: " + n);
        assertTrue(upgrade.contains("Took the conversations of 1 user(s) from the previous version"), upgrade);
        inbox.clear();
        sent += n + 1;
        assertEquals("You have sent me " + sent + " messages.", ask(alice, botJid, "count"), "the count went on across the upgrade");
        System.out.println("bot upgrade: " + n + " messages during the upgrade, each answered once");

        // An upgrade built against another major version of the api: refused, the running version keeps answering.
        long refusedLog = server.logSize();
        Path v100 = server.base().resolve("bot-100.jar");
        Bundles.copyWithManifest(incompatible, v100, main -> main.put(new Attributes.Name("Bundle-Version"), "100.0.0"));
        drop(v100, deployed);
        server.awaitLog(refusedLog, "bot.jar: " + BSN + " 100.0.0 needs package org.parley.api.routing [3.0.0,4.0.0)", WAIT);
        server.awaitLog(refusedLog, BSN + " 99.0.0 keeps running", WAIT);
        assertEquals(Conversations.HELP, ask(alice, botJid, "help"));

        // Configured live: a new subdomain; a bad value refused, naming the key; an announcement in a room.
        long configLog = server.logSize();
        ParleyServer.writeProperties(server.base().resolve("etc").resolve(CFG), Map.of("subdomain", "helper"));
        server.awaitLog(configLog, "The bot answers on helper.localhost", WAIT);
        Jid helper = JidCreate.from("helper." + ParleyServer.DOMAIN);
        assertEquals(Conversations.HELP, ask(alice, helper, "help"));
        ParleyServer.writeProperties(server.base().resolve("etc").resolve(CFG), Map.of("announceIntervalSeconds", "0"));
        server.awaitLog(configLog, "Refused the bot's new configuration (org.parley.examples.bot): key 'announceIntervalSeconds'", WAIT);
        assertEquals(Conversations.HELP, ask(alice, helper, "help"), "the previous configuration stays");

        XMPPTCPConnection carol = server.login(server.newAccount("bot-c"));
        EntityBareJid lobby = JidCreate.entityBareFrom("lobby@conference." + ParleyServer.DOMAIN);
        MultiUserChat room = MucTest.instantRoom(carol, lobby, "Carol");
        BlockingQueue<Message> announcements = new LinkedBlockingQueue<>();
        room.addMessageListener(m -> {
            if (m.getBody() != null) {
                announcements.add(m);
            }
        });
        ParleyServer.writeProperties(server.base().resolve("etc").resolve(CFG), Map.of("announceIntervalSeconds", "1",
                "announceRoom", lobby.toString(), "announcement", "Lunch is at noon", "nick", "Robot"));
        for (int i = 0; i < 2; i++) {
            Message m = announcements.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(m != null, () -> "no announcement in the room\n" + server.logSince(configLog));
            assertEquals("Lunch is at noon", m.getBody());
            assertEquals(lobby + "/Robot", m.getFrom().toString());
        }
        assertTrue(room.getOccupants().stream().anyMatch(o -> o.toString().equals(lobby + "/Robot")), "the bot is an occupant");

        // Removed: it leaves the room, and its domain answers no more.
        long removeLog = server.logSize();
        BlockingQueue<Presence> left = new LinkedBlockingQueue<>();
        room.addParticipantListener(p -> {
            if (p.getType() == Presence.Type.unavailable && p.getFrom().toString().equals(lobby + "/Robot")) {
                left.add(p);
            }
        });
        Files.delete(deployed);
        server.awaitLog(removeLog, "Uninstalling " + BSN + " 99.0.0", WAIT);
        assertTrue(left.poll(WAIT.toSeconds(), TimeUnit.SECONDS) != null, "the bot left the room when it was removed");
        inbox.clear();
        alice.sendStanza(Xmpp.chat(alice, helper, "help"));
        assertEquals(Message.Type.error, next().getType(), "the removed bot's domain answers with an error");
        int before = announcements.size();
        Thread.sleep(2500);
        assertEquals(before, announcements.size(), "no announcement after the bot was removed");
    }

    private int resourcesAsked;

    /** Asks until the answer satisfies {@code done} (the laptop's presence reaches the server a moment after it is sent). */
    private String awaitAnswer(XMPPTCPConnection from, Jid to, String body, java.util.function.Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String answer;
        do {
            answer = ask(from, to, body);
            resourcesAsked++;
        } while (!done.test(answer) && System.nanoTime() < deadline && sleep());
        return answer;
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(100);
        return true;
    }

    private String ask(XMPPTCPConnection from, Jid to, String body) throws Exception {
        from.sendStanza(Xmpp.chat(from, to, body));
        Message m = next();
        assertEquals(Message.Type.chat, m.getType(), () -> "answer to '" + body + "': " + m.toXML());
        assertEquals(to.toString(), m.getFrom().toString());
        return m.getBody();
    }

    /** The next message, skipping late answers to the upgrade's traffic (ids t-n). */
    private Message next() throws InterruptedException {
        while (true) {
            Message m = inbox.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError("no message within " + WAIT.toSeconds() + " s\n" + server.logSince(0));
            }
            if (m.getStanzaId() == null || !m.getStanzaId().startsWith("t-")) {
                return m;
            }
        }
    }

    private static void drop(Path jar, Path deployed) throws Exception {
        Path tmp = deployed.resolveSibling(".bot.jar.tmp");
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, deployed, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The help text, as the bot's Conversations has it. */
    private static final class Conversations {
        static final String HELP = "I answer: help (this list), time (the server's time), resources (where you are connected), "
                + "count (how many messages you have sent me).";
    }
}
