package org.parley.components.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComponentSettingsTest {
    private static ComponentsConfig config(int port, int tlsPort, int rate) {
        return new ComponentsConfig() {
            public Class<? extends Annotation> annotationType() { return ComponentsConfig.class; }
            public String bindAddress() { return "127.0.0.1"; }
            public int port() { return port; }
            public int tlsPort() { return tlsPort; }
            public int maxStanzaBytes() { return 262_144; }
            public int maxStanzasPerSecond() { return rate; }
            public int holdSeconds() { return 30; }
            public int maxHeldStanzas() { return 100; }
            public int refusalLogIntervalSeconds() { return 60; }
        };
    }

    private static String refusal(ComponentsConfig c, Map<String, ?> props) {
        return assertThrows(IllegalArgumentException.class, () -> ComponentSettings.from(c, props)).getMessage();
    }

    @Test
    void componentsComeFromTheirOwnKeys() {
        ComponentSettings s = ComponentSettings.from(config(5347, 0, 10), Map.of("secret.gw.example.org", "secret",
                "port", "5347"));
        assertEquals(1, s.secrets().size());
        assertEquals("secret", s.secrets().values().iterator().next());
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertTrue(refusal(config(70000, 0, 10), Map.of()).startsWith("key 'port'"));
        assertTrue(refusal(config(5347, 5347, 10), Map.of()).startsWith("key 'tlsPort'"));
        assertTrue(refusal(config(5347, 0, 0), Map.of()).startsWith("key 'maxStanzasPerSecond'"));
        assertTrue(refusal(config(5347, 0, 10), Map.of("secret.gw.example.org", " ")).startsWith("key 'secret.gw.example.org'"));
        assertTrue(refusal(config(5347, 0, 10), Map.of("secret.bad domain", "x")).startsWith("key 'secret.bad domain'"));
        assertTrue(refusal(config(5347, 0, 10), Map.of("secret.", "x")).startsWith("key 'secret.'"));
    }
}
