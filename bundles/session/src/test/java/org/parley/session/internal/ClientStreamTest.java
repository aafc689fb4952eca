package org.parley.session.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslStep;
import org.parley.api.connection.StreamHeader;
import org.parley.api.session.Session;
import org.parley.api.session.SessionListener;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StreamErrorCondition;
import org.parley.api.stream.StreamContext;
import org.parley.api.stream.StreamFeature;
import org.parley.api.stream.UnauthenticatedIqHandler;

class ClientStreamTest {
    private CoreFixture fixture = new CoreFixture(CoreFixture.settings(true, 3, 60, 300));

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    // ---- negotiation ----

    @Test
    void featuresBeforeTlsOfferRequiredStarttlsAndNoMechanisms() {
        FakeConnection c = new FakeConnection();
        fixture.connect(c).streamOpened(CoreFixture.header());
        Element features = c.last();
        assertTrue(features.is("features", Namespaces.STREAM));
        assertNotNull(features.child("starttls", Namespaces.TLS).child("required", Namespaces.TLS));
        assertNull(features.child("mechanisms", Namespaces.SASL), "no SASL before TLS when TLS is required");
    }

    @Test
    void authBeforeTlsIsRefusedWithEncryptionRequired() {
        FakeConnection c = new FakeConnection();
        ClientStream s = fixture.connect(c);
        s.streamOpened(CoreFixture.header());
        s.element(CoreFixture.auth("alice"));
        assertNotNull(c.last().child(SaslFailure.ENCRYPTION_REQUIRED.xmlName(), Namespaces.SASL));
    }

    @Test
    void topLevelStartTagsOtherThanStanzasNegotiationAndFeaturesAreRefusedWithUnsupportedStanzaType() {
        ClientStream s = fixture.connect(new FakeConnection());
        s.streamOpened(CoreFixture.header());
        for (String name : List.of("message", "presence", "iq")) {
            assertNull(s.refusalOfTopLevelElement(Namespaces.CLIENT, name), name);
        }
        assertNull(s.refusalOfTopLevelElement(Namespaces.TLS, "starttls"));
        assertNull(s.refusalOfTopLevelElement(Namespaces.SASL, "auth"));
        assertNull(s.refusalOfTopLevelElement(Namespaces.STREAM, "error"));
        assertNull(s.refusalOfTopLevelElement(Namespaces.SM, "enable"), "stream management answers for itself");
        StreamErrorCondition refused = StreamErrorCondition.UNSUPPORTED_STANZA_TYPE;
        assertEquals(refused, s.refusalOfTopLevelElement(Namespaces.STREAM, "stream"));
        assertEquals(refused, s.refusalOfTopLevelElement(Namespaces.STREAM, "features"));
        assertEquals(refused, s.refusalOfTopLevelElement(Namespaces.CLIENT, "body"));
        assertEquals(refused, s.refusalOfTopLevelElement("urn:xmpp:csi:0", "active"));
        assertEquals(refused, s.refusalOfTopLevelElement("", "message"));
        fixture.core.addFeature(feature("csi", new CopyOnWriteArrayList<>()), new FakeReference<>(Map.of(StreamFeature.NAMESPACE,
                "urn:xmpp:csi:0", Constants.SERVICE_ID, 11L)));
        assertNull(s.refusalOfTopLevelElement("urn:xmpp:csi:0", "active"), "a contributed feature's namespace is read");
    }

    @Test
    void negotiationStartTagsAreRefusedOnceAuthenticated() {
        ClientStream s = fixture.bound(FakeConnection.secured(), "alice", "phone");
        assertNull(s.refusalOfTopLevelElement(Namespaces.CLIENT, "message"));
        assertEquals(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, s.refusalOfTopLevelElement(Namespaces.TLS, "starttls"));
        assertEquals(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, s.refusalOfTopLevelElement(Namespaces.SASL, "auth"));
    }

