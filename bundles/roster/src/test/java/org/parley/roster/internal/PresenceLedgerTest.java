package org.parley.roster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.Test;
import org.parley.api.session.TestSession;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;

/** Every order in which a contact's broadcast and a probe answer can reach a new session, decided alone. */
class PresenceLedgerTest {
    private final AtomicLong now = new AtomicLong();
    private volatile TestSession signingIn;
    /** The sweeps asked for, run by the test when it moves the clock past the window. */
    private final List<Runnable> sweeps = new ArrayList<>();
    private final PresenceLedger ledger = new PresenceLedger(now::get, 60_000, s -> s == this.signingIn, sweeps::add);
    private final TestSession bob = new TestSession("bob@example.org/desk");
    private final Stanza away = presence("away");

    private static Stanza presence(String show) {
        return Stanza.create(Element.builder("presence", Namespaces.CLIENT).textChild("show", show).build())
                .withFrom(JidCreate.fromOrThrowUnchecked("alice@example.org/phone"));
    }

    private Stanza broadcast(Stanza p) {
        return p.withTo(bob.bareJid());
    }

    private Stanza answer(Stanza p) {
        return p.withTo(bob.jid());
    }

    private Stanza unavailable() {
        return Stanza.create(Element.builder("presence", Namespaces.CLIENT).attribute("type", "unavailable").build())
                .withFrom(JidCreate.fromOrThrowUnchecked("alice@example.org/phone")).withTo(bob.bareJid());
    }

    @Test
    void theSecondOfTheTwoPathsIsWithheldInEitherOrderAndOnlyOnce() {
        ledger.close(bob);
        ledger.open(bob);
        assertNotNull(ledger.admit(broadcast(away), bob));
        assertNull(ledger.admit(answer(away), bob), "the answer repeats the broadcast");
        assertNotNull(ledger.admit(answer(away), bob), "only one twin per copy: a client's own probe later is answered");

        ledger.close(bob);
        ledger.open(bob);
        assertNotNull(ledger.admit(answer(away), bob));
        assertNull(ledger.admit(broadcast(away), bob), "the broadcast repeats the answer");
        assertNotNull(ledger.admit(broadcast(away), bob));
    }

    @Test
    void theSamePathTwiceADifferentPresenceOrOneAfterUnavailableIsDelivered() {
        ledger.close(bob);
        ledger.open(bob);
        assertNotNull(ledger.admit(broadcast(away), bob));
        assertNotNull(ledger.admit(broadcast(away), bob), "a client that sends the same presence twice is heard twice");
        assertNotNull(ledger.admit(answer(presence("dnd")), bob), "another presence is news");

        ledger.close(bob);
        ledger.open(bob);
        assertNotNull(ledger.admit(broadcast(away), bob));
        assertNotNull(ledger.admit(unavailable(), bob));
        assertNotNull(ledger.admit(answer(away), bob), "after unavailable the same presence is news again");
    }

    @Test
    void nothingIsWithheldWithoutABookAfterTheWindowAfterCloseOrAfterTheRosterShowedTheContactOtherwise() {
        assertNotNull(ledger.admit(broadcast(away), bob));
        assertNotNull(ledger.admit(answer(away), bob), "no initial presence noted: nothing withheld");

        ledger.close(bob);
        ledger.open(bob);
        assertNotNull(ledger.admit(broadcast(away), bob));
        ledger.close(bob);
        assertNotNull(ledger.admit(answer(away), bob), "closed: the session went unavailable");

        ledger.close(bob);
        ledger.open(bob);
        assertNotNull(ledger.admit(broadcast(away), bob));
        ledger.forget(bob, away.from()); // e.g. a block showed bob alice as unavailable, around routing
        assertNotNull(ledger.admit(answer(away), bob));

        ledger.close(bob);
        ledger.open(bob);
        assertNotNull(ledger.admit(broadcast(away), bob));
        now.addAndGet(60_001_000_000L);
        assertNotNull(ledger.admit(answer(away), bob), "past the window the book is gone");
        assertEquals(0, ledger.books());
    }

    @Test
    void aSessionHandedPresenceBeforeItsInitialPresenceReachedTheRosterIsNotedFromThen() {
        signingIn = bob; // available in the core, its listeners not told yet
        assertNotNull(ledger.admit(broadcast(away), bob));
        ledger.open(bob); // keeps the book opened a moment before
        signingIn = null;
        assertNull(ledger.admit(answer(away), bob), "the probe answer repeats the broadcast that came in that moment");
    }

    @Test
    void expiredBooksAreDroppedAtTheNextSignIn() {
        TestSession carol = new TestSession("carol@example.org/desk");
        ledger.close(bob);
        ledger.open(bob);
        now.addAndGet(61_000_000_000L);
        ledger.open(carol);
        assertEquals(1, ledger.books(), "bob's expired book went when carol signed in");
    }

    @Test
    void aQuietServerDropsTheExpiredBooksOneWindowAfterTheLastSignIn() {
        TestSession carol = new TestSession("carol@example.org/desk");
        ledger.open(bob);
        now.addAndGet(30_000_000_000L);
        ledger.open(carol);
        assertEquals(1, sweeps.size(), "one sweep asked for, however many sign in meanwhile");

        now.addAndGet(31_000_000_000L);
        runSweeps();
        assertEquals(1, ledger.books(), "bob's window is over, carol's is not");
        assertEquals(1, sweeps.size(), "carol's book asks for another sweep");

        now.addAndGet(30_000_000_000L);
        runSweeps();
        assertEquals(0, ledger.books(), "nothing kept once every window is over");
        assertEquals(0, sweeps.size(), "and no sweep asked for without books");

        ledger.open(bob);
        assertEquals(1, sweeps.size(), "the next sign-in asks again");
    }

    private void runSweeps() {
        List<Runnable> due = new ArrayList<>(sweeps);
        sweeps.clear();
        due.forEach(Runnable::run);
    }

    @Test
    void onlyAvailableAndUnavailablePresenceFromAResourceIsLookedAt() {
        ledger.close(bob);
        ledger.open(bob);
        Stanza bare = Stanza.create(Element.builder("presence", Namespaces.CLIENT).build())
                .withFrom(JidCreate.fromOrThrowUnchecked("alice@example.org")).withTo(bob.jid());
        assertNotNull(ledger.admit(bare, bob));
        assertNotNull(ledger.admit(bare.withTo(bob.bareJid()), bob), "not from a resource: no twins");
        Stanza subscribe = Stanza.create(Element.builder("presence", Namespaces.CLIENT).attribute("type", "subscribe").build())
                .withFrom(JidCreate.fromOrThrowUnchecked("alice@example.org/phone")).withTo(bob.bareJid());
        assertNotNull(ledger.admit(subscribe, bob));
        assertNotNull(ledger.admit(subscribe.withTo(bob.jid()), bob));
    }

    @Test
    void theSessionsOwnPresenceIsNeitherNotedNorWithheld() {
        ledger.open(bob);
        Stanza own = Stanza.create(Element.builder("presence", Namespaces.CLIENT).textChild("show", "away").build())
                .withFrom(bob.jid());
        assertNotNull(ledger.admit(own.withTo(bob.bareJid()), bob));
        assertEquals(0, ledger.notes(bob), "an idle session signing in keeps no copy of its own presence");
        assertNotNull(ledger.admit(own.withTo(bob.jid()), bob), "its own presence has no twin to withhold");
        assertNotNull(ledger.admit(broadcast(away), bob));
        assertEquals(1, ledger.notes(bob), "a contact's presence is still noted");
        assertNull(ledger.admit(answer(away), bob));
    }
}
