package org.parley.offline.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jxmpp.jid.EntityBareJid;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;

/**
 * Routing as the offline bundle meets it at delivery: the recipient's policies (admits) and a
 * session's delivery filters (filter), each set by the test; by default both let everything through.
 */
final class PolicyRouter implements StanzaRouter {
    volatile Function<Stanza, CompletionStage<Boolean>> policy = s -> CompletableFuture.completedFuture(true);
    volatile BiFunction<Stanza, Session, Stanza> filters = (s, session) -> s;
    final List<EntityBareJid> asked = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<Boolean> admits(Stanza stanza, EntityBareJid account) {
        asked.add(account);
        return policy.apply(stanza);
    }

    @Override
    public Stanza filter(Stanza stanza, Session recipient) {
        return filters.apply(stanza, recipient);
    }

    @Override
    public void route(Stanza stanza) {
        throw new UnsupportedOperationException("the offline bundle routes nothing");
    }

    @Override
    public CompletionStage<Void> routeFrom(Session origin, Stanza stanza) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<Void> undeliverable(Stanza message, EntityBareJid account) {
        throw new UnsupportedOperationException();
    }
}
