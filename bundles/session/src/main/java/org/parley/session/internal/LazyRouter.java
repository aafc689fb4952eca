package org.parley.session.internal;

import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.EntityBareJid;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;

/**
 * Routing, obtained from the framework on first use rather than when it is bound. Routing binds
 * the session core's registry, so getting routing while the core activates (or the reverse) would
 * be a cycle that SCR refuses; taking it on first use, on a session thread, breaks the cycle.
 */
final class LazyRouter implements StanzaRouter {
    private final BundleContext context;
    private final ServiceReference<StanzaRouter> reference;
    private volatile StanzaRouter router;
    private boolean released;

    LazyRouter(BundleContext context, ServiceReference<StanzaRouter> reference) {
        this.context = context;
        this.reference = reference;
    }

    ServiceReference<StanzaRouter> reference() {
        return reference;
    }

    private StanzaRouter router() {
        StanzaRouter r = router;
        if (r != null) {
            return r;
        }
        synchronized (this) {
            if (router == null && !released) {
                router = context.getService(reference);
            }
            if (router == null) {
                throw new IllegalStateException("the routing service is gone");
            }
            return router;
        }
    }

    synchronized void release() {
        released = true;
        if (router != null) {
            router = null;
            context.ungetService(reference);
        }
    }

    @Override
    public void route(Stanza stanza) {
        router().route(stanza);
    }

    @Override
    public CompletionStage<Void> routeFrom(Session origin, Stanza stanza) {
        return router().routeFrom(origin, stanza);
    }

    @Override
    public CompletionStage<Void> undeliverable(Stanza message, EntityBareJid account) {
        return router().undeliverable(message, account);
    }

    @Override
    public long stanzasHeld() {
        StanzaRouter r = router; // never obtained: it routed nothing, so it held nothing
        return r == null ? 0 : r.stanzasHeld();
    }
}