    @Test
    void stanzaBeforeTlsIsPolicyViolation() {
        FakeConnection c = new FakeConnection();
        ClientStream s = fixture.connect(c);
        s.streamOpened(CoreFixture.header());
        s.element(CoreFixture.message("bob@example.org", "m1"));
        assertEquals(StreamErrorCondition.POLICY_VIOLATION, c.error);
    }

    @Test
    void starttlsProceedsAndTheNextHeaderOffersMechanisms() {
        FakeConnection c = new FakeConnection();
        ClientStream s = fixture.connect(c);
        s.streamOpened(CoreFixture.header());
        s.element(Element.empty("starttls", Namespaces.TLS));
        assertTrue(c.last().is("proceed", Namespaces.TLS));
        s.streamOpened(CoreFixture.header());
        Element features = c.last();
        assertNull(features.child("starttls", Namespaces.TLS), "no STARTTLS offered twice");
        assertEquals("PLAIN", features.child("mechanisms", Namespaces.SASL).childText("mechanism"));
    }

    @Test
    void mechanismsAreOfferedHighestRankingFirstAndOnlyWhereTheySayTheyAre() {
        fixture.core.addMechanism(new Named("SCRAM-SHA-256", true), Map.of(Constants.SERVICE_RANKING, 100, Constants.SERVICE_ID, 2L));
        fixture.core.addMechanism(new Named("EXTERNAL", false), Map.of(Constants.SERVICE_RANKING, 200, Constants.SERVICE_ID, 3L));
        FakeConnection c = FakeConnection.secured();
        fixture.connect(c).streamOpened(CoreFixture.header());
        List<String> offered = c.last().child("mechanisms", Namespaces.SASL).elements().stream().map(Element::text).toList();
        assertEquals(List.of("SCRAM-SHA-256", "PLAIN"), offered);
    }

    @Test
    void unknownHostIsHostUnknownAndWrongNamespaceOrVersionAreRefused() {
        FakeConnection a = new FakeConnection();
        fixture.connect(a).streamOpened(new StreamHeader("other.net", null, "1.0", null, null, Namespaces.CLIENT, Namespaces.STREAM));
        assertEquals(StreamErrorCondition.HOST_UNKNOWN, a.error);
        FakeConnection b = new FakeConnection();
        fixture.connect(b).streamOpened(new StreamHeader(CoreFixture.DOMAIN, null, "1.0", null, null, "jabber:server", Namespaces.STREAM));
        assertEquals(StreamErrorCondition.INVALID_NAMESPACE, b.error);
        FakeConnection c = new FakeConnection();
        fixture.connect(c).streamOpened(new StreamHeader(CoreFixture.DOMAIN, null, null, null, null, Namespaces.CLIENT, Namespaces.STREAM));
        assertEquals(StreamErrorCondition.UNSUPPORTED_VERSION, c.error);
    }

    @Test
    void aMechanismBeingReplacedIsStillOfferedAndAClientPickingItGetsItsSuccessor() {
        Answering old = new Answering("GSSAPI", "old");
        fixture.core.addMechanism(old, Map.of(Constants.SERVICE_RANKING, 600, Constants.SERVICE_ID, 7L));
        fixture.core.removeMechanism(old); // its bundle is being upgraded
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.connect(c);
        s.streamOpened(CoreFixture.header());
        List<String> offered = c.last().child("mechanisms", Namespaces.SASL).elements().stream().map(Element::text).toList();
        assertEquals(List.of("GSSAPI", "PLAIN"), offered, "still offered within the grace period");
        s.element(Element.builder("auth", Namespaces.SASL).attribute("mechanism", "GSSAPI").text("=").build());
        assertNotNull(c.last().child("mechanisms", Namespaces.SASL), "no answer yet: the auth waits for the successor");
        fixture.core.addMechanism(new Answering("GSSAPI", "successor"), Map.of(Constants.SERVICE_RANKING, 600, Constants.SERVICE_ID, 8L));
        Element failure = c.last();
        assertTrue(failure.is("failure", Namespaces.SASL), failure.toString());
        assertEquals("successor", failure.childText("text"), "the successor ran the exchange");
    }

