package org.parley.adhoc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.adhoc.AdHocCommand;
import org.parley.api.adhoc.AdHocRequest;
import org.parley.api.adhoc.AdHocStage;
import org.parley.api.routing.InterceptResult;
import org.parley.api.session.TestSession;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/** XEP-0050's protocol as the dispatcher runs it, with every error path of section 4.6. */
class AdHocDispatcherTest {
    private static final String COMMANDS = AdHocDispatcher.COMMANDS;
    private static final String DATA = AdHocStage.DATA;
    private static final String ECHO = "urn:test:echo";
    private static final String SECRET = "urn:test:secret";

    private AdHocDispatcher dispatcher;
    private final TestSession alice = new TestSession("s1", "alice@example.edu/phone", Instant.now());
    private final TestSession bob = new TestSession("s2", "bob@example.edu/laptop", Instant.now());
    /** What the echo command was asked to say, in order. */
    private final List<String> said = new CopyOnWriteArrayList<>();
    private int ids;

    /** Two stages: asks for a word, then says it; an empty word is a bad payload. */
    private final class Echo implements AdHocCommand {
        @Override
        public CompletionStage<AdHocStage> execute(AdHocRequest request) {
            if (request.form() == null) {
                Element form = Element.builder("x", DATA).attribute("type", "form")
                        .child(Element.builder("field", DATA).attribute("var", "word").attribute("type", "text-single").build()).build();
                return CompletableFuture.completedFuture(AdHocStage.form(form, Map.of("asked", request.requester().toString())));
            }
            String word = request.value("word");
            if (word == null || word.isBlank()) {
                return CompletableFuture.completedFuture(AdHocStage.badPayload("say a word"));
            }
            said.add(word + " for " + request.state().get("asked"));
            return CompletableFuture.completedFuture(AdHocStage.completed("said " + word));
        }
    }

    /** One stage, for alice only. */
    private static final class Secret implements AdHocCommand {
        @Override
        public boolean allows(EntityBareJid requester) {
            return requester.getLocalpart().toString().equals("alice");
        }

        @Override
        public CompletionStage<AdHocStage> execute(AdHocRequest request) {
            return CompletableFuture.completedFuture(AdHocStage.completed("the secret is 42"));
        }
    }

