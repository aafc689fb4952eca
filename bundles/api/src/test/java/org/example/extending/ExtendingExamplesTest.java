package org.example.extending;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.parley.api.auth.AuthenticatedIdentity;
import org.parley.api.config.ConfigurationProblem;
import org.parley.api.routing.InterceptResult;
import org.parley.api.routing.StanzaInterceptor;
import org.parley.api.server.TestStateHandoff;
import org.parley.api.session.TestSession;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * The examples of docs/EXTENDING.md: each is a class here, compiled against the api, and appears
 * in the page word for word, so the page cannot drift from what compiles; the ones with behaviour
 * worth showing are run.
 */
class ExtendingExamplesTest {
    private static final Path PAGE = Path.of("../../docs/EXTENDING.md");
    private static final Path HERE = Path.of("src/test/java/org/example/extending");

    @ParameterizedTest
    @ValueSource(strings = {"HelloHandler", "LongMessagePolicy", "ClientStateIndication", "ParkingLot", "EchoBot", "OnlineCounter",
        "ExternalMechanism", "RealmMapper", "KeptCounter", "MailOnOffline", "GreetingHandler", "GreetingChecker"})
    void eachExampleIsOnThePageAsItCompiles(String example) throws IOException {
        String source = Files.readString(HERE.resolve(example + ".java"));
        String lastImport = source.substring(source.lastIndexOf("\nimport "));
        String body = lastImport.substring(lastImport.indexOf('\n', 1)).strip();
        assertTrue(Files.readString(PAGE).contains(body), example + " on the page differs from " + HERE.resolve(example + ".java"));
    }

    private static Stanza message(String body) {
        return Stanza.create(Element.builder("message", Namespaces.CLIENT).attribute("from", "a@example.org/r")
                .attribute("to", "b@example.org").textChild("body", body).build());
    }

    @Test
    void theContentRuleRefusesLongMessagesAndPassesOthers() {
        LongMessagePolicy policy = new LongMessagePolicy();
        var interception = new StanzaInterceptor.Interception(StanzaInterceptor.Direction.INBOUND, null, null);
        InterceptResult ok = policy.intercept(message("short"), interception).toCompletableFuture().join();
        assertFalse(ok.isConsumed());
        InterceptResult refused = policy.intercept(message("x".repeat(LongMessagePolicy.MAX + 1)), interception).toCompletableFuture().join();
        assertEquals(StanzaErrorCondition.POLICY_VIOLATION, refused.refusal());
    }

    @Test
    void theRealmMapperMapsItsRealmOnly() {
        RealmMapper mapper = new RealmMapper();
        assertEquals(Optional.of("alice"), mapper.localUser(new AuthenticatedIdentity(AuthenticatedIdentity.Kind.KERBEROS_PRINCIPAL,
                "Alice@EXAMPLE.EDU", List.of())).toCompletableFuture().join());
        assertEquals(Optional.empty(), mapper.localUser(new AuthenticatedIdentity(AuthenticatedIdentity.Kind.KERBEROS_PRINCIPAL,
                "alice@OTHER.ORG", List.of())).toCompletableFuture().join());
    }

    @Test
    void keptStateCrossesToTheSuccessor() {
        TestStateHandoff handoff = new TestStateHandoff();
        KeptCounter old = new KeptCounter(handoff);
        old.increment();
        old.increment();
        old.deactivate();
        assertEquals(3, new KeptCounter(handoff).increment());
    }

    @Test
    void anInactiveClientGetsNoPresenceButStillGetsMessages() {
        ClientStateIndication csi = new ClientStateIndication();
        var session = new TestSession("a@example.org/phone").available(0);
        Stanza presence = Stanza.create(Element.builder("presence", Namespaces.CLIENT).attribute("from", "b@example.org/r").build());
        assertSame(presence, csi.filter(presence, session));
        csi.handle(Element.empty("inactive", ClientStateIndication.CSI), new FakeStream(session));
        assertNull(csi.filter(presence, session));
        Stanza m = message("hi");
        assertSame(m, csi.filter(m, session));
    }

    @Test
    void theGreetingTakesAGoodValueLiveAndRefusesABadOne() {
        GreetingHandler handler = new GreetingHandler();
        handler.configure(greeting("good morning"));
        assertEquals("good morning", greet(handler));
        handler.configure(greeting("  "));
        assertEquals("good morning", greet(handler), "the refused value changed nothing");
        handler.configure(greeting("good evening"));
        assertEquals("good evening", greet(handler));
        handler.configure(greeting("o".repeat(101)));
        assertEquals("good evening", greet(handler), "longer than maxLength (100 here) is refused");
    }

    @Test
    void theCheckerRefusesWhatTheHandlerWouldRefuseAndNamesTheKey() {
        GreetingChecker checker = new GreetingChecker();
        assertEquals(List.of(), checker.check(Map.of("greeting", "good morning")));
        assertEquals(List.of(), checker.check(Map.of()), "the defaults are accepted");
        assertEquals(List.of(new ConfigurationProblem("greeting", "must have 1 to 5 characters")),
                checker.check(Map.of("greeting", "good morning", "maxLength", "5")), "a rule between two keys");
        assertEquals(List.of(new ConfigurationProblem("greeting", "must have 1 to 100 characters")), checker.check(Map.of("greeting", " ")));
        assertEquals(List.of(new ConfigurationProblem("maxLength", "'many' is not a number")), checker.check(Map.of("maxLength", "many")));
    }

    private static String greet(GreetingHandler handler) {
        Stanza iq = Stanza.create(Element.builder("iq", Namespaces.CLIENT).attribute("from", "a@example.org/r").attribute("type", "get")
                .attribute("id", "g").child(Element.empty("greeting", "urn:example:greeting")).build());
        return handler.handle(iq, null).toCompletableFuture().join().payload().text();
    }

    private static GreetingConfig greeting(String value) {
        return new GreetingConfig() {
            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return GreetingConfig.class;
            }

            @Override
            public String greeting() {
                return value;
            }

            @Override
            public int maxLength() {
                return 100;
            }
        };
    }
}
