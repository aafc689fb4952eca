package org.parley.routing.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jxmpp.jid.EntityBareJid;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.parley.api.routing.InterceptResult;
import org.parley.api.routing.IqHandler;
import org.parley.api.routing.ServerInfo;
import org.parley.api.routing.TestServerInfo;
import org.parley.api.routing.StanzaInterceptor;
import org.parley.api.routing.UndeliverableMessageHandler;
import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;

/**
 * Regression: one service registration that offers several of the services routing binds (the
 * offline bundle's component is an iq handler, an interceptor and the undeliverable-message
 * hook) shared one slot in routing's bookkeeping, so unbinding it threw ClassCastException and
 * left a stale interceptor and hook behind when the bundle was upgraded.
 */
class RouterBindingTest {
    /** One object in three roles, as a DS component with three service interfaces. */
    private static final class ThreeRoles implements IqHandler, StanzaInterceptor, UndeliverableMessageHandler {
        @Override
        public CompletionStage<Stanza> handle(Stanza iq, Session origin) {
            return CompletableFuture.completedFuture(iq.resultReply(null));
        }

        @Override
        public CompletionStage<InterceptResult> intercept(Stanza stanza, Interception interception) {
            return CompletableFuture.completedFuture(InterceptResult.proceed(stanza));
        }

        @Override
        public CompletionStage<Boolean> undeliverable(Stanza message, EntityBareJid account) {
            return CompletableFuture.completedFuture(true);
        }
    }

    private record Config(long graceMillis) implements RoutingConfig {
        @Override
        public Class<? extends Annotation> annotationType() {
            return RoutingConfig.class;
        }
    }

    private static final ServerInfo SERVER = TestServerInfo.of("example.org");

    @SuppressWarnings("unchecked")
    private static <T> ServiceReference<T> reference(Map<String, Object> properties) {
        return (ServiceReference<T>) Proxy.newProxyInstance(RouterBindingTest.class.getClassLoader(), new Class<?>[] {ServiceReference.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> properties.get((String) args[0]);
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }

    @Test
    void aServiceInSeveralRolesIsUnboundFromEachOfThemAndReleasedOncePerRole() {
        ThreeRoles service = new ThreeRoles();
        List<String> calls = new CopyOnWriteArrayList<>();
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
                    calls.add(method.getName());
                    return switch (method.getName()) {
                        case "getService" -> service;
                        case "ungetService" -> true;
                        default -> null;
                    };
                });
        Router router = new Router(context, new Config(0), SERVER);
        try {
            ServiceReference<Object> ref = reference(Map.of(Constants.SERVICE_ID, 7L, "component.name", "three",
                    IqHandler.NAMESPACE, "urn:example:three", StanzaInterceptor.KINDS, "iq",
                    StanzaInterceptor.DIRECTION, "outbound"));
            router.addIqHandler(cast(ref));
            router.addInterceptor(cast(ref));
            router.addUndeliverableHandler(cast(ref));
            assertEquals(3, router.boundRoles());

            router.removeInterceptor(cast(ref));
            router.removeIqHandler(cast(ref));
            router.removeUndeliverableHandler(cast(ref));

            assertEquals(0, router.boundRoles(), "every role unbound");
            assertTrue(calls.stream().filter("getService"::equals).count()
                    == calls.stream().filter("ungetService"::equals).count(), "each service taken is given back: " + calls);
        } finally {
            router.deactivate();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> ServiceReference<T> cast(ServiceReference<?> ref) {
        return (ServiceReference<T>) ref;
    }
}