    @BeforeEach
    void setUp() {
        dispatcher = new AdHocDispatcher(() -> JidCreate.domainBareFromOrThrowUnchecked("example.edu"), Clock.systemUTC());
        dispatcher.add(ECHO, "Echo", new Echo());
        dispatcher.add(SECRET, "Secret", new Secret());
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

    private static Element word(String value) {
        return Element.builder("x", DATA).attribute("type", "submit")
                .child(Element.builder("field", DATA).attribute("var", "word").child(Element.builder("value", DATA).text(value).build()).build())
                .build();
    }

    private Stanza send(TestSession from, Element payload) throws Exception {
        return dispatcher.handle(iq(from, "set", "example.edu", payload), from).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private Element start(TestSession who) throws Exception {
        Stanza reply = send(who, cmd(ECHO, "execute", null).build());
        assertEquals("result", reply.type(), reply.toString());
        return reply.payload();
    }

    private static void assertError(Stanza reply, StanzaErrorCondition condition, String specific) {
        assertEquals("error", reply.type(), reply.toString());
        assertEquals(condition, reply.errorCondition(), reply.toString());
        if (specific != null) {
            assertNotNull(reply.element().child("error", Namespaces.CLIENT).child(specific, COMMANDS), "XEP-0050 condition " + specific + ": " + reply);
        }
    }

    @Test
    void executeShowsTheFormAndCompleteRunsTheNextStageWithTheKeptState() throws Exception {
        Element started = start(alice);
        assertEquals("executing", started.attribute("status"));
        assertEquals(ECHO, started.attribute("node"));
        assertEquals("complete", started.child("actions", COMMANDS).attribute("execute"));
        assertEquals("form", started.child("x", DATA).attribute("type"));
        Stanza done = send(alice, cmd(ECHO, "complete", started.attribute("sessionid")).child(word("hello")).build());
        assertEquals("completed", done.payload().attribute("status"), done.toString());
        assertEquals("said hello", done.payload().childText("note"));
        assertEquals(List.of("hello for alice@example.edu/phone"), said);
        assertError(send(alice, cmd(ECHO, "complete", started.attribute("sessionid")).child(word("again")).build()),
                StanzaErrorCondition.BAD_REQUEST, "bad-sessionid");
        assertEquals(0, dispatcher.pendingSessions(), "a completed session is forgotten");
    }

    @Test
    void executeAndNextWithASessionSubmitTooAsTheDefaultAction() throws Exception {
        String s1 = start(alice).attribute("sessionid");
        assertEquals("completed", send(alice, cmd(ECHO, "execute", s1).child(word("a")).build()).payload().attribute("status"));
        String s2 = start(alice).attribute("sessionid");
        assertEquals("completed", send(alice, cmd(ECHO, "next", s2).child(word("b")).build()).payload().attribute("status"));
        assertEquals(2, said.size());
    }

    @Test
    void cancelEndsTheSessionAndRunsNothing() throws Exception {
        String session = start(alice).attribute("sessionid");
        assertEquals("canceled", send(alice, cmd(ECHO, "cancel", session).build()).payload().attribute("status"));
        assertError(send(alice, cmd(ECHO, "complete", session).child(word("x")).build()), StanzaErrorCondition.BAD_REQUEST, "bad-sessionid");
        assertTrue(said.isEmpty());
    }

    @Test
    void anotherUsersSessionIsNotAccepted() throws Exception {
        String session = start(alice).attribute("sessionid");
        assertError(send(bob, cmd(ECHO, "complete", session).child(word("x")).build()), StanzaErrorCondition.BAD_REQUEST, "bad-sessionid");
        assertTrue(said.isEmpty());
    }

    @Test
    void badRequestsGetTheRightErrorsAndTheSessionSurvivesThem() throws Exception {
        String session = start(alice).attribute("sessionid");
        assertError(send(alice, cmd("urn:nope", "execute", null).build()), StanzaErrorCondition.ITEM_NOT_FOUND, null);
        assertError(send(alice, cmd(ECHO, "complete", session).build()), StanzaErrorCondition.BAD_REQUEST, "bad-payload");
        assertError(send(alice, cmd(ECHO, "complete", session).child(word(" ")).build()), StanzaErrorCondition.BAD_REQUEST, "bad-payload");
        assertError(send(alice, cmd(ECHO, "prev", session).build()), StanzaErrorCondition.BAD_REQUEST, "bad-action");
        assertError(send(alice, cmd(ECHO, "complete", null).build()), StanzaErrorCondition.BAD_REQUEST, "bad-action");
        assertError(send(alice, cmd(ECHO, "jump", session).build()), StanzaErrorCondition.BAD_REQUEST, "malformed-action");
        assertError(send(alice, cmd(SECRET, "complete", session).child(word("x")).build()), StanzaErrorCondition.BAD_REQUEST, "bad-sessionid");
        assertError(dispatcher.handle(iq(alice, "get", "example.edu", cmd(ECHO, "execute", null).build()), alice).toCompletableFuture().get(),
                StanzaErrorCondition.BAD_REQUEST, null);
        assertError(dispatcher.handle(iq(alice, "set", "bob@example.edu", cmd(ECHO, "execute", null).build()), alice).toCompletableFuture().get(),
                StanzaErrorCondition.SERVICE_UNAVAILABLE, null);
        assertTrue(said.isEmpty(), "nothing ran");
        assertEquals("completed", send(alice, cmd(ECHO, "complete", session).child(word("finally")).build()).payload().attribute("status"));
    }

    @Test
    void aCommandTheRequesterMayNotRunIsForbiddenAndNotListed() throws Exception {
        assertError(send(bob, cmd(SECRET, "execute", null).build()), StanzaErrorCondition.FORBIDDEN, null);
        assertEquals("the secret is 42", send(alice, cmd(SECRET, "execute", null).build()).payload().childText("note"));

        Element items = Element.builder("query", AdHocDispatcher.DISCO_ITEMS).attribute("node", COMMANDS).build();
        assertTrue(dispatcher.intercept(iq(bob, "get", "example.edu", items), bob).toCompletableFuture().get().isConsumed());
        List<String> bobSees = bob.received.get(0).payload().elements().stream().map(e -> e.attribute("node")).toList();
        assertEquals(List.of(ECHO), bobSees);
        dispatcher.intercept(iq(alice, "get", "example.edu", items), alice).toCompletableFuture().get();
        List<String> aliceSees = alice.received.get(0).payload().elements().stream().map(e -> e.attribute("name")).toList();
        assertEquals(List.of("Echo", "Secret"), aliceSees, "sorted by name");

        Element info = Element.builder("query", AdHocDispatcher.DISCO_INFO).attribute("node", SECRET).build();
        assertFalse(dispatcher.intercept(iq(bob, "get", "example.edu", info), bob).toCompletableFuture().get().isConsumed(),
                "not described to whom it is not offered");
        assertTrue(dispatcher.intercept(iq(alice, "get", "example.edu", info), alice).toCompletableFuture().get().isConsumed());
        assertEquals("command-node", alice.received.get(1).payload().child("identity", AdHocDispatcher.DISCO_INFO).attribute("type"));
    }

    @Test
    void otherDiscoRequestsPassUntouched() throws Exception {
        Stanza request = iq(alice, "get", "example.edu", Element.empty("query", AdHocDispatcher.DISCO_INFO));
        InterceptResult r = dispatcher.intercept(request, alice).toCompletableFuture().get();
        assertFalse(r.isConsumed());
        assertEquals(request, r.stanza());
        Element items = Element.builder("query", AdHocDispatcher.DISCO_ITEMS).attribute("node", COMMANDS).build();
        assertFalse(dispatcher.intercept(iq(alice, "get", "bob@example.edu", items), alice).toCompletableFuture().get().isConsumed(),
                "about someone else: not ours");
        assertTrue(alice.received.isEmpty());
    }

    @Test
    void aCommandThatFailsIsAnInternalServerErrorAndAGoneCommandIsNotFound() throws Exception {
        dispatcher.add("urn:test:broken", "Broken", request -> {
            throw new IllegalStateException("bug");
        });
        assertError(send(alice, cmd("urn:test:broken", "execute", null).build()), StanzaErrorCondition.INTERNAL_SERVER_ERROR, null);
        AdHocCommand echo = new Echo();
        dispatcher.add(ECHO, "Echo", echo);
        dispatcher.remove(ECHO, new Echo());
        assertEquals("result", send(alice, cmd(ECHO, "execute", null).build()).type(), "only the registered instance is removed");
        dispatcher.remove(ECHO, echo);
        assertError(send(alice, cmd(ECHO, "execute", null).build()), StanzaErrorCondition.ITEM_NOT_FOUND, null);
    }

    @Test
    void startedCommandsSurviveAHandoff() throws Exception {
        String session = start(alice).attribute("sessionid");
        AdHocDispatcher successor = new AdHocDispatcher(() -> JidCreate.domainBareFromOrThrowUnchecked("example.edu"), Clock.systemUTC());
        successor.add(ECHO, "Echo", new Echo());
        successor.restore(dispatcher.export());
        Stanza done = successor.handle(iq(alice, "set", "example.edu", cmd(ECHO, "complete", session).child(word("later")).build()), alice)
                .toCompletableFuture().get();
        assertEquals("completed", done.payload().attribute("status"), done.toString());
        assertEquals(List.of("later for alice@example.edu/phone"), said, "the state of the first stage came along");
    }
}
