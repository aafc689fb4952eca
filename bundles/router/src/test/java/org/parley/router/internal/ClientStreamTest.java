package org.parley.router.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslService;
import org.parley.api.auth.SaslStep;
import org.parley.api.connection.StreamHeader;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.StreamErrorCondition;

class ClientStreamTest {
    private StreamRouter router;
    /** The next SASL step the scripted mechanism answers with; null leaves it pending. */
    private CompletableFuture<SaslStep> nextStep;

    @BeforeEach
    void setUp() {
        router = new StreamRouter("1.0.0", serverConfig("example.org"), routerConfig(true, 3));
        router.setSasl(new SaslService() {
            @Override
            public List<String> mechanisms(SaslContext context) {
                return context.isSecure() ? List.of("SCRAM-SHA-256", "PLAIN") : List.of("SCRAM-SHA-256");
            }

            @Override
            public SaslNegotiation start(String mechanism, SaslContext context) {
                return "PLAIN".equals(mechanism) ? response -> nextStep : null;
            }
        });
        nextStep = CompletableFuture.completedFuture(new SaslStep.Success(null, "alice"));
    }

    @AfterEach
    void tearDown() {
        router.deactivate();
    }

    private static StreamHeader header(String to) {
        return new StreamHeader(to, null, "1.0", "en", null, Namespaces.CLIENT, Namespaces.STREAM);
    }

    private static Element auth(String mechanism) {
        String initial = Base64.getEncoder().encodeToString("\0alice\0secret".getBytes(StandardCharsets.UTF_8));
        return Element.builder("auth", Namespaces.SASL).attribute("mechanism", mechanism).text(initial).build();
    }

    private static Element bind(String resource) {
        Element.Builder bind = Element.builder("bind", Namespaces.BIND);
        if (resource != null) {
            bind.textChild("resource", resource);
        }
        return Element.builder("iq", Namespaces.CLIENT).attribute("type", "set").attribute("id", "b1").child(bind.build()).build();
    }

    private static Element message(String from, String to) {
        Element.Builder m = Element.builder("message", Namespaces.CLIENT).attribute("to", to).attribute("type", "chat");
        if (from != null) {
            m.attribute("from", from);
        }
        return m.child(Element.builder("body", Namespaces.CLIENT).text("hi").build()).build();
    }

    /** A stream that has done STARTTLS and PLAIN and bound the given resource. */
    private ClientStream boundStream(FakeConnection c, String resource) {
        ClientStream s = (ClientStream) router.connected(c);
        s.streamOpened(header("example.org"));
        s.element(Element.empty("starttls", Namespaces.TLS));
        s.streamOpened(header("example.org"));
        s.element(auth("PLAIN"));
        s.streamOpened(header("example.org"));
        s.element(bind(resource));
        return s;
    }

    @Test
    void featuresBeforeTlsOfferRequiredStarttlsAndNoMechanisms() {
        FakeConnection c = new FakeConnection();
        router.connected(c).streamOpened(header("example.org"));
        Element features = c.last();
        assertTrue(features.is("features", Namespaces.STREAM));
        assertNotNull(features.child("starttls", Namespaces.TLS).child("required", Namespaces.TLS));
        assertNull(features.child("mechanisms", Namespaces.SASL), "no SASL before TLS when TLS is required");
    }

    @Test
    void authBeforeTlsIsRefusedWithEncryptionRequired() {
        FakeConnection c = new FakeConnection();
        ClientStream s = (ClientStream) router.connected(c);
        s.streamOpened(header("example.org"));
        s.element(auth("PLAIN"));
        assertTrue(c.last().is("failure", Namespaces.SASL));
        assertNotNull(c.last().child(SaslFailure.ENCRYPTION_REQUIRED.xmlName(), Namespaces.SASL));
    }