    @Test
    void aMechanismThatLeftForGoodIsNoLongerOfferedAfterTheGracePeriod() throws Exception {
        fixture.close();
        SessionSettings d = SessionSettings.DEFAULTS;
        fixture = new CoreFixture(new SessionSettings(true, 60, 3, 50, 300, d.maxUnackedStanzas(), d.maxPendingElements()));
        Answering gone = new Answering("GSSAPI", "gone");
        fixture.core.addMechanism(gone, Map.of(Constants.SERVICE_RANKING, 600, Constants.SERVICE_ID, 7L));
        fixture.core.removeMechanism(gone);
        Thread.sleep(300);
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.connect(c);
        s.streamOpened(CoreFixture.header());
        List<String> offered = c.last().child("mechanisms", Namespaces.SASL).elements().stream().map(Element::text).toList();
        assertEquals(List.of("PLAIN"), offered);
        s.element(Element.builder("auth", Namespaces.SASL).attribute("mechanism", "GSSAPI").text("=").build());
        assertNotNull(c.last().child("invalid-mechanism", Namespaces.SASL));
    }

    @Test
    void aMechanismNobodyOffersIsInvalidMechanism() {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.connect(c);
        s.streamOpened(CoreFixture.header());
        s.element(Element.builder("auth", Namespaces.SASL).attribute("mechanism", "X-UNKNOWN").build());
        assertNotNull(c.last().child("invalid-mechanism", Namespaces.SASL));
        assertFalse(c.closed);
    }

    @Test
    void tooManyFailedAttemptsCloseTheStream() {
        fixture.nextStep = CompletableFuture.completedFuture(new SaslStep.Failure(SaslFailure.NOT_AUTHORIZED, null));
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.connect(c);
        s.streamOpened(CoreFixture.header());
        s.element(CoreFixture.auth("alice"));
        s.element(CoreFixture.auth("alice"));
        assertFalse(c.closed);
        s.element(CoreFixture.auth("alice"));
        assertEquals(StreamErrorCondition.POLICY_VIOLATION, c.error);
    }

    @Test
    void successResetsTheStreamAndOffersBindAndStreamManagement() {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.connect(c);
        s.streamOpened(CoreFixture.header());
        s.element(CoreFixture.auth("alice"));
        assertTrue(c.last().is("success", Namespaces.SASL));
        assertEquals("", c.last().text(), "no additional data: an empty <success/>, not '='");
        assertEquals(1, c.resets);
        s.streamOpened(CoreFixture.header());
        assertNotNull(c.last().child("bind", Namespaces.BIND));
        assertNotNull(c.last().child("sm", Namespaces.SM));
    }

    @Test
    void eventsDuringAnOutstandingSaslStepWaitForIt() {
        CompletableFuture<SaslStep> pending = new CompletableFuture<>();
        fixture.nextStep = pending;
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.connect(c);
        s.streamOpened(CoreFixture.header());
        s.element(CoreFixture.auth("alice"));
        int before = c.sentSnapshot().size();
        s.streamOpened(CoreFixture.header()); // a pipelining client's restart, before success went out
        assertEquals(before, c.sentSnapshot().size(), "nothing answered while the SASL step is outstanding");
        pending.complete(new SaslStep.Success(null, "alice"));
        assertTrue(c.sentSnapshot().get(before).is("success", Namespaces.SASL));
        assertNotNull(c.last().child("bind", Namespaces.BIND), "the queued header was processed after success");
    }

    @Test
    void bindWithoutResourceGetsAGeneratedOne() {
        FakeConnection c = FakeConnection.secured();
        fixture.authenticated(c, "alice").element(CoreFixture.bind(null));
        Element result = c.last();
        assertEquals("result", result.attribute("type"));
        String jid = result.child("bind", Namespaces.BIND).childText("jid");
        assertTrue(jid.startsWith("alice@example.org/") && jid.length() > "alice@example.org/".length(), jid);
        assertEquals(1, fixture.core.count());
    }

