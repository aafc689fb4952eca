package org.parley.routing.internal;

import java.lang.annotation.Annotation;
import org.parley.api.routing.ServerInfo;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.session.SessionRegistry;

/**
 * Lets benchmarks in other packages wire the real routing bundle without OSGi: its binding
 * methods are package-private, as SCR calls them.
 */
public final class RoutingAccess {
    private RoutingAccess() {
    }

    /** Routing with its default configuration. */
    public static StanzaRouter router(ServerInfo server) {
        return new Router(null, new RoutingConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return RoutingConfig.class;
            }

            @Override
            public long graceMillis() {
                return 5000;
            }
        }, server);
    }

    public static void bindSessions(StanzaRouter router, SessionRegistry registry) {
        ((Router) router).setSessionRegistry(registry);
    }

    public static void stop(StanzaRouter router) {
        ((Router) router).deactivate();
    }
}
