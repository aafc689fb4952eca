package org.parley.mailhook.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.routing.InterceptResult;
import org.parley.api.server.TestWorkers;
import org.parley.api.session.TestSession;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.mailhook.internal.adhoc.NotificationCommand;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/** The XEP-0050 command against a real (H2) store, with every error path of section 4.6. */
class NotificationCommandTest {
    private static final String COMMANDS = NotificationCommand.COMMANDS;
    private static final String DATA = "jabber:x:data";

    @TempDir
    Path dir;
    private TestWorkers workers;
    private Preferences preferences;
    private NotificationCommand command;
    private final TestSession alice = new TestSession("s1", "alice@example.edu/phone", Instant.now());
    private final TestSession bob = new TestSession("s2", "bob@example.edu/laptop", Instant.now());
    private int ids;

    @BeforeEach
    void setUp() {
        TestSqlDatabase database = TestSqlDatabase.h2(dir);
        database.migrate(Outbox.MODULE, Outbox.MIGRATIONS);
        workers = new TestWorkers();
        preferences = new Preferences(database.dataSource(), Clock.systemUTC());
        command = new NotificationCommand(preferences, workers, () -> JidCreate.domainBareFromOrThrowUnchecked("example.edu"),
                Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        workers.close();
    }

    private Stanza iq(TestSession from, String type, String to, Element payload) {
        Element.Builder b = Element.builder("iq", Namespaces.CLIENT).attribute("type", type).attribute("id", "c" + (++ids))
                .attribute("from", from.jid().toString());
        if (to != null) {
            b.attribute("to", to);
        }
        return Stanza.create(b.child(payload).build());
    }

    private static Element.Builder cmd(String node, String action, String sessionId) {
        Element.Builder b = Element.builder("command", COMMANDS).attribute("node", node);
        if (action != null) {
            b.attribute("action", action);
        }
        if (sessionId != null) {
            b.attribute("sessionid", sessionId);
        }
        return b;
    }

    private static Element submit(String value) {
        return Element.builder("x", DATA).attribute("type", "submit")
                .child(Element.builder("field", DATA).attribute("var", "notify").child(Element.builder("value", DATA).text(value).build()).build())
                .build();
    }

    private Stanza send(TestSession from, Element payload) throws Exception {
        return command.handle(iq(from, "set", "example.edu", payload), from).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private Element start(TestSession who) throws Exception {
        Stanza reply = send(who, cmd(NotificationCommand.NODE, "execute", null).build());
        assertEquals("result", reply.type(), reply.toString());
        return reply.payload();
    }

    private static String formValue(Element command) {
        return command.child("x", DATA).child("field", DATA).child("value", DATA).text();
    }

    private static void assertError(Stanza reply, StanzaErrorCondition condition, String specific) {
        assertEquals("error", reply.type(), reply.toString());
        assertEquals(condition, reply.errorCondition(), reply.toString());
        if (specific != null) {
            assertNotNull(reply.element().child("error", Namespaces.CLIENT).child(specific, COMMANDS), "XEP-0050 condition " + specific + ": " + reply);
        }
    }

    @Test
    void executeShowsAFormWithTheCurrentSettingOnByDefault() throws Exception {
        Element started = start(alice);
        assertEquals("executing", started.attribute("status"));
        assertNotNull(started.attribute("sessionid"));
        assertEquals("complete", started.child("actions", COMMANDS).attribute("execute"));
        assertEquals("form", started.child("x", DATA).attribute("type"));
        assertEquals("1", formValue(started));
    }

    @Test
    void completingWithNoTurnsMailOffAndItIsStored() throws Exception {
        String session = start(alice).attribute("sessionid");
        Stanza done = send(alice, cmd(NotificationCommand.NODE, "complete", session).child(submit("0")).build());
        assertEquals("completed", done.payload().attribute("status"), done.toString());
        assertEquals("Mail notifications are off.", done.payload().childText("note"));
        assertFalse(preferences.enabled("alice"));
        assertTrue(preferences.enabled("bob"), "only her own setting");
        assertEquals("0", formValue(start(alice)), "the form shows it next time");

        String again = start(alice).attribute("sessionid");
        send(alice, cmd(NotificationCommand.NODE, "execute", again).child(submit("true")).build()); // execute = the default action, complete
        assertTrue(preferences.enabled("alice"), "and back on");
    }

    @Test
    void turningOffTwiceIsNoError() throws Exception {
        for (int i = 0; i < 2; i++) {
            String session = start(alice).attribute("sessionid");
            Stanza done = send(alice, cmd(NotificationCommand.NODE, "complete", session).child(submit("false")).build());
            assertEquals("completed", done.payload().attribute("status"));
        }
        assertFalse(preferences.enabled("alice"));
    }

    @Test
    void cancelEndsTheSessionAndChangesNothing() throws Exception {
        String session = start(alice).attribute("sessionid");
        Stanza canceled = send(alice, cmd(NotificationCommand.NODE, "cancel", session).build());
        assertEquals("canceled", canceled.payload().attribute("status"));
        assertError(send(alice, cmd(NotificationCommand.NODE, "complete", session).child(submit("0")).build()),
                StanzaErrorCondition.BAD_REQUEST, "bad-sessionid");
        assertTrue(preferences.enabled("alice"));
    }

    @Test
    void anotherUsersSessionIsNotAccepted() throws Exception {
        String session = start(alice).attribute("sessionid");
        assertError(send(bob, cmd(NotificationCommand.NODE, "complete", session).child(submit("0")).build()),
                StanzaErrorCondition.BAD_REQUEST, "bad-sessionid");
        assertTrue(preferences.enabled("alice"));
        assertTrue(preferences.enabled("bob"));
    }

    @Test
    void badRequestsGetTheRightErrors() throws Exception {
        String session = start(alice).attribute("sessionid");
        assertError(send(alice, cmd("urn:nope", "execute", null).build()), StanzaErrorCondition.ITEM_NOT_FOUND, null);
        assertError(send(alice, cmd(NotificationCommand.NODE, "complete", session).build()), StanzaErrorCondition.BAD_REQUEST, "bad-payload");
        assertError(send(alice, cmd(NotificationCommand.NODE, "complete", session).child(submit("maybe")).build()),
                StanzaErrorCondition.BAD_REQUEST, "bad-payload");
        assertError(send(alice, cmd(NotificationCommand.NODE, "next", session).build()), StanzaErrorCondition.BAD_REQUEST, "bad-action");
        assertError(send(alice, cmd(NotificationCommand.NODE, "complete", null).build()), StanzaErrorCondition.BAD_REQUEST, "bad-action");
        assertError(send(alice, cmd(NotificationCommand.NODE, "jump", session).build()), StanzaErrorCondition.BAD_REQUEST, "malformed-action");
        Stanza get = command.handle(iq(alice, "get", "example.edu", cmd(NotificationCommand.NODE, "execute", null).build()), alice)
                .toCompletableFuture().get();
        assertError(get, StanzaErrorCondition.BAD_REQUEST, null);
        Stanza toBob = command.handle(iq(alice, "set", "bob@example.edu", cmd(NotificationCommand.NODE, "execute", null).build()), alice)
                .toCompletableFuture().get();
        assertError(toBob, StanzaErrorCondition.SERVICE_UNAVAILABLE, null);
        assertTrue(preferences.enabled("alice"), "nothing changed");
        // and the session still completes after all that
        assertEquals("completed", send(alice, cmd(NotificationCommand.NODE, "complete", session).child(submit("0")).build())
                .payload().attribute("status"));
    }

    @Test
    void theCommandIsListedInServiceDiscovery() throws Exception {
        Element items = Element.builder("query", "http://jabber.org/protocol/disco#items").attribute("node", COMMANDS).build();
        InterceptResult r = command.intercept(iq(alice, "get", "example.edu", items), alice).toCompletableFuture().get();
        assertTrue(r.isConsumed());
        Element answer = alice.received.get(0).payload();
        Element item = answer.child("item", "http://jabber.org/protocol/disco#items");
        assertEquals(NotificationCommand.NODE, item.attribute("node"));
        assertEquals("example.edu", item.attribute("jid"));

        Element info = Element.builder("query", "http://jabber.org/protocol/disco#info").attribute("node", NotificationCommand.NODE).build();
        assertTrue(command.intercept(iq(alice, "get", "example.edu", info), alice).toCompletableFuture().get().isConsumed());
        Element identity = alice.received.get(1).payload().child("identity", "http://jabber.org/protocol/disco#info");
        assertEquals("command-node", identity.attribute("type"));
    }

    @Test
    void otherDiscoRequestsPassUntouched() throws Exception {
        Element plainInfo = Element.empty("query", "http://jabber.org/protocol/disco#info");
        Stanza request = iq(alice, "get", "example.edu", plainInfo);
        InterceptResult r = command.intercept(request, alice).toCompletableFuture().get();
        assertFalse(r.isConsumed());
        assertEquals(request, r.stanza());
        Element otherNode = Element.builder("query", "http://jabber.org/protocol/disco#items").attribute("node", COMMANDS).build();
        assertFalse(command.intercept(iq(alice, "get", "bob@example.edu", otherNode), alice).toCompletableFuture().get().isConsumed(),
                "about someone else: not ours");
        assertTrue(alice.received.isEmpty());
    }

    @Test
    void startedCommandsSurviveAHandoff() throws Exception {
        String session = start(alice).attribute("sessionid");
        NotificationCommand successor = new NotificationCommand(preferences, workers,
                () -> JidCreate.domainBareFromOrThrowUnchecked("example.edu"), Clock.systemUTC());
        successor.restore(command.export());
        Stanza done = successor.handle(iq(alice, "set", "example.edu", cmd(NotificationCommand.NODE, "complete", session).child(submit("0")).build()),
                alice).toCompletableFuture().get();
        assertEquals("completed", done.payload().attribute("status"), done.toString());
    }
}
