package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The mail hook added to a running server through deploy/ (the server runs core and im only),
 * removed while users are connected and writing, and added back: while it is away no mail goes
 * out and nothing else changes (messages for users who are away are kept, no sender gets an
 * error, no session ends); once back, mail resumes.
 */
class MailHookLiveTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String MAIL_DOMAIN = "live.test";
    private static final MailServer smtp = new MailServer();

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder()
            .set("org.parley.mailhook.cfg", "smtpHost", "127.0.0.1")
            .set("org.parley.mailhook.cfg", "smtpPort", smtp.port())
            .set("org.parley.mailhook.cfg", "smtpSecurity", "none")
            .set("org.parley.mailhook.cfg", "recipientTemplate", "{localpart}@" + MAIL_DOMAIN)
            .build();

    @BeforeAll
    static void startSmtp() {
        smtp.start();
    }

    @AfterAll
    static void stopSmtp() {
        smtp.stop();
    }

    private static String address(Account account) {
        return account.local().toLowerCase() + "@" + MAIL_DOMAIN;
    }

    private static void deploy(Path jar, String name) throws Exception {
        Path tmp = server.base().resolve(name + ".tmp");
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, server.base().resolve("deploy").resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path system(String path) {
        return server.dist().resolve("system").resolve(path);
    }

    @Test
    void removingTheBundleStopsMailAndNothingElseAndAddingItBackResumesIt() throws Exception {
        long offset = server.logSize();
        // The libraries first, each after what it needs (dropped at once, FileInstall may try
        // angus-mail before the mail API and leave it unresolved), then the hook.
        deploy(system("jakarta/activation/jakarta.activation-api/2.1.4/jakarta.activation-api-2.1.4.jar"), "activation-api.jar");
        server.awaitLog(offset, "Installed jakarta.activation-api", WAIT);
        deploy(system("org/eclipse/angus/angus-activation/2.0.3/angus-activation-2.0.3.jar"), "angus-activation.jar");
        server.awaitLog(offset, "Installed angus-activation", WAIT);
        deploy(system("jakarta/mail/jakarta.mail-api/2.1.5/jakarta.mail-api-2.1.5.jar"), "mail-api.jar");
        server.awaitLog(offset, "Installed jakarta.mail-api", WAIT);
        deploy(system("org/eclipse/angus/angus-mail/2.0.5/angus-mail-2.0.5.jar"), "angus-mail.jar");
        server.awaitLog(offset, "Installed org.eclipse.angus.mail", WAIT);
        deploy(Bundles.parleyJar(server.dist(), "mailhook"), "mailhook.jar");
        server.awaitLog(offset, "Mail notifications go through", WAIT);

        Account romeoAccount = server.newAccount("live-romeo");
        XMPPTCPConnection romeo = server.login(romeoAccount);
        List<String> errors = new CopyOnWriteArrayList<>();
        romeo.addSyncStanzaListener(s -> errors.add(s.toXML().toString()), s -> s instanceof Message m && m.getType() == Message.Type.error);
        Account juliet = server.newAccount("live-juliet");
        Account nurse = server.newAccount("live-nurse");
        romeo.sendStanza(Xmpp.chat(romeo, juliet.bareJid(), "before"));
        Xmpp.pingServer(romeo);
        smtp.awaitMailsTo(address(juliet), 1, WAIT);

        offset = server.logSize();
        Files.delete(server.base().resolve("deploy").resolve("mailhook.jar"));
        server.awaitLog(offset, "Uninstalling org.parley.mailhook", WAIT);
        Thread.sleep(500);
        romeo.sendStanza(Xmpp.chat(romeo, nurse.bareJid(), "while it is away"));
        Xmpp.pingServer(romeo);
        Thread.sleep(2000);
        assertEquals(0, smtp.mailsTo(address(nurse)).size(), "no mail without the hook");

        offset = server.logSize();
        deploy(Bundles.parleyJar(server.dist(), "mailhook"), "mailhook.jar");
        server.awaitLog(offset, "Mail notifications go through", WAIT);
        Account tybalt = server.newAccount("live-tybalt");
        romeo.sendStanza(Xmpp.chat(romeo, tybalt.bareJid(), "back"));
        Xmpp.pingServer(romeo);
        smtp.awaitMailsTo(address(tybalt), 1, WAIT);
        Thread.sleep(1000);
        assertEquals(1, smtp.mailsTo(address(juliet)).size(), "the mail from before is not sent again");
        assertEquals(0, smtp.mailsTo(address(nurse)).size(), "what came while it was away is not mailed afterwards");

        assertTrue(romeo.isConnected() && romeo.isAuthenticated(), "the sender's session lived through it");
        assertTrue(errors.isEmpty(), () -> "no sender error: " + errors);
        XMPPTCPConnection n = server.login(server.smackConfig(nurse, "home").setSendPresence(false).build());
        Inbox inbox = Inbox.of(n);
        n.sendStanza(Xmpp.available(n, 0));
        assertEquals("while it is away", inbox.next(WAIT, "the message sent while the hook was away").getBody(),
                "offline storage did not depend on it");
    }
}
