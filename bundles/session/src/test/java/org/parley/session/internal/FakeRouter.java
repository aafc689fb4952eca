package org.parley.session.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.session.Session;
import org.parley.api.session.SessionRegistry;
import org.parley.api.stanza.Stanza;

/**
 * Routing reduced to what the session core's tests need: it records what it is given, delivers
 * to full and bare JIDs through the registry, and can hold the next stanza (a slow interceptor).
 */
final class FakeRouter implements StanzaRouter {
    final List<Stanza> fromSessions = new CopyOnWriteArrayList<>();
    final List<Stanza> fromServer = new CopyOnWriteArrayList<>();
    final List<Stanza> undeliverable = new CopyOnWriteArrayList<>();
    private volatile SessionRegistry registry;
    /** What this router says it held for the services it calls (see StanzaRouter#stanzasHeld). */
    volatile long held;
    /** Returned for the next routeFrom instead of completing at once. */
    volatile CompletableFuture<Void> holdNext;
    /** Answers routeFrom with minimal stages, as routing does when a user directory answers (they cannot be asked isDone). */
    volatile boolean minimalStages;

    void use(SessionRegistry sessions) {
        this.registry = sessions;
    }

    @Override
    public void route(Stanza stanza) {
        fromServer.add(stanza);
        deliver(stanza);
    }

    @Override
    public CompletionStage<Void> routeFrom(Session origin, Stanza stanza) {
        fromSessions.add(stanza);
        CompletableFuture<Void> hold = holdNext;
        if (hold != null) {
            holdNext = null;
            CompletableFuture<Void> routed = hold.thenRun(() -> deliver(stanza));
            return minimalStages ? routed.minimalCompletionStage() : routed;
        }
        deliver(stanza);
        return minimalStages ? CompletableFuture.<Void>completedFuture(null).minimalCompletionStage() : CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> undeliverable(Stanza message, EntityBareJid account) {
        undeliverable.add(message);
        return CompletableFuture.completedFuture(null);
    }

    private void deliver(Stanza stanza) {
        Jid to = stanza.to();
        SessionRegistry r = registry;
        if (to == null || r == null || to.asEntityBareJidIfPossible() == null) {
            return;
        }
        if (to.hasResource()) {
            Session s = r.session(to.asEntityFullJidIfPossible());
            if (s != null) {
                s.deliver(stanza);
            }
            return;
        }
        for (Session s : r.sessions(to.asEntityBareJidIfPossible())) {
            if (s.isAvailable()) {
                s.deliver(stanza);
            }
        }
    }

    @Override
    public long stanzasHeld() {
        return held;
    }
}
