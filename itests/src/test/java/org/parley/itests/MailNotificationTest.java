package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.commands.AdHocCommand;
import org.jivesoftware.smackx.commands.AdHocCommandManager;
import org.jivesoftware.smackx.commands.AdHocCommandResult;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.jivesoftware.smackx.xdata.form.FillableForm;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The mail hook with real clients and a real SMTP server: a message to a user who is away gives
 * that user one mail at the address the template makes, saying who wrote and how many messages
 * wait, not what they said; a burst gives one mail; an online user gets none; the message itself
 * waits as before.
 */
class MailNotificationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String MAIL_DOMAIN = "mail.test";
    private static final MailServer smtp = new MailServer();

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder()
            .set("parley.properties", "features", "core, im, mailhook")
            .set("org.parley.mailhook.cfg", "smtpHost", "127.0.0.1")
            .set("org.parley.mailhook.cfg", "smtpPort", smtp.port())
            .set("org.parley.mailhook.cfg", "smtpSecurity", "none")
            .set("org.parley.mailhook.cfg", "from", "Parley <xmpp@" + MAIL_DOMAIN + ">")
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

    static String address(Account account) {
        return account.local().toLowerCase() + "@" + MAIL_DOMAIN;
    }

    /** Sends and waits until the server has handled it (stored, for a user who is away). */
    static void send(XMPPTCPConnection from, Account to, String body) throws Exception {
        from.sendStanza(Xmpp.chat(from, to.bareJid(), body));
        Xmpp.pingServer(from);
    }

    @Test
    void aMessageToAUserWhoIsAwayGivesExactlyOneMailSayingWhoWroteNotWhat() throws Exception {
        Account romeo = server.newAccount("romeo");
        XMPPTCPConnection r = server.login(romeo);
        Account juliet = server.newAccount("juliet");
        send(r, juliet, "meet me at the secret balcony");

        MimeMessage mail = smtp.awaitMailsTo(address(juliet), 1, WAIT).get(0);
        assertEquals("New message from " + romeo.jid(), mail.getSubject());
        assertEquals("xmpp@" + MAIL_DOMAIN, ((InternetAddress) mail.getFrom()[0]).getAddress());
        assertEquals("auto-generated", mail.getHeader("Auto-Submitted", null));
        String body = (String) mail.getContent();
        assertTrue(body.contains(romeo.jid() + " wrote to you (" + juliet.jid() + ")"), body);
        assertTrue(body.contains("1 message is waiting"), body);
        assertFalse(body.contains("balcony"), "the text stays in the service by default: " + body);

        Thread.sleep(1000);
        assertEquals(1, smtp.mailsTo(address(juliet)).size(), "exactly one mail");

        XMPPTCPConnection j = server.login(server.smackConfig(juliet, "home").setSendPresence(false).build());
        Inbox inbox = Inbox.of(j);
        j.sendStanza(Xmpp.available(j, 0));
        Message kept = inbox.next(WAIT, "the offline message");
        assertEquals("meet me at the secret balcony", kept.getBody(), "the message itself waited as before");
    }

    @Test
    void aBurstFromOneSenderGivesOneMailAndAnotherSenderItsOwn() throws Exception {
        XMPPTCPConnection romeo = server.login(server.newAccount("romeo-b"));
        Account mercutio = server.newAccount("mercutio");
        XMPPTCPConnection m = server.login(mercutio);
        Account juliet = server.newAccount("juliet-b");
        for (int i = 1; i <= 15; i++) {
            send(romeo, juliet, "line " + i);
        }
        send(m, juliet, "a plague");

        List<MimeMessage> mails = smtp.awaitMailsTo(address(juliet), 2, WAIT);
        Thread.sleep(1500);
        mails = smtp.mailsTo(address(juliet));
        assertEquals(2, mails.size(), "one per sender");
        Set<String> subjects = mails.stream().map(MailNotificationTest::subject).collect(Collectors.toSet());
        assertEquals(Set.of("New message from " + romeo.getUser().asBareJid(), "New message from " + mercutio.jid()), subjects);
    }

    @Test
    void aUserWhoIsOnlineGetsNoMail() throws Exception {
        XMPPTCPConnection romeo = server.login(server.newAccount("romeo-o"));
        Account juliet = server.newAccount("juliet-o");
        XMPPTCPConnection j = server.login(juliet);
        Inbox inbox = Inbox.of(j);
        Xmpp.pingServer(j);
        send(romeo, juliet, "are you there?");
        assertEquals("are you there?", inbox.next(WAIT, "the live message").getBody());
        Thread.sleep(1500);
        assertEquals(0, smtp.mailsTo(address(juliet)).size());
    }

    @Test
    void anInvalidConfigurationIsRefusedByNameAndTheOldOneStays() throws Exception {
        Path file = server.base().resolve("etc").resolve("org.parley.mailhook.cfg");
        String original = Files.readString(file);
        long offset = server.logSize();
        rewrite(file, original.replaceAll("(?m)^recipientTemplate\\s*=.*$", "recipientTemplate = {user}@" + MAIL_DOMAIN));
        server.awaitLog(offset, "recipientTemplate", WAIT);
        assertTrue(server.logSince(offset).contains("the previous one"), server.logSince(offset));
        try {
            XMPPTCPConnection romeo = server.login(server.newAccount("romeo-c"));
            Account juliet = server.newAccount("juliet-c");
            send(romeo, juliet, "still told");
            smtp.awaitMailsTo(address(juliet), 1, WAIT);
        } finally {
            rewrite(file, original);
        }
    }

    /** Runs the XEP-0050 command on the server as the user: returns the value the form showed, after setting it to {@code on}. */
    static boolean setNotifications(XMPPTCPConnection user, boolean on) throws Exception {
        AdHocCommandManager commands = AdHocCommandManager.getInstance(user);
        DomainBareJid serverJid = JidCreate.domainBareFrom(ParleyServer.DOMAIN);
        DiscoverItems items = commands.discoverCommands(serverJid);
        DiscoverItems.Item item = items.getItems().stream().filter(i -> "Mail notifications".equals(i.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("the command is listed in service discovery: " + items.toXML()));
        AdHocCommand command = commands.getRemoteCommand(serverJid, item.getNode());
        AdHocCommandResult.StatusExecuting executing = command.execute().asExecutingOrThrow();
        FillableForm form = executing.getFillableForm();
        String shown = form.getField("notify").getFirstValue();
        boolean was = "1".equals(shown) || "true".equals(shown);
        form.setAnswer("notify", on);
        AdHocCommandResult done = command.complete(form.getSubmitForm());
        assertTrue(done.isCompleted(), done.getResponse().toXML().toString());
        return was;
    }

    @Test
    void aUserWhoTurnsMailOffGetsNoneAndWhenBackOnGetsItAgain() throws Exception {
        Account juliet = server.newAccount("juliet-opt");
        XMPPTCPConnection j = server.login(juliet);
        assertTrue(setNotifications(j, false), "on by default");
        j.disconnect();

        XMPPTCPConnection romeo = server.login(server.newAccount("romeo-opt"));
        Account nurse = server.newAccount("nurse-opt"); // offline too, still wants mail: proves the hook is at work
        send(romeo, juliet, "hello?");
        send(romeo, nurse, "hello?");
        smtp.awaitMailsTo(address(nurse), 1, WAIT);
        Thread.sleep(1000);
        assertEquals(0, smtp.mailsTo(address(juliet)).size(), "she turned it off");

        j = server.login(server.smackConfig(juliet, "again").setSendPresence(false).build());
        assertFalse(setNotifications(j, true), "the form showed it off: the choice was stored");
        j.disconnect();
        XMPPTCPConnection tybalt = server.login(server.newAccount("tybalt-opt"));
        send(tybalt, juliet, "draw");
        MimeMessage mail = smtp.awaitMailsTo(address(juliet), 1, WAIT).get(0);
        assertTrue(mail.getSubject().startsWith("New message from tybalt-opt"), mail.getSubject());
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void rewrite(Path file, String content) throws Exception {
        // Write beside it and move: FileInstall never reads a half-written file.
        Path tmp = file.resolveSibling("mailhook.cfg.tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
