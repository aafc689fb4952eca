package org.parley.session.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.api.stanza.StreamErrorCondition;

/** Client access by network: CIDR ranges, IPv4 and IPv6, deny over allow, refusals at the first stream header. */
class AccessPolicyTest {
    private CoreFixture fixture;

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    static SessionConfig config(Map<String, Object> values) {
        return (SessionConfig) Proxy.newProxyInstance(SessionConfig.class.getClassLoader(), new Class<?>[] {SessionConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> SessionConfig.class;
                    case "toString" -> "SessionConfig" + values;
                    case "hashCode" -> values.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> {
                        Object v = values.get(method.getName());
                        if (v instanceof String s && method.getReturnType() == String[].class) {
                            yield new String[] {s};
                        }
                        yield v != null ? v : method.getDefaultValue();
                    }
                });
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void invalidRangesAreRefusedNamingTheirKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AccessPolicy.Rules.from(config(Map.of("denyNetworks", "10.0.0.0/40"))));
        assertTrue(e.getMessage().startsWith("key 'denyNetworks'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AccessPolicy.Rules.from(config(Map.of("allowNetworks", "nowhere"))));
        assertTrue(e.getMessage().startsWith("key 'allowNetworks'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AccessPolicy.Rules.from(config(Map.of("refusalLogSeconds", 0))));
        assertTrue(e.getMessage().startsWith("key 'refusalLogSeconds'"), e.getMessage());
    }

    @Test
    void denyWinsOverAllowAndNoAllowRangesMeansEveryoneNotDenied() throws Exception {
        AccessPolicy.Rules open = AccessPolicy.Rules.from(config(Map.of("denyNetworks", "198.51.100.0/24")));
        assertNull(open.refusal(ip("203.0.113.1")));
        assertNotNull(open.refusal(ip("198.51.100.20")));
        AccessPolicy.Rules campus = AccessPolicy.Rules.from(config(Map.of("allowNetworks", "10.0.0.0/8, 2001:db8::/32",
                "denyNetworks", "10.66.0.0/16")));
        assertNull(campus.refusal(ip("10.1.1.1")));
        assertNull(campus.refusal(ip("2001:db8::5")));
        assertEquals("connections from 10.66.0.0/16 are not allowed here", campus.refusal(ip("10.66.1.1")));
        assertEquals("connections are allowed only from [10.0.0.0/8, 2001:db8:0:0:0:0:0:0/32]",
                campus.refusal(ip("203.0.113.1")));
    }

    @Test
    void aRefusedNetworkGetsPolicyViolationAtItsFirstHeaderAndNoFeatures() throws Exception {
        fixture = new CoreFixture(CoreFixture.settings(true, 5, 60, 300));
        fixture.core.access().apply(AccessPolicy.Rules.from(config(Map.of("allowNetworks", "127.0.0.1"))));
        FakeConnection outsider = new FakeConnection();
        outsider.remote = new InetSocketAddress("127.0.0.2", 40000);
        fixture.connect(outsider).streamOpened(CoreFixture.header());
        assertEquals(StreamErrorCondition.POLICY_VIOLATION, outsider.error);
        assertTrue(outsider.sentSnapshot().isEmpty(), "no stream features: " + outsider.sentSnapshot());

        FakeConnection insider = new FakeConnection();
        fixture.connect(insider).streamOpened(CoreFixture.header());
        assertNull(insider.error);
        assertFalse(insider.sentSnapshot().isEmpty());

        // Live: the same client address is let in once the rule is gone.
        fixture.core.access().apply(AccessPolicy.Rules.OPEN);
        FakeConnection again = new FakeConnection();
        again.remote = new InetSocketAddress("127.0.0.2", 40001);
        fixture.connect(again).streamOpened(CoreFixture.header());
        assertNull(again.error);
    }

    @Test
    void withNetworkRefusalCloseARefusedConnectionIsClosedAtOnceWithoutAByte() throws Exception {
        fixture = new CoreFixture(CoreFixture.settings(true, 5, 60, 300));
        fixture.core.access().apply(AccessPolicy.Rules.from(config(Map.of("allowNetworks", "127.0.0.1",
                "networkRefusal", "close"))));
        FakeConnection outsider = new FakeConnection();
        outsider.remote = new InetSocketAddress("127.0.0.2", 40000);
        fixture.core.connected(outsider).streamOpened(CoreFixture.header()); // anything still arriving is dropped
        assertTrue(outsider.aborted, "closed when accepted");
        assertNull(outsider.error, "no stream error: nothing is written");
        assertTrue(outsider.sentSnapshot().isEmpty(), outsider.sentSnapshot().toString());

        FakeConnection insider = new FakeConnection();
        fixture.connect(insider).streamOpened(CoreFixture.header());
        assertFalse(insider.aborted);
        assertFalse(insider.sentSnapshot().isEmpty());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AccessPolicy.Rules.from(config(Map.of("networkRefusal", "drop"))));
        assertEquals("key 'networkRefusal': 'drop' is neither 'stream-error' nor 'close'", e.getMessage());
        assertFalse(AccessPolicy.Rules.from(config(Map.of())).closeAtConnect(), "the default answers with a stream error");
    }

    @Test
    void refusalsAreLoggedOncePerAddressAndInterval() throws Exception {
        AtomicLong now = new AtomicLong();
        List<String> logged = new CopyOnWriteArrayList<>();
        AccessPolicy policy = new AccessPolicy(now::get, logged::add);
        policy.apply(AccessPolicy.Rules.from(config(Map.of("denyNetworks", "192.0.2.0/24", "refusalLogSeconds", 60))));
        for (int i = 0; i < 50; i++) {
            assertNotNull(policy.refusal(new InetSocketAddress("192.0.2.1", 1000 + i)));
        }
        assertNotNull(policy.refusal(new InetSocketAddress("192.0.2.2", 1)));
        assertEquals(2, logged.size(), logged.toString());
        assertTrue(logged.get(0).startsWith("Refused a client connection from 192.0.2.1: connections from 192.0.2.0/24"),
                logged.get(0));
        now.addAndGet(61_000_000_000L);
        assertNotNull(policy.refusal(new InetSocketAddress("192.0.2.1", 2000)));
        assertEquals(3, logged.size());
        assertTrue(logged.get(2).contains("49 more were refused"), logged.get(2));
        // New rules: the next refusal is logged at once.
        policy.apply(AccessPolicy.Rules.from(config(Map.of("denyNetworks", "192.0.2.0/25", "refusalLogSeconds", 60))));
        assertNotNull(policy.refusal(new InetSocketAddress("192.0.2.1", 3000)));
        assertEquals(4, logged.size(), logged.toString());
    }
}
