package org.parley.api.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigurationChecksTest {
    enum Mode { FAST, SAFE }

    @interface Sample {
        int port() default 5222;

        String host() default "localhost";

        String[] networks() default {};

        boolean enabled() default true;

        long limit();

        Mode mode() default Mode.SAFE;

        int max__size() default 1;

        String dotted_name() default "";
    }

    @Test
    void valuesAreTypedAsDeclarativeServicesTypesThem() {
        Sample s = ConfigurationChecks.typed(Sample.class, Map.of("port", " 5300", "networks", "10.0.0.0/8,::1",
                "enabled", "false", "limit", 7, "mode", "FAST", "max_size", "3", "dotted.name", "x"));
        assertEquals(5300, s.port());
        assertArrayEquals(new String[] {"10.0.0.0/8,::1"}, s.networks(), "a scalar is a one-element array, as DS makes it");
        assertEquals(false, s.enabled());
        assertEquals(7L, s.limit());
        assertEquals(Mode.FAST, s.mode());
        assertEquals(3, s.max__size());
        assertEquals("x", s.dotted_name());
        assertEquals(Sample.class, s.annotationType());
    }

    @Test
    void absentKeysTakeTheDefaults() {
        Sample s = ConfigurationChecks.typed(Sample.class, Map.of());
        assertEquals(5222, s.port());
        assertEquals("localhost", s.host());
        assertArrayEquals(new String[0], s.networks());
        assertEquals(0L, s.limit(), "no default: a primitive's zero");
        assertEquals(Mode.SAFE, s.mode());
    }

    @Test
    void aValueNotOfItsTypeIsRefusedByKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigurationChecks.typed(Sample.class, Map.of("port", "many")).port());
        assertEquals("key 'port': 'many' is not a number", e.getMessage());
        assertEquals(List.of(new ConfigurationProblem("mode", "'SLOW' is not one of [FAST, SAFE]")),
                ConfigurationChecks.check(Sample.class, Map.of("mode", "SLOW"), Sample::mode));
    }

    @Test
    void theValidationsRefusalBecomesTheProblemWithItsKey() {
        assertEquals(List.of(), ConfigurationChecks.check(Sample.class, Map.of("port", "1"), s -> { }));
        assertEquals(List.of(new ConfigurationProblem("port", "must be at least 1, got 0")), ConfigurationChecks.check(Sample.class,
                Map.of(), s -> {
                    throw new IllegalArgumentException("key 'port' must be at least 1, got 0");
                }));
        assertEquals(new ConfigurationProblem("host", "'a b' is not a host name"), ConfigurationChecks.problem(Sample.class,
                "host: 'a b' is not a host name"));
        assertEquals(new ConfigurationProblem("limit", "limit must be at least 10, got 3"), ConfigurationChecks.problem(Sample.class,
                "limit must be at least 10, got 3"));
        assertEquals(new ConfigurationProblem("dotted.name", "too big"), ConfigurationChecks.problem(Sample.class, "key 'dotted.name': too big"));
        assertEquals(new ConfigurationProblem("secret.a.example", "must not be empty"), ConfigurationChecks.problem(Sample.class,
                "key 'secret.a.example': must not be empty"));
        assertEquals(new ConfigurationProblem(null, "nothing would listen"), ConfigurationChecks.problem(Sample.class, "nothing would listen"));
    }

    @Test
    void propertyNamesFollowTheSpecification() {
        assertEquals("a.b", ConfigurationChecks.propertyName("a_b"));
        assertEquals("a_b", ConfigurationChecks.propertyName("a__b"));
        assertEquals("a$b", ConfigurationChecks.propertyName("a$$b"));
        assertEquals("ab", ConfigurationChecks.propertyName("a$b"));
        assertEquals("a-b", ConfigurationChecks.propertyName("a$_$b"));
    }

    @Test
    void aPortAnotherListenerHoldsIsUnavailableAndAFreeOneIsNot() throws Exception {
        try (java.net.ServerSocket held = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String reason = ConfigurationChecks.unavailablePort("127.0.0.1", held.getLocalPort());
            org.junit.jupiter.api.Assertions.assertNotNull(reason);
            org.junit.jupiter.api.Assertions.assertTrue(reason.startsWith("cannot listen on 127.0.0.1 port " + held.getLocalPort()), reason);
        }
        int free;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        org.junit.jupiter.api.Assertions.assertNull(ConfigurationChecks.unavailablePort("127.0.0.1", free));
    }
}
