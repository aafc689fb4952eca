package org.parley.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpsSettingsTest {
    private static HttpConfig config(String address, int port, int checkSeconds) {
        return new HttpConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return HttpConfig.class;
            }

            @Override
            public String bindAddress() {
                return address;
            }

            @Override
            public int port() {
                return port;
            }

            @Override
            public int certificateCheckSeconds() {
                return checkSeconds;
            }
        };
    }

    @Test
    void theDefaultsListenOnLoopbackOnly() throws Exception {
        HttpsSettings settings = HttpsSettings.of(config("127.0.0.1", 9091, 30));

        assertEquals(new HttpsSettings("127.0.0.1", 9091, 30), settings);
    }

    @Test
    void aPortOutOfRangeIsRefusedWithItsKey() {
        HttpsSettings.InvalidSettingException e = assertThrows(HttpsSettings.InvalidSettingException.class,
                () -> HttpsSettings.of(config("127.0.0.1", 70000, 30)));

        assertEquals("org.parley.http: key 'port' must be between 1 and 65535, not 70000", e.getMessage());
    }

    @Test
    void aBlankOrUnresolvableAddressIsRefusedWithItsKey() {
        assertTrue(assertThrows(HttpsSettings.InvalidSettingException.class, () -> HttpsSettings.of(config(" ", 9091, 30)))
                .getMessage().contains("key 'bindAddress'"));
        assertTrue(assertThrows(HttpsSettings.InvalidSettingException.class,
                () -> HttpsSettings.of(config("no-such-host.invalid", 9091, 30))).getMessage().contains("key 'bindAddress'"));
    }

    @Test
    void aCertificateCheckIntervalOutOfRangeIsRefused() {
        assertTrue(assertThrows(HttpsSettings.InvalidSettingException.class, () -> HttpsSettings.of(config("127.0.0.1", 9091, 0)))
                .getMessage().contains("key 'certificateCheckSeconds'"));
    }

    @Test
    void felixHttpGetsHttpsOnlyWithTheKeyStoreAndTheXmppTlsPolicy() {
        Map<String, Object> p = FelixHttpConfiguration.of(new HttpsSettings("127.0.0.1", 9443, 30), Path.of("/data/http/https.p12"),
                "pw", "AB:CD", new String[] {"TLSv1.3", "TLSv1.2"}, new String[] {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"});

        assertEquals(false, p.get("org.apache.felix.http.enable"), "no plain-HTTP connector");
        assertEquals(true, p.get("org.apache.felix.https.enable"));
        assertEquals("127.0.0.1", p.get("org.apache.felix.http.host"));
        assertEquals(9443, p.get("org.osgi.service.http.port.secure"));
        assertEquals("/data/http/https.p12", p.get("org.apache.felix.https.keystore"));
        assertEquals("PKCS12", p.get("org.apache.felix.https.keystore.type"));
        assertEquals("pw", p.get("org.apache.felix.https.keystore.password"));
        assertEquals("pw", p.get("org.apache.felix.https.keystore.key.password"));
        assertEquals("TLSv1.3,TLSv1.2", p.get("org.apache.felix.https.jetty.protocols.included"));
        assertEquals("TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256", p.get("org.apache.felix.https.jetty.ciphersuites.included"));
        assertEquals(false, p.get("org.apache.felix.http.jetty.sendServerHeader"));
        assertEquals("AB:CD", p.get(FelixHttpConfiguration.FINGERPRINT));
    }
}