    @Test
    void secondBindOfTheSameFullJidReplacesTheFirstWithConflict() {
        FakeConnection first = FakeConnection.secured();
        fixture.bound(first, "alice", "phone");
        FakeConnection second = FakeConnection.secured();
        fixture.bound(second, "alice", "phone");
        assertEquals(StreamErrorCondition.CONFLICT, first.error);
        assertFalse(second.closed);
        assertEquals(1, fixture.core.count());
    }

    @Test
    void stanzaBeforeBindIsNotAuthorized() {
        FakeConnection c = FakeConnection.secured();
        fixture.authenticated(c, "alice").element(CoreFixture.message("bob@example.org", "m1"));
        assertEquals(StreamErrorCondition.NOT_AUTHORIZED, c.error);
    }

    @Test
    void spoofedFromIsInvalidFrom() {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "desk");
        s.element(CoreFixture.message("bob@example.org", "m1").withAttribute("from", "mallory@example.org/x"));
        assertEquals(StreamErrorCondition.INVALID_FROM, c.error);
    }

    @Test
    void aTopLevelElementNobodyHandlesIsUnsupportedStanzaType() {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "desk");
        s.element(Element.empty("active", "urn:xmpp:csi:0"));
        assertEquals(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, c.error);
    }

    @Test
    void malformedToIsJidMalformedStanzaErrorAndTheStreamLives() {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "desk");
        s.element(CoreFixture.message("@example.org", "m1"));
        Element reply = c.last();
        assertEquals("error", reply.attribute("type"));
        assertNotNull(reply.child("error", Namespaces.CLIENT).child("jid-malformed", Namespaces.STANZAS_ERROR));
        assertFalse(c.closed);
    }

    @Test
    void messagesBetweenTwoBoundUsersAreStampedAndDelivered() {
        FakeConnection alice = FakeConnection.secured();
        ClientStream a = fixture.bound(alice, "alice", "desk");
        FakeConnection bob = FakeConnection.secured();
        fixture.bound(bob, "bob", "phone");
        a.element(CoreFixture.message("bob@example.org", "m1"));
        Element got = bob.last();
        assertTrue(got.is("message", Namespaces.CLIENT));
        assertEquals("alice@example.org/desk", got.attribute("from"));
        assertEquals("hi", got.childText("body"));
    }

    @Test
    void aConnectionThatDoesNotBindInTimeIsClosedWithConnectionTimeoutAndABoundOneIsNot() throws Exception {
        fixture.close();
        fixture = new CoreFixture(CoreFixture.settings(true, 3, 1, 300));
        FakeConnection idle = new FakeConnection();
        fixture.connect(idle).streamOpened(CoreFixture.header());
        FakeConnection bound = FakeConnection.secured();
        fixture.bound(bound, "alice", "desk");
        CoreFixture.await(() -> idle.error != null);
        assertEquals(StreamErrorCondition.CONNECTION_TIMEOUT, idle.error);
        Thread.sleep(300);
        assertNull(bound.error);
        assertFalse(bound.closed);
    }

    @Test
    void aClientThatClosesItsStreamGetsTheClosingTagBackAndItsSessionEnds() {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "desk");
        s.streamClosed();
        assertTrue(c.closed, "the server closes its side too (RFC 6120 section 4.4)");
        assertNull(c.error);
        assertEquals(0, fixture.core.count());
    }

    // ---- ordering and back-pressure ----

    @Test
    void aStanzaWaitingForRoutingHoldsTheNextOnesInOrder() {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "desk");
        CompletableFuture<Void> slow = new CompletableFuture<>();
        fixture.router.holdNext = slow;
        int before = fixture.router.fromSessions.size();
        s.element(CoreFixture.message("bob@example.org", "first"));
        s.element(CoreFixture.message("bob@example.org", "second"));
        s.element(CoreFixture.message("bob@example.org", "third"));
        assertEquals(before + 1, fixture.router.fromSessions.size(), "the next stanzas wait for the first one's routing");
        slow.complete(null);
        List<String> ids = fixture.router.fromSessions.subList(before, fixture.router.fromSessions.size()).stream().map(Stanza::id).toList();
        assertEquals(List.of("first", "second", "third"), ids);
    }

    @Test
    void routingAnsweringWithMinimalStagesKeepsTheStanzasInOrderAndFailsNothing() {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "desk");
        fixture.router.minimalStages = true;
        CompletableFuture<Void> slow = new CompletableFuture<>();
        fixture.router.holdNext = slow;
        int before = fixture.router.fromSessions.size();
        s.element(CoreFixture.message("bob@example.org", "first"));
        s.element(CoreFixture.message("bob@example.org", "second"));
        assertEquals(before + 1, fixture.router.fromSessions.size(), "the next stanza waits for the first one's minimal stage");
        slow.complete(null);
        s.element(CoreFixture.message("bob@example.org", "third"));
        List<String> ids = fixture.router.fromSessions.subList(before, fixture.router.fromSessions.size()).stream().map(Stanza::id).toList();
        assertEquals(List.of("first", "second", "third"), ids);
        assertTrue(c.sentSnapshot().stream().noneMatch(e -> e.toString().contains("internal-server-error")), "nothing refused: " + c.sentSnapshot());
    }

    @Test
    void readingIsSuspendedWhileTooManyElementsWaitAndResumedWhenTheyAreProcessed() {
        fixture.close();
        SessionSettings d = SessionSettings.DEFAULTS;
        fixture = new CoreFixture(new SessionSettings(true, 60, 3, 1000, 300, d.maxUnackedStanzas(), 4));
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "desk");
        CompletableFuture<Void> slow = new CompletableFuture<>();
        fixture.router.holdNext = slow;
        for (int i = 0; i < 6; i++) {
            s.element(CoreFixture.message("bob@example.org", "m" + i));
        }
        assertTrue(c.readingSuspended, "more than maxPendingElements wait: stop reading");
        slow.complete(null);
        assertFalse(c.readingSuspended, "caught up: reading again");
        assertEquals(1, c.suspensions);
    }

    // ---- presence bookkeeping and lifecycle ----

    @Test
    void theSessionKeepsItsLastPresenceAndPriority() {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.authenticated(c, "alice");
        s.element(CoreFixture.bind("desk"));
        Session session = fixture.core.session(JidCreate.entityFullFromOrThrowUnchecked("alice@example.org/desk"));
        assertFalse(session.isAvailable());
        assertNull(session.presence());
        s.element(Element.builder("presence", Namespaces.CLIENT).textChild("show", "away").textChild("priority", "7").build());
        assertTrue(session.isAvailable());
        assertEquals(7, session.priority());
        assertEquals("away", session.presence().element().childText("show"));
        assertEquals("alice@example.org/desk", session.presence().from().toString());
        s.element(Element.builder("presence", Namespaces.CLIENT).attribute("type", "unavailable").build());
        assertFalse(session.isAvailable());
        assertNull(session.presence());
    }

    @Test
    void directedPresenceGetsUnavailableWhenTheSessionEnds() {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "desk");
        s.element(Element.builder("presence", Namespaces.CLIENT).attribute("to", "room@conference.example.org/alice").build());
        s.element(Element.builder("presence", Namespaces.CLIENT).attribute("to", "carol@example.org").build());
        s.element(Element.builder("presence", Namespaces.CLIENT).attribute("to", "carol@example.org").attribute("type", "unavailable").build());
        Session session = fixture.core.session(JidCreate.entityFullFromOrThrowUnchecked("alice@example.org/desk"));
        assertEquals(1, session.directedPresence().size());
        s.disconnected();
        List<Stanza> unavailable = fixture.router.fromServer.stream().filter(p -> "unavailable".equals(p.type())).toList();
        assertEquals(1, unavailable.size(), "only the entity still holding directed presence");
        assertEquals("room@conference.example.org/alice", unavailable.get(0).to().toString());
        assertEquals("alice@example.org/desk", unavailable.get(0).from().toString());
        assertTrue(fixture.router.fromSessions.stream().anyMatch(p -> "unavailable".equals(p.type()) && p.to() == null),
                "and the broadcast unavailable on the user's behalf (RFC 6121 section 4.5.3)");
    }

    @Test
    void broadcastUnavailableAlsoEndsDirectedPresence() {
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "desk");
        s.element(Element.builder("presence", Namespaces.CLIENT).attribute("to", "carol@example.org").build());
        s.element(Element.builder("presence", Namespaces.CLIENT).attribute("type", "unavailable").build());
        assertEquals(1, fixture.router.fromServer.stream().filter(p -> "unavailable".equals(p.type())
                && "carol@example.org".equals(p.to().toString())).count());
        assertTrue(fixture.core.session(JidCreate.entityFullFromOrThrowUnchecked("alice@example.org/desk")).directedPresence().isEmpty());
    }

    @Test
    void listenersHearTheLifecycleInOrderAndOneThatThrowsHarmsNothing() {
        List<String> events = new CopyOnWriteArrayList<>();
        SessionListener recording = new SessionListener() {
            @Override
            public void bound(Session s) {
                events.add("bound " + s.jid());
            }

            @Override
            public void available(Session s, Stanza p) {
                events.add("available");
            }

            @Override
            public void presenceChanged(Session s, Stanza p) {
                events.add("changed " + p.element().childText("show"));
            }

            @Override
            public void unavailable(Session s, Stanza p) {
                events.add("unavailable");
            }

            @Override
            public void ended(Session s) {
                events.add("ended");
            }
        };
        SessionListener broken = new SessionListener() {
            @Override
            public void bound(Session s) {
                throw new IllegalStateException("bug");
            }
        };
        fixture.core.addListener(broken, new FakeReference<>(Map.of(Constants.SERVICE_RANKING, 10, Constants.SERVICE_ID, 5L)));
        fixture.core.addListener(recording, new FakeReference<>(Map.of(Constants.SERVICE_ID, 6L)));
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "desk");
        s.element(Element.builder("presence", Namespaces.CLIENT).textChild("show", "dnd").build());
        s.disconnected();
        assertEquals(List.of("bound alice@example.org/desk", "available", "changed dnd", "unavailable", "ended"), events);
        assertEquals(0, fixture.core.count());
    }

    // ---- contributed stream features ----

    @Test
    void aContributedFeatureIsAdvertisedAndHandlesItsNamespaceInOrderWithStanzas() {
        List<String> handled = new CopyOnWriteArrayList<>();
        StreamFeature csi = new StreamFeature() {
            @Override
            public Element advertise(StreamContext stream) {
                return stream.username() == null ? null : Element.empty("csi", "urn:xmpp:csi:0");
            }

            @Override
            public CompletionStage<Void> handle(Element element, StreamContext stream) {
                handled.add(element.name() + " " + stream.session().jid());
                stream.send(Element.empty("ok", "urn:xmpp:csi:0"));
                return CompletableFuture.completedFuture(null);
            }
        };
        fixture.core.addFeature(csi, new FakeReference<>(Map.of(StreamFeature.NAMESPACE, "urn:xmpp:csi:0", Constants.SERVICE_ID, 9L)));
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.connect(c);
        s.streamOpened(CoreFixture.header());
        assertNull(c.last().child("csi", "urn:xmpp:csi:0"), "not offered before authentication");
        s.element(CoreFixture.auth("alice"));
        s.streamOpened(CoreFixture.header());
        assertNotNull(c.last().child("csi", "urn:xmpp:csi:0"));
        s.element(CoreFixture.bind("desk"));
        s.element(Element.empty("inactive", "urn:xmpp:csi:0"));
        assertEquals(List.of("inactive alice@example.org/desk"), handled);
        assertTrue(c.last().is("ok", "urn:xmpp:csi:0"));
        assertFalse(c.closed);
    }

    @Test
    void aFeatureBeingReplacedHoldsItsNonzasForTheSuccessor() {
        List<String> handledBy = new CopyOnWriteArrayList<>();
        StreamFeature old = feature("old", handledBy);
        FakeReference<StreamFeature> ref = new FakeReference<>(Map.of(StreamFeature.NAMESPACE, "urn:xmpp:csi:0", Constants.SERVICE_ID, 9L));
        fixture.core.addFeature(old, ref);
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.bound(c, "alice", "desk");
        fixture.core.removeFeature(old, ref);
        s.element(Element.empty("active", "urn:xmpp:csi:0"));
        s.element(CoreFixture.message("bob@example.org", "after"));
        assertTrue(handledBy.isEmpty());
        int routed = fixture.router.fromSessions.size();
        fixture.core.addFeature(feature("new", handledBy), new FakeReference<>(Map.of(StreamFeature.NAMESPACE, "urn:xmpp:csi:0",
                Constants.SERVICE_ID, 10L)));
        assertEquals(List.of("new"), handledBy);
        assertEquals(routed + 1, fixture.router.fromSessions.size(), "the stanza after it waited its turn");
        assertFalse(c.closed);
    }

    // ---- iqs before authentication ----

    private static final String REGISTER = "jabber:iq:register";

    private static Element registerGet(String id) {
        return Element.builder("iq", Namespaces.CLIENT).attribute("type", "get").attribute("id", id)
                .child(Element.empty("query", REGISTER)).build();
    }

    /** Answers with a result carrying the request's id, and records what it saw of the stream. */
    private static UnauthenticatedIqHandler answering(List<String> seen) {
        return (iq, stream) -> {
            seen.add(iq.attribute("id") + " user=" + stream.username() + " secure=" + stream.isSecure());
            stream.send(Element.builder("iq", Namespaces.CLIENT).attribute("type", "result").attribute("id", iq.attribute("id")).build());
            return CompletableFuture.completedFuture(null);
        };
    }

    @Test
    void anIqBeforeAuthenticationReachesTheHandlerOfItsPayloadNamespaceAndTheStreamGoesOn() {
        List<String> seen = new CopyOnWriteArrayList<>();
        fixture.core.addIqHandler(answering(seen), new FakeReference<>(Map.of(UnauthenticatedIqHandler.NAMESPACE, REGISTER,
                Constants.SERVICE_ID, 12L)));
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.connect(c);
        s.streamOpened(CoreFixture.header());
        s.element(registerGet("r1"));
        assertEquals(List.of("r1 user=null secure=true"), seen);
        assertTrue(c.last().is("iq", Namespaces.CLIENT));
        assertEquals("r1", c.last().attribute("id"));
        assertFalse(c.closed);
        // the stream still signs in afterwards
        s.element(CoreFixture.auth("alice"));
        s.streamOpened(CoreFixture.header());
        assertNotNull(c.last().child("bind", Namespaces.BIND));
    }

    @Test
    void anIqBeforeAuthenticationThatNoHandlerClaimsStillEndsTheStream() {
        List<String> seen = new CopyOnWriteArrayList<>();
        fixture.core.addIqHandler(answering(seen), new FakeReference<>(Map.of(UnauthenticatedIqHandler.NAMESPACE, REGISTER,
                Constants.SERVICE_ID, 12L)));
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.connect(c);
        s.streamOpened(CoreFixture.header());
        s.element(Element.builder("iq", Namespaces.CLIENT).attribute("type", "get").attribute("id", "v1")
                .child(Element.empty("query", "jabber:iq:version")).build());
        assertEquals(StreamErrorCondition.NOT_AUTHORIZED, c.error);
        assertTrue(seen.isEmpty());
    }

    @Test
    void aResultOrAnIqBeforeTlsNeverReachesTheHandler() {
        List<String> seen = new CopyOnWriteArrayList<>();
        fixture.core.addIqHandler(answering(seen), new FakeReference<>(Map.of(UnauthenticatedIqHandler.NAMESPACE, REGISTER,
                Constants.SERVICE_ID, 12L)));
        FakeConnection plain = new FakeConnection();
        ClientStream s = fixture.connect(plain);
        s.streamOpened(CoreFixture.header());
        s.element(registerGet("r1"));
        assertEquals(StreamErrorCondition.POLICY_VIOLATION, plain.error, "TLS is required: nothing before it");
        FakeConnection secured = FakeConnection.secured();
        ClientStream t = fixture.connect(secured);
        t.streamOpened(CoreFixture.header());
        t.element(Element.builder("iq", Namespaces.CLIENT).attribute("type", "result").attribute("id", "x")
                .child(Element.empty("query", REGISTER)).build());
        assertEquals(StreamErrorCondition.NOT_AUTHORIZED, secured.error);
        assertTrue(seen.isEmpty());
    }

    @Test
    void aHandlerThatFailsIsAnsweredInternalServerErrorAndTheStreamGoesOn() {
        fixture.core.addIqHandler((iq, stream) -> {
            throw new IllegalStateException("broken on purpose");
        }, new FakeReference<>(Map.of(UnauthenticatedIqHandler.NAMESPACE, REGISTER, Constants.SERVICE_ID, 12L)));
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.connect(c);
        s.streamOpened(CoreFixture.header());
        s.element(registerGet("r1"));
        Element error = c.last();
        assertEquals("error", error.attribute("type"));
        assertEquals("r1", error.attribute("id"));
        assertNotNull(error.child("error", Namespaces.CLIENT).child("internal-server-error", Namespaces.STANZAS_ERROR));
        assertFalse(c.closed);
    }

    @Test
    void aHandlerBeingReplacedHoldsItsIqsForTheSuccessor() {
        List<String> old = new CopyOnWriteArrayList<>();
        UnauthenticatedIqHandler first = answering(old);
        FakeReference<UnauthenticatedIqHandler> ref = new FakeReference<>(Map.of(UnauthenticatedIqHandler.NAMESPACE, REGISTER,
                Constants.SERVICE_ID, 12L));
        fixture.core.addIqHandler(first, ref);
        fixture.core.removeIqHandler(first, ref);
        FakeConnection c = FakeConnection.secured();
        ClientStream s = fixture.connect(c);
        s.streamOpened(CoreFixture.header());
        s.element(registerGet("r1"));
        assertFalse(c.closed, "held, not refused, while the handler is away");
        List<String> successor = new CopyOnWriteArrayList<>();
        fixture.core.addIqHandler(answering(successor), new FakeReference<>(Map.of(UnauthenticatedIqHandler.NAMESPACE, REGISTER,
                Constants.SERVICE_ID, 13L)));
        assertEquals(List.of("r1 user=null secure=true"), successor);
        assertTrue(old.isEmpty());
        assertEquals("r1", c.last().attribute("id"));
    }

    private static StreamFeature feature(String name, List<String> handledBy) {
        return new StreamFeature() {
            @Override
            public Element advertise(StreamContext stream) {
                return null;
            }

            @Override
            public CompletionStage<Void> handle(Element element, StreamContext stream) {
                handledBy.add(name);
                return CompletableFuture.completedFuture(null);
            }
        };
    }

    /** A mechanism whose every exchange fails with a text that says which one it is. */
    private static final class Answering implements org.parley.api.auth.SaslMechanism {
        private final String name;
        private final String text;

        Answering(String name, String text) {
            this.name = name;
            this.text = text;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean isOffered(org.parley.api.auth.SaslContext context) {
            return true;
        }

        @Override
        public org.parley.api.auth.SaslNegotiation start(org.parley.api.auth.SaslContext context) {
            return response -> CompletableFuture.completedFuture(new SaslStep.Failure(SaslFailure.NOT_AUTHORIZED, text));
        }
    }

    /** A mechanism that only names itself and says whether it is offered. */
    private record Named(String name, boolean offered) implements org.parley.api.auth.SaslMechanism {
        @Override
        public boolean isOffered(org.parley.api.auth.SaslContext context) {
            return offered;
        }

        @Override
        public org.parley.api.auth.SaslNegotiation start(org.parley.api.auth.SaslContext context) {
            return response -> CompletableFuture.completedFuture(new SaslStep.Failure(SaslFailure.NOT_AUTHORIZED, null));
        }
    }
}
