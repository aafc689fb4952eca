package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.commands.AdHocCommand;
import org.jivesoftware.smackx.commands.AdHocCommandManager;
import org.jivesoftware.smackx.xdata.form.FillableForm;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ad-hoc dispatcher and service administration replaced through deploy/ while users talk and
 * an admin is in the middle of a command: the started command completes on the new dispatcher
 * (its session crossed the state handoff), the message of the day stays (it is in storage), and
 * every chat message sent meanwhile arrives once, with no session ended.
 */
class ServiceAdminUpgradeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ADMIN = ParleyServer.uniqueLocal("boss");
    private static final String PASSWORD = ParleyServer.randomPassword();

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().set("org.parley.admin.cfg", "admins", ADMIN).build();

    private static void upgrade(String module) throws Exception {
        long logBefore = server.logSize();
        Path jar = server.base().resolve(module + "-99.jar");
        Bundles.copyWithVersion(Bundles.parleyJar(server.dist(), module), jar, "99.0.0");
        Files.move(jar, server.base().resolve("deploy").resolve(jar.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        server.awaitLog(logBefore, "Upgraded org.parley." + module + " from", WAIT);
    }

    @Test
    void aStartedCommandCompletesAcrossTheUpgradeAndNothingIsLost() throws Exception {
        assertEquals(0, server.cli("user", "add", ADMIN, PASSWORD).exitCode());
        XMPPTCPConnection admin = server.login(new Account(ADMIN, PASSWORD, ParleyServer.DOMAIN), "console");
        XMPPTCPConnection alice = server.login(server.newAccount("up"), "a");
        XMPPTCPConnection bob = server.login(server.newAccount("up"), "b");
        Set<String> received = new HashSet<>();
        AtomicInteger twice = new AtomicInteger();
        bob.addSyncStanzaListener(s -> {
            synchronized (received) {
                if (!received.add(((Message) s).getBody())) {
                    twice.incrementAndGet();
                }
            }
        }, s -> s instanceof Message m && m.getBody() != null);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        Thread sender = new Thread(() -> {
            try {
                while (running.get()) {
                    alice.sendStanza(Xmpp.chat(alice, bob.getUser().asEntityBareJid(), "m" + sent.get()));
                    sent.incrementAndGet();
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        sender.start();

        AdHocCommand setMotd = AdHocCommandManager.getInstance(admin)
                .getRemoteCommand(JidCreate.domainBareFrom(ParleyServer.DOMAIN), "http://jabber.org/protocol/admin#set-motd");
        FillableForm form = setMotd.execute().asExecutingOrThrow().getFillableForm();
        upgrade("adhoc");
        form.setAnswer("motd", List.of("Set across an upgrade"));
        assertTrue(setMotd.complete(form.getSubmitForm()).isCompleted(), "the session started before the upgrade");

        upgrade("serviceadmin");
        running.set(false);
        sender.join(5000);
        Xmpp.pingServer(alice);

        Account carol = server.newAccount("up");
        XMPPTCPConnection c = server.login(server.smackConfig(carol, "x").setSendPresence(false).build());
        Inbox inbox = Inbox.of(c);
        c.sendStanza(Xmpp.available(c, 0));
        assertEquals("Set across an upgrade", inbox.next(WAIT, "the message of the day, kept in storage").getBody());
        assertTrue(AdHocCommandManager.getInstance(admin).getRemoteCommand(JidCreate.domainBareFrom(ParleyServer.DOMAIN),
                "http://jabber.org/protocol/admin#get-online-users-num").execute().isCompleted(), "the new version answers");

        long deadline = System.nanoTime() + WAIT.toNanos();
        while (received.size() < sent.get() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(sent.get(), received.size(), "every message arrived");
        assertEquals(0, twice.get(), "none twice");
        assertTrue(admin.isConnected() && alice.isConnected() && bob.isConnected(), "no session ended");
        assertTrue(sent.get() > 50, "traffic went on through the upgrades: " + sent.get());
    }
}
