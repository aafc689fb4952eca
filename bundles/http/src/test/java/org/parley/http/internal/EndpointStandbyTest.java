package org.parley.http.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/** The stand-in takes the servlet's place exactly: same patterns, same context, below anything else. */
class EndpointStandbyTest {
    private static ServiceReference<?> servlet(Map<String, Object> properties) {
        return (ServiceReference<?>) Proxy.newProxyInstance(EndpointStandbyTest.class.getClassLoader(), new Class<?>[] {ServiceReference.class},
                (proxy, method, args) -> method.getName().equals("getProperty") ? properties.get((String) args[0]) : null);
    }

    @Test
    void theStandInServesTheSamePatternsInTheSameContextRankedLowest() {
        Dictionary<String, Object> p = EndpointStandby.standInProperties(servlet(Map.of(EndpointStandby.PATTERN,
                new String[] {"/b", "/a"}, EndpointStandby.CONTEXT, "(osgi.http.whiteboard.context.name=admin)")));
        assertArrayEquals(new String[] {"/a", "/b"}, (String[]) p.get(EndpointStandby.PATTERN));
        assertEquals("(osgi.http.whiteboard.context.name=admin)", p.get(EndpointStandby.CONTEXT));
        assertEquals(Integer.MIN_VALUE, p.get(Constants.SERVICE_RANKING), "any servlet at the pattern outranks it");
        assertEquals(Boolean.TRUE, p.get(EndpointStandby.STANDBY), "marked, so it is not watched itself");

        Dictionary<String, Object> single = EndpointStandby.standInProperties(servlet(Map.of(EndpointStandby.PATTERN, "/mail/arrived")));
        assertArrayEquals(new String[] {"/mail/arrived"}, (String[]) single.get(EndpointStandby.PATTERN));
        assertNull(single.get(EndpointStandby.CONTEXT), "the default context, as the servlet's");
    }

    @Test
    void aSuccessorAtTheSamePatternsIsTheSameEndpoint_anotherContextIsNot() {
        String key = EndpointStandby.key(servlet(Map.of(EndpointStandby.PATTERN, new String[] {"/a", "/b"})));
        assertEquals(key, EndpointStandby.key(servlet(Map.of(EndpointStandby.PATTERN, new String[] {"/b", "/a"}))));
        assertNotEquals(key, EndpointStandby.key(servlet(Map.of(EndpointStandby.PATTERN, new String[] {"/a", "/b"},
                EndpointStandby.CONTEXT, "(osgi.http.whiteboard.context.name=other)"))));
    }
}