    @Test
    void topLevelStartTagsOtherThanStanzasAndNegotiationAreRefusedWithUnsupportedStanzaType() {
        ClientStream s = (ClientStream) router.connected(new FakeConnection());
        s.streamOpened(header("example.org"));
        for (String name : List.of("message", "presence", "iq")) {
            assertNull(s.refusalOfTopLevelElement(Namespaces.CLIENT, name), name);
        }
        assertNull(s.refusalOfTopLevelElement(Namespaces.TLS, "starttls"));
        assertNull(s.refusalOfTopLevelElement(Namespaces.SASL, "auth"));
        assertNull(s.refusalOfTopLevelElement(Namespaces.STREAM, "error"));
        StreamErrorCondition refused = StreamErrorCondition.UNSUPPORTED_STANZA_TYPE;
        assertEquals(refused, s.refusalOfTopLevelElement(Namespaces.STREAM, "stream"));
        assertEquals(refused, s.refusalOfTopLevelElement(Namespaces.STREAM, "features"));
        assertEquals(refused, s.refusalOfTopLevelElement(Namespaces.CLIENT, "body"));
        assertEquals(refused, s.refusalOfTopLevelElement("urn:xmpp:sm:3", "enable"));
        assertEquals(refused, s.refusalOfTopLevelElement("", "message"));
    }

    @Test
    void negotiationStartTagsAreRefusedOnceAuthenticated() {
        ClientStream s = boundStream(new FakeConnection(), "phone");
        assertNull(s.refusalOfTopLevelElement(Namespaces.CLIENT, "message"));
        assertEquals(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, s.refusalOfTopLevelElement(Namespaces.TLS, "starttls"));
        assertEquals(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, s.refusalOfTopLevelElement(Namespaces.SASL, "auth"));
    }

    @Test
    void stanzaBeforeTlsIsPolicyViolation() {
        FakeConnection c = new FakeConnection();
        ClientStream s = (ClientStream) router.connected(c);
        s.streamOpened(header("example.org"));
        s.element(message(null, "bob@example.org"));
        assertEquals(StreamErrorCondition.POLICY_VIOLATION, c.error);
    }

    @Test
    void starttlsProceedsAndTheNextHeaderOffersMechanisms() {
        FakeConnection c = new FakeConnection();
        ClientStream s = (ClientStream) router.connected(c);
        s.streamOpened(header("example.org"));
        s.element(Element.empty("starttls", Namespaces.TLS));
        assertTrue(c.last().is("proceed", Namespaces.TLS));
        s.streamOpened(header("example.org"));
        Element features = c.last();
        assertNull(features.child("starttls", Namespaces.TLS), "no STARTTLS offered twice");
        assertEquals(2, features.child("mechanisms", Namespaces.SASL).elements().size());
    }

    @Test
    void unknownHostIsHostUnknown() {
        FakeConnection c = new FakeConnection();
        router.connected(c).streamOpened(header("other.net"));
        assertEquals(StreamErrorCondition.HOST_UNKNOWN, c.error);
    }

    @Test
    void wrongDefaultNamespaceIsInvalidNamespace() {
        FakeConnection c = new FakeConnection();
        router.connected(c).streamOpened(new StreamHeader("example.org", null, "1.0", null, null, "jabber:server", Namespaces.STREAM));
        assertEquals(StreamErrorCondition.INVALID_NAMESPACE, c.error);
    }

    @Test
    void preXmpp1StreamIsUnsupportedVersion() {
        FakeConnection c = new FakeConnection();
        router.connected(c).streamOpened(new StreamHeader("example.org", null, null, null, null, Namespaces.CLIENT, Namespaces.STREAM));
        assertEquals(StreamErrorCondition.UNSUPPORTED_VERSION, c.error);
    }

    @Test
    void unknownMechanismIsInvalidMechanism() {
        FakeConnection c = new FakeConnection();
        c.secure = true;
        ClientStream s = (ClientStream) router.connected(c);
        s.streamOpened(header("example.org"));
        s.element(auth("X-UNKNOWN"));
        assertNotNull(c.last().child("invalid-mechanism", Namespaces.SASL));
    }

