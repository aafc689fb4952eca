package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.commands.AdHocCommand;
import org.jivesoftware.smackx.commands.AdHocCommandManager;
import org.jivesoftware.smackx.commands.AdHocCommandNote;
import org.jivesoftware.smackx.commands.AdHocCommandResult;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.jivesoftware.smackx.xdata.form.FillableForm;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * XEP-0133 service administration from a Smack client: the configured admin runs each command
 * through the ad-hoc commands of XEP-0050 and sees its effect on real accounts and sessions; an
 * account that is not an admin neither sees the commands nor may run them; and the same
 * operations from {@code bin/parley admin}.
 */
class ServiceAdministrationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ADMIN = ParleyServer.uniqueLocal("ops");
    private static final String ADMIN_PASSWORD = ParleyServer.randomPassword();
    private static final String NS = "http://jabber.org/protocol/admin#";

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().set("org.parley.admin.cfg", "admins", ADMIN)
            .set("org.parley.auth.cfg", "failureThreshold", 1000).build();

    private static XMPPTCPConnection admin;
    private static DomainBareJid serverJid;

    @BeforeAll
    static void signInTheAdmin() throws Exception {
        assertEquals(0, server.cli("user", "add", ADMIN, ADMIN_PASSWORD).exitCode());
        admin = server.login(new Account(ADMIN, ADMIN_PASSWORD, ParleyServer.DOMAIN), "console");
        serverJid = JidCreate.domainBareFrom(ParleyServer.DOMAIN);
    }

    private static AdHocCommand command(XMPPTCPConnection as, String node) {
        return AdHocCommandManager.getInstance(as).getRemoteCommand(serverJid, NS + node);
    }

    /** Executes, fills in the form with pairs of field and answer (a List answers a multi field), completes. */
    private static AdHocCommandResult run(XMPPTCPConnection as, String node, Object... answers) throws Exception {
        AdHocCommand c = command(as, node);
        AdHocCommandResult first = c.execute();
        if (first.isCompleted()) {
            return first;
        }
        FillableForm form = first.asExecutingOrThrow().getFillableForm();
        for (int i = 0; i < answers.length; i += 2) {
            if (answers[i + 1] instanceof List<?> many) {
                form.setAnswer((String) answers[i], many.stream().map(Object::toString).collect(Collectors.toList()));
            } else {
                form.setAnswer((String) answers[i], answers[i + 1].toString());
            }
        }
        return c.complete(form.getSubmitForm());
    }

    private static String note(AdHocCommandResult r) {
        return r.getResponse().getNotes().stream().map(AdHocCommandNote::getValue).collect(Collectors.joining(" "));
    }

    private static StanzaError.Condition error(Executable e) {
        XMPPException.XMPPErrorException x = assertThrows(XMPPException.XMPPErrorException.class, e::run);
        return x.getStanzaError().getCondition();
    }

    private interface Executable {
        void run() throws Exception;
    }

    private static String saslFailure(Account account) {
        XMPPTCPConnection c = server.newConnection(server.smackConfig(account, "x").build());
        SASLErrorException e = assertThrows(SASLErrorException.class, () -> {
            c.connect();
            c.login();
        });
        c.disconnect();
        return e.getSASLFailure().getSASLErrorString();
    }

    @Test
    void anAccountThatIsNotAnAdminNeitherSeesNorRunsTheCommands() throws Exception {
        XMPPTCPConnection user = server.login(server.newAccount("plain"), "x");
        DiscoverItems items = AdHocCommandManager.getInstance(user).discoverCommands(serverJid);
        assertTrue(items.getItems().stream().noneMatch(i -> i.getNode().startsWith(NS)), items.toXML().toString());
        assertEquals(StanzaError.Condition.forbidden, error(() -> command(user, "add-user").execute()));
        assertEquals(StanzaError.Condition.forbidden, error(() -> command(user, "get-online-users-num").execute()));

        DiscoverItems adminSees = AdHocCommandManager.getInstance(admin).discoverCommands(serverJid);
        List<String> nodes = adminSees.getItems().stream().map(DiscoverItems.Item::getNode).toList();
        for (String node : List.of("add-user", "delete-user", "disable-user", "reenable-user", "change-user-password",
                "end-user-session", "get-online-users-num", "get-online-users-list", "announce", "set-motd", "edit-motd", "delete-motd")) {
            assertTrue(nodes.contains(NS + node), node + " in " + nodes);
        }
    }

    @Test
    void accountsAreAddedChangedDisabledReenabledAndDeleted() throws Exception {
        String local = ParleyServer.uniqueLocal("made");
        String jid = local + "@" + ParleyServer.DOMAIN;
        assertEquals(StanzaError.Condition.bad_request, error(() -> run(admin, "add-user", "accountjid", jid, "password", "one",
                "password-verify", "two")), "the passwords differ");
        assertEquals(StanzaError.Condition.bad_request, error(() -> run(admin, "add-user", "accountjid", "x@elsewhere.example",
                "password", "one", "password-verify", "one")), "not an account of this server");
        assertTrue(note(run(admin, "add-user", "accountjid", jid, "password", "first pw", "password-verify", "first pw"))
                .contains(jid));
        assertEquals(StanzaError.Condition.conflict, error(() -> run(admin, "add-user", "accountjid", jid, "password", "x",
                "password-verify", "x")), "it exists now");
        Account made = new Account(local, "first pw", ParleyServer.DOMAIN);
        XMPPTCPConnection session = server.login(made, "phone");

        run(admin, "change-user-password", "accountjid", jid, "password", "second pw");
        assertEquals("not-authorized", saslFailure(made));
        Account changed = made.withPassword("second pw");
        Xmpp.pingServer(server.login(changed, "again"));

        List<String> closed = new CopyOnWriteArrayList<>();
        session.addConnectionListener(new ConnectionListener() {
            @Override
            public void connectionClosedOnError(Exception e) {
                closed.add(e.toString());
            }
        });
        assertTrue(note(run(admin, "disable-user", "accountjids", List.of(jid))).contains(jid));
        RosterTest.await("the disabled account's session ends", () -> !closed.isEmpty());
        assertEquals("account-disabled", saslFailure(changed));
        run(admin, "reenable-user", "accountjids", List.of(jid));
        Xmpp.pingServer(server.login(changed, "back"));

        run(admin, "delete-user", "accountjids", List.of(jid));
        assertEquals("not-authorized", saslFailure(changed));
        assertEquals(StanzaError.Condition.item_not_found, error(() -> run(admin, "delete-user", "accountjids", List.of(jid))));
        assertEquals(StanzaError.Condition.item_not_found, error(() -> run(admin, "disable-user", "accountjids",
                List.of("nobody-" + local + "@" + ParleyServer.DOMAIN))));
    }

    @Test
    void onlineUsersAreCountedListedAnnouncedToAndTheirSessionsEnded() throws Exception {
        Account a = server.newAccount("on");
        XMPPTCPConnection phone = server.login(a, "phone");
        XMPPTCPConnection laptop = server.login(a, "laptop");
        Inbox phoneInbox = Inbox.of(phone);

        int users = Integer.parseInt(run(admin, "get-online-users-num").getResponse().getForm().getField("onlineusersnum").getFirstValue());
        assertTrue(users >= 2, "the admin and a: " + users);
        List<? extends CharSequence> listed = run(admin, "get-online-users-list", "max_items", "none").getResponse().getForm()
                .getField("onlineuserjids").getValues();
        assertTrue(listed.stream().anyMatch(j -> j.toString().equals(a.jid())), listed.toString());
        assertEquals(StanzaError.Condition.bad_request, error(() -> run(admin, "get-online-users-list", "max_items", "7")));

        assertTrue(note(run(admin, "announce", "announcement", "maintenance at noon")).startsWith("Sent to "));
        Message announced = phoneInbox.next(WAIT, "the announcement");
        assertEquals("maintenance at noon", announced.getBody());
        assertEquals(ParleyServer.DOMAIN, announced.getFrom().toString());

        run(admin, "end-user-session", "accountjids", List.of(a.jid() + "/laptop"));
        RosterTest.await("the one session ends", () -> !laptop.isConnected());
        assertTrue(phone.isConnected(), "only the session named");
        run(admin, "end-user-session", "accountjids", List.of(a.jid()));
        RosterTest.await("a bare JID ends them all", () -> !phone.isConnected());
    }

    @Test
    void theMessageOfTheDayIsSentAtSignInEditedAndDeleted() throws Exception {
        Account a = server.newAccount("motd");
        run(admin, "set-motd", "motd", "Welcome to the service");
        XMPPTCPConnection c = server.login(server.smackConfig(a, "x").setSendPresence(false).build());
        Inbox inbox = Inbox.of(c);
        c.sendStanza(Xmpp.available(c, 0));
        assertEquals("Welcome to the service", inbox.next(WAIT, "the message of the day").getBody());

        AdHocCommand edit = command(admin, "edit-motd");
        FillableForm form = edit.execute().asExecutingOrThrow().getFillableForm();
        assertEquals("Welcome to the service", form.getField("motd").getValues().get(0).toString(), "the form shows the current one");
        form.setAnswer("motd", List.of("Welcome back"));
        assertTrue(edit.complete(form.getSubmitForm()).isCompleted());
        assertEquals("Welcome back", server.cli("admin", "motd").stdout().strip(), "kept where the shell reads it");

        assertTrue(run(admin, "delete-motd").isCompleted());
        assertEquals(StanzaError.Condition.item_not_found, error(() -> run(admin, "delete-motd")));
        XMPPTCPConnection next = server.login(server.smackConfig(a, "y").setSendPresence(false).build());
        List<String> bodies = new CopyOnWriteArrayList<>();
        next.addSyncStanzaListener(s -> bodies.add(((Message) s).getBody()), s -> s instanceof Message m && m.getBody() != null);
        next.sendStanza(Xmpp.available(next, 0));
        Xmpp.pingServer(next);
        Thread.sleep(300);
        assertTrue(bodies.isEmpty(), "no message of the day any more: " + bodies);
    }

    @Test
    void theSameOperationsFromTheShell() throws Exception {
        Account a = server.newAccount("sh");
        XMPPTCPConnection c = server.login(a, "desk");
        Inbox inbox = Inbox.of(c);
        ParleyServer.CliResult online = server.cli("admin", "online");
        assertEquals(0, online.exitCode(), online.toString());
        assertTrue(online.stdout().contains(a.jid()), online.toString());
        ParleyServer.CliResult sessions = server.cli("admin", "sessions", a.jid());
        assertTrue(sessions.stdout().contains(a.jid() + "/desk") && sessions.stdout().contains("tls"), sessions.toString());
        assertEquals(0, server.cli("admin", "announce", "from", "the", "shell").exitCode());
        assertEquals("from the shell", inbox.next(WAIT, "the shell's announcement").getBody());
        assertEquals(0, server.cli("admin", "end", a.jid()).exitCode());
        RosterTest.await("the shell ended the session", () -> !c.isConnected());
        ParleyServer.CliResult none = server.cli("admin", "end", a.jid());
        assertEquals(1, none.exitCode(), none.toString());
        assertTrue(none.stderr().contains("no sessions"), none.toString());
        assertEquals(2, server.cli("admin", "frobnicate").exitCode());
        assertFalse(server.cli("admin", "sessions", "not a jid").exitCode() == 0);
    }
}
