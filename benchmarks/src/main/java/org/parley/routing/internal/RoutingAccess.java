package org.parley.routing.internal;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import org.parley.api.routing.ServerInfo;
import org.parley.api.routing.StanzaInterceptor;
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

    /**
     * Binds a stanza interceptor as SCR would (in the chain, for every kind and direction), without
     * the framework: benchmarks measure what the chain costs per stanza.
     */
    public static void addInterceptor(StanzaRouter router, String name, StanzaInterceptor interceptor) {
        try {
            Field field = Router.class.getDeclaredField("interceptors");
            field.setAccessible(true);
            Interceptors chain = (Interceptors) field.get(router);
            chain.add(Interceptors.entry(interceptor, new Registration(0, name.hashCode(), name, "benchmark"), null, null, false));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("routing's interceptor chain is not where the benchmark expects it", e);
        }
    }

    public static void stop(StanzaRouter router) {
        ((Router) router).deactivate();
    }
}