    @Test
    void tooManyFailedAttemptsCloseTheStream() {
        nextStep = CompletableFuture.completedFuture(new SaslStep.Failure(SaslFailure.NOT_AUTHORIZED, null));
        FakeConnection c = new FakeConnection();
        c.secure = true;
        ClientStream s = (ClientStream) router.connected(c);
        s.streamOpened(header("example.org"));
        s.element(auth("PLAIN"));
        s.element(auth("PLAIN"));
        assertFalse(c.closed);
        s.element(auth("PLAIN"));
        assertEquals(StreamErrorCondition.POLICY_VIOLATION, c.error);
    }

    @Test
    void successResetsTheStreamAndOffersBind() {
        FakeConnection c = new FakeConnection();
        c.secure = true;
        ClientStream s = (ClientStream) router.connected(c);
        s.streamOpened(header("example.org"));
        s.element(auth("PLAIN"));
        assertTrue(c.last().is("success", Namespaces.SASL));
        assertEquals("", c.last().text(), "no additional data: an empty <success/>, not '='");
        assertEquals(1, c.resets);
        s.streamOpened(header("example.org"));
        assertNotNull(c.last().child("bind", Namespaces.BIND));
    }

    @Test
    void eventsDuringAnOutstandingSaslStepWaitForIt() {
        nextStep = new CompletableFuture<>();
        FakeConnection c = new FakeConnection();
        c.secure = true;
        ClientStream s = (ClientStream) router.connected(c);
        s.streamOpened(header("example.org"));
        s.element(auth("PLAIN"));
        int before = c.sent.size();
        s.streamOpened(header("example.org")); // a pipelining client's restart, before success went out
        assertEquals(before, c.sent.size(), "nothing answered while the SASL step is outstanding");
        nextStep.complete(new SaslStep.Success(null, "alice"));
        assertTrue(c.sent.get(before).is("success", Namespaces.SASL));
        assertNotNull(c.last().child("bind", Namespaces.BIND), "the queued header was processed after success");
    }

    @Test
    void bindWithoutResourceGetsAGeneratedOne() {
        FakeConnection c = new FakeConnection();
        boundStream(c, null);
        Element result = c.last();
        assertEquals("result", result.attribute("type"));
        String jid = result.child("bind", Namespaces.BIND).childText("jid");
        assertTrue(jid.startsWith("alice@example.org/") && jid.length() > "alice@example.org/".length(), jid);
        assertEquals(1, router.count());
    }

    @Test
    void secondBindOfTheSameFullJidReplacesTheFirstWithConflict() {
        FakeConnection first = new FakeConnection();
        boundStream(first, "phone");
        FakeConnection second = new FakeConnection();
        boundStream(second, "phone");
        assertEquals(StreamErrorCondition.CONFLICT, first.error);
        assertFalse(second.closed);
        assertEquals(1, router.count());
    }

    @Test
    void stanzaBeforeBindIsNotAuthorized() {
        FakeConnection c = new FakeConnection();
        c.secure = true;
        ClientStream s = (ClientStream) router.connected(c);
        s.streamOpened(header("example.org"));
        s.element(auth("PLAIN"));
        s.streamOpened(header("example.org"));
        s.element(message(null, "bob@example.org"));
        assertEquals(StreamErrorCondition.NOT_AUTHORIZED, c.error);
    }

    @Test
    void spoofedFromIsInvalidFrom() {
        FakeConnection c = new FakeConnection();
        ClientStream s = boundStream(c, "desk");
        s.element(message("mallory@example.org/x", "bob@example.org"));
        assertEquals(StreamErrorCondition.INVALID_FROM, c.error);
    }

    @Test
    void unknownTopLevelElementIsUnsupportedStanzaType() {
        FakeConnection c = new FakeConnection();
        ClientStream s = boundStream(c, "desk");
        s.element(Element.empty("enable", "urn:xmpp:sm:3"));
        assertEquals(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, c.error);
    }

