package org.parley.tls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TlsPolicyTest {
    private static final String[] DEFAULT_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    @ParameterizedTest
    @ValueSource(strings = {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"})
    void forwardSecretAeadSuitesAreAccepted(String suite) {
        assertTrue(TlsPolicy.isForwardSecretAead(suite));
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_DH_anon_WITH_AES_128_GCM_SHA256",
        "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", "SSL_RSA_WITH_RC4_128_SHA"})
    void suitesWithoutForwardSecrecyOrAeadAreRefused(String suite) {
        assertFalse(TlsPolicy.isForwardSecretAead(suite));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> TlsPolicy.of(DEFAULT_PROTOCOLS, new String[] {"TLS_AES_128_GCM_SHA256", suite}));
        assertEquals("cipherSuites", e.key());
        assertTrue(e.getMessage().contains(suite), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"SSLv3", "TLSv1", "TLSv1.1", "SSLv2Hello", "TLSv1.4"})
    void protocolsOtherThanTls12And13AreRefused(String protocol) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> TlsPolicy.of(new String[] {"TLSv1.3", protocol}, new String[] {"TLS_AES_128_GCM_SHA256"}));
        assertEquals("protocols", e.key());
        assertTrue(e.getMessage().contains("'protocols'") && e.getMessage().contains(protocol), e.getMessage());
    }

    @Test
    void emptyListsAreRefused() {
        assertEquals("protocols", assertThrows(InvalidConfigurationException.class,
                () -> TlsPolicy.of(new String[0], new String[] {"TLS_AES_128_GCM_SHA256"})).key());
        assertEquals("cipherSuites", assertThrows(InvalidConfigurationException.class,
                () -> TlsPolicy.of(DEFAULT_PROTOCOLS, new String[] {" "})).key());
    }

    @Test
    void aListGivenAsOneCommaSeparatedValueIsSplitAndKeepsItsOrder() throws Exception {
        TlsPolicy policy = TlsPolicy.of(new String[] {"TLSv1.2, TLSv1.3"},
                new String[] {"TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"});

        assertEquals(List.of("TLSv1.2", "TLSv1.3"), policy.protocols());
        assertEquals(List.of("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"), policy.cipherSuites());
    }

    @Test
    void suitesTheJdkLacksAreLeftOutAndReported() throws Exception {
        TlsPolicy policy = TlsPolicy.of(DEFAULT_PROTOCOLS, new String[] {"TLS_AES_128_CCM_8_SHA256",
            "TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"});
        List<String> unsupported = new ArrayList<>();

        TlsPolicy.Effective effective = policy.restrictTo(DEFAULT_PROTOCOLS,
                new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"}, unsupported);

        assertArrayEquals(new String[] {"TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
                effective.cipherSuites());
        assertEquals(List.of("TLS_AES_128_CCM_8_SHA256"), unsupported);
    }

    @Test
    void anEnabledProtocolWithoutAnySuiteIsRefused() throws Exception {
        TlsPolicy tls12WithTls13SuitesOnly = TlsPolicy.of(new String[] {"TLSv1.2"},
                new String[] {"TLS_AES_128_GCM_SHA256"});

        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> tls12WithTls13SuitesOnly.restrictTo(DEFAULT_PROTOCOLS,
                        new String[] {"TLS_AES_128_GCM_SHA256"}, new ArrayList<>()));
        assertEquals("cipherSuites", e.key());
        assertTrue(e.getMessage().contains("TLSv1.2"), e.getMessage());
    }
}
