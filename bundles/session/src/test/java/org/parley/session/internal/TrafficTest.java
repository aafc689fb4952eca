package org.parley.session.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslStep;
import org.parley.api.server.TestStateHandoff;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;

/** The core counts what clients send and how their sign-ins end, and hands the totals to its successor. */
class TrafficTest {
    private final TestStateHandoff handoff = new TestStateHandoff();
    private final CoreFixture old = new CoreFixture(SessionSettings.DEFAULTS, handoff);
    private CoreFixture successor;

    @AfterEach
    void tearDown() {
        old.close();
        if (successor != null) {
            successor.close();
        }
    }

    @Test
    void stanzasAreCountedByKindAndSignInsByOutcome() {
        ClientStream alice = old.bound(FakeConnection.secured(), "alice", "phone");
        // bound() sent the initial presence; the bind iq is negotiation, not a stanza a session sent.
        assertEquals(1, old.core.stanzasReceived(Stanza.Kind.PRESENCE));
        assertEquals(0, old.core.stanzasReceived(Stanza.Kind.IQ));
        alice.element(CoreFixture.presence());
        alice.element(CoreFixture.message("bob@example.org", "m1"));
        alice.element(CoreFixture.message("bob@example.org", "m2"));
        alice.element(Element.builder("iq", Namespaces.CLIENT).attribute("type", "get").attribute("id", "v1")
                .attribute("to", "example.org").child(Element.empty("query", "jabber:iq:version")).build());
        assertEquals(2, old.core.stanzasReceived(Stanza.Kind.MESSAGE));
        assertEquals(2, old.core.stanzasReceived(Stanza.Kind.PRESENCE));
        assertEquals(1, old.core.stanzasReceived(Stanza.Kind.IQ));
        assertEquals(1, old.core.logins());

        old.nextStep = CompletableFuture.completedFuture(new SaslStep.Failure(SaslFailure.NOT_AUTHORIZED, null));
        FakeConnection wrong = FakeConnection.secured();
        ClientStream s = old.connect(wrong);
        s.streamOpened(CoreFixture.header());
        s.element(CoreFixture.auth("mallory"));
        old.nextStep = CompletableFuture.completedFuture(new SaslStep.Failure(SaslFailure.ACCOUNT_DISABLED, null));
        s.element(CoreFixture.auth("mallory"));
        s.element(Element.empty("abort", Namespaces.SASL)); // the client's own choice: not a failed login
        assertEquals(1, old.core.failedLogins(SaslFailure.NOT_AUTHORIZED));
        assertEquals(1, old.core.failedLogins(SaslFailure.ACCOUNT_DISABLED));
        assertEquals(0, old.core.failedLogins(SaslFailure.ABORTED));
        assertEquals(2, old.core.failedLogins());
        assertEquals(1, old.core.logins());
    }

    @Test
    void theTotalsCrossAnUpgradeOfTheCore() {
        ClientStream alice = old.bound(FakeConnection.secured(), "alice", "phone");
        alice.element(CoreFixture.message("bob@example.org", "m1"));
        old.core.deactivate(false);
        successor = new CoreFixture(SessionSettings.DEFAULTS, handoff);
        assertEquals(1, successor.core.stanzasReceived(Stanza.Kind.MESSAGE));
        assertEquals(1, successor.core.stanzasReceived(Stanza.Kind.PRESENCE));
        assertEquals(1, successor.core.logins());
    }

    /**
     * Stanzas held across live upgrades: what routing held for the services it calls, and what the
     * core held while routing itself was replaced. The total only grows, though each router
     * counts from zero, and it crosses the core's own upgrade.
     */
    @Test
    void stanzasHeldOnlyGrowAcrossRoutingUpgradesAndCrossTheCoresUpgrade() throws Exception {
        ClientStream alice = old.bound(FakeConnection.secured(), "alice", "phone");
        old.router.held = 5;
        assertEquals(5, old.core.stanzasHeld(), "what routing held");
        old.core.unsetRouter(old.router);
        assertEquals(5, old.core.stanzasHeld(), "the departed router's count is kept");
        alice.element(CoreFixture.message("bob@example.org", "held-1"));
        assertEquals(6, old.core.stanzasHeld(), "the core holds the message for routing's successor");
        FakeRouter next = new FakeRouter();
        next.use(old.core);
        next.held = 2;
        old.core.setRouter(next);
        CoreFixture.await(() -> next.fromSessions.size() == 1);
        assertEquals("held-1", next.fromSessions.get(0).id(), "held, not refused");
        assertEquals(8, old.core.stanzasHeld());
        old.core.deactivate(false);
        successor = new CoreFixture(SessionSettings.DEFAULTS, handoff);
        assertEquals(6, successor.core.stanzasHeld(), "the successor goes on from the total, with its own router's count (0)");
    }
}