    @Test
    void malformedToIsJidMalformedStanzaError() {
        FakeConnection c = new FakeConnection();
        ClientStream s = boundStream(c, "desk");
        s.element(message(null, "@example.org"));
        Element reply = c.last();
        assertEquals("error", reply.attribute("type"));
        assertNotNull(reply.child("error", Namespaces.CLIENT).child("jid-malformed", Namespaces.STANZAS_ERROR));
        assertFalse(c.closed);
    }

    @Test
    void messagesBetweenTwoBoundUsersAreStampedAndDelivered() {
        FakeConnection alice = new FakeConnection();
        ClientStream a = boundStream(alice, "desk");
        a.element(Element.builder("presence", Namespaces.CLIENT).build());
        nextStep = CompletableFuture.completedFuture(new SaslStep.Success(null, "bob"));
        FakeConnection bob = new FakeConnection();
        ClientStream b = boundStream(bob, "phone");
        b.element(Element.builder("presence", Namespaces.CLIENT).build());
        a.element(message(null, "bob@example.org"));
        Element got = bob.last();
        assertTrue(got.is("message", Namespaces.CLIENT));
        assertEquals("alice@example.org/desk", got.attribute("from"));
        assertEquals("hi", got.childText("body"));
    }

    @Test
    void disconnectUnbindsTheSession() {
        FakeConnection c = new FakeConnection();
        ClientStream s = boundStream(c, "desk");
        assertEquals(1, router.count());
        s.disconnected();
        assertEquals(0, router.count());
    }

    @Test
    void aConnectionThatDoesNotBindInTimeIsClosedWithConnectionTimeout() throws Exception {
        StreamRouter quick = new StreamRouter("1.0.0", serverConfig("example.org"), routerConfig(true, 3, 1));
        try {
            FakeConnection idle = new FakeConnection();
            quick.connected(idle).streamOpened(header("example.org"));
            long deadline = System.currentTimeMillis() + 5000;
            while (idle.error == null && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(StreamErrorCondition.CONNECTION_TIMEOUT, idle.error);
        } finally {
            quick.deactivate();
        }
    }

    @Test
    void aBoundSessionIsNotClosedByTheAuthenticationDeadline() throws Exception {
        StreamRouter quick = new StreamRouter("1.0.0", serverConfig("example.org"), routerConfig(true, 3, 1));
        quick.setSasl(router.sasl());
        try {
            FakeConnection c = new FakeConnection();
            ClientStream s = (ClientStream) quick.connected(c);
            s.streamOpened(header("example.org"));
            s.element(Element.empty("starttls", Namespaces.TLS));
            s.streamOpened(header("example.org"));
            s.element(auth("PLAIN"));
            s.streamOpened(header("example.org"));
            s.element(bind("desk"));
            Thread.sleep(1500);
            assertNull(c.error);
            assertFalse(c.closed);
        } finally {
            quick.deactivate();
        }
    }

    @Test
    void aBadConfigurationChangeIsRefusedAndTheRouterKeepsItsSettings() {
        router.modified(serverConfig("not a domain@@"), routerConfig(false, 3));
        assertEquals("example.org", router.domain().toString());
        assertTrue(router.config().requireTls(), "nothing of the refused change was applied");
        router.modified(serverConfig("example.org"), routerConfig(true, 0));
        assertEquals(3, router.config().maxAuthAttempts());
    }

    static ServerConfig serverConfig(String domain) {
        return new ServerConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ServerConfig.class;
            }

            @Override
            public String domain() {
                return domain;
            }
        };
    }

    static RouterConfig routerConfig(boolean requireTls, int maxAuthAttempts) {
        return routerConfig(requireTls, maxAuthAttempts, 60);
    }

    static RouterConfig routerConfig(boolean requireTls, int maxAuthAttempts, int authTimeoutSeconds) {
        return new RouterConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return RouterConfig.class;
            }

            @Override
            public boolean requireTls() {
                return requireTls;
            }

            @Override
            public long handlerGraceMillis() {
                return 1000;
            }

            @Override
            public int authTimeoutSeconds() {
                return authTimeoutSeconds;
            }

            @Override
            public int maxAuthAttempts() {
                return maxAuthAttempts;
            }
        };
    }
}
