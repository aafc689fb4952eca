package org.parley.tls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The protocol and cipher suite policy, proven with real handshakes against the server engines. */
class PolicyEnforcementTest {
    private static final List<String> DEFAULT_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    @TempDir
    Path root;

    @Test
    void serverEnginesCarryThePolicy() throws Exception {
        ServerTlsContextProvider provider = Instance.in(root).start(TestConfig.defaults());

        SSLEngine engine = provider.createServerEngine("client.example", 40000);

        assertFalse(engine.getUseClientMode());
        assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, engine.getEnabledProtocols());
        assertEquals(DEFAULT_SUITES, Arrays.asList(engine.getEnabledCipherSuites()));
        SSLParameters parameters = engine.getSSLParameters();
        assertTrue(parameters.getUseCipherSuitesOrder());
        assertFalse(parameters.getNeedClientAuth());
        assertFalse(parameters.getWantClientAuth());
        assertEquals("client.example", engine.getPeerHost());
        assertEquals(40000, engine.getPeerPort());
    }

    @Test
    void aTls13ClientConnectsWithAPolicySuite() throws Exception {
        ServerTlsContextProvider provider = Instance.in(root).start(TestConfig.defaults());
        SSLEngine client = Handshake.client(provider.certificate());
        client.setEnabledProtocols(new String[] {"TLSv1.3"});

        Handshake.Outcome outcome = Handshake.run(client, provider.createServerEngine(null, -1));

        assertTrue(outcome.succeeded(), () -> String.valueOf(outcome.failure()));
        assertEquals("TLSv1.3", outcome.serverSession().getProtocol());
        assertTrue(DEFAULT_SUITES.contains(outcome.serverSession().getCipherSuite()));
    }

    @Test
    void aTls12ClientConnectsWithAPolicySuite() throws Exception {
        ServerTlsContextProvider provider = Instance.in(root).start(TestConfig.defaults());
        SSLEngine client = Handshake.client(provider.certificate());
        client.setEnabledProtocols(new String[] {"TLSv1.2"});

        Handshake.Outcome outcome = Handshake.run(client, provider.createServerEngine(null, -1));

        assertTrue(outcome.succeeded(), () -> String.valueOf(outcome.failure()));
        assertEquals("TLSv1.2", outcome.serverSession().getProtocol());
        assertTrue(DEFAULT_SUITES.contains(outcome.serverSession().getCipherSuite()));
    }

    @Test
    void theServersSuiteOrderWins() throws Exception {
        ServerTlsContextProvider provider = Instance.in(root).start(TestConfig.defaults());
        SSLEngine client = Handshake.client(provider.certificate());
        client.setEnabledProtocols(new String[] {"TLSv1.2"});
        client.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"});

        Handshake.Outcome outcome = Handshake.run(client, provider.createServerEngine(null, -1));

        assertTrue(outcome.succeeded(), () -> String.valueOf(outcome.failure()));
        assertEquals("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", outcome.serverSession().getCipherSuite());
    }

    @Test
    void aTls11OnlyClientIsRefusedByTheServer() throws Exception {
        ServerTlsContextProvider provider = Instance.in(root).start(TestConfig.defaults());
        SSLEngine client = Handshake.client(provider.certificate());
        // The test JVM re-enables TLS 1.1 for clients (see pom.xml), so only the server policy can refuse it.
        client.setEnabledProtocols(new String[] {"TLSv1.1"});

        Handshake.Outcome outcome = Handshake.run(client, provider.createServerEngine(null, -1));

        assertFalse(outcome.succeeded());
        assertEquals("server", outcome.failedSide());
        assertTrue(outcome.failure() instanceof SSLHandshakeException, String.valueOf(outcome.failure()));
        assertTrue(outcome.failure().getMessage().contains("TLSv1.1"), outcome.failure().getMessage());
    }

    @Test
    void aClientOfferingOnlyANonForwardSecretSuiteIsRefusedByTheServer() throws Exception {
        // An RSA certificate: with it the JDK could do RSA key exchange, so only the policy prevents it.
        Instance instance = Instance.in(root);
        KeyPair keys = TestPki.rsa();
        X509Certificate certificate = TestPki.selfSigned(keys, "localhost", "localhost");
        TestPki.write(instance.operatorCertificate(), TestPki.pem(certificate));
        TestPki.write(instance.operatorKey(), TestPki.traditional(keys.getPrivate()));
        ServerTlsContextProvider provider = instance.start(TestConfig.defaults());
        SSLEngine client = Handshake.client(certificate);
        client.setEnabledProtocols(new String[] {"TLSv1.2"});
        client.setEnabledCipherSuites(new String[] {"TLS_RSA_WITH_AES_128_GCM_SHA256"});

        Handshake.Outcome outcome = Handshake.run(client, provider.createServerEngine(null, -1));

        assertFalse(outcome.succeeded());
        assertEquals("server", outcome.failedSide());
        assertTrue(outcome.failure().getMessage().contains("no cipher suites in common"),
                outcome.failure().getMessage());
    }

    @Test
    void anInvalidProtocolAtStartIsRefusedNamingTheKey() throws Exception {
        try (LogCapture log = new LogCapture()) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> Instance.in(root).start(TestConfig.defaults().with("protocols",
                            new String[] {"TLSv1.3", "SSLv3"})));

            assertEquals("protocols", e.key());
            assertEquals(1, log.matching(Level.ERROR, "'protocols'", "SSLv3").size());
        }
    }

    @Test
    void anInvalidProtocolWhileRunningIsRefusedAndThePreviousPolicyKept() throws Exception {
        ServerTlsContextProvider provider = Instance.in(root).start(TestConfig.defaults());
        String fingerprint = provider.fingerprint();

        try (LogCapture log = new LogCapture()) {
            provider.modified(TestConfig.defaults().with("protocols", new String[] {"SSLv3"}).build());

            assertEquals(1, log.matching(Level.ERROR, "'protocols'", "SSLv3", "keeping the previous").size(),
                    log.messages(Level.ERROR).toString());
        }
        assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"},
                provider.createServerEngine(null, -1).getEnabledProtocols());
        assertEquals(fingerprint, provider.fingerprint());
    }

    @Test
    void aNonForwardSecretSuiteInTheConfigurationIsRefused() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> Instance.in(root).start(TestConfig.defaults().with("cipherSuites",
                        new String[] {"TLS_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"})));

        assertEquals("cipherSuites", e.key());
        assertTrue(e.getMessage().contains("TLS_RSA_WITH_AES_128_GCM_SHA256"), e.getMessage());
    }

    @Test
    void otherInvalidValuesAreRefusedNamingTheirKey() {
        assertEquals("reloadIntervalSeconds", assertThrows(InvalidConfigurationException.class,
                () -> Instance.in(root).start(TestConfig.defaults().with("reloadIntervalSeconds", -1))).key());
        assertEquals("domain", assertThrows(InvalidConfigurationException.class,
                () -> Instance.in(root).start(TestConfig.defaults().with("domain", "exa mple.org"))).key());
        assertEquals("certificate", assertThrows(InvalidConfigurationException.class,
                () -> Instance.in(root).start(TestConfig.defaults().with("certificate", " "))).key());
        assertEquals("cipherSuites", assertThrows(InvalidConfigurationException.class,
                () -> Instance.in(root).start(TestConfig.defaults().with("protocols", new String[] {"TLSv1.2"})
                        .with("cipherSuites", new String[] {"TLS_AES_128_GCM_SHA256"}))).key());
    }

    @Test
    void aNarrowerPolicyWhileRunningAppliesToNewEngines() throws Exception {
        ServerTlsContextProvider provider = Instance.in(root).start(TestConfig.defaults());

        provider.modified(TestConfig.defaults().with("protocols", new String[] {"TLSv1.3"}).build());

        assertArrayEquals(new String[] {"TLSv1.3"}, provider.createServerEngine(null, -1).getEnabledProtocols());
        SSLEngine client = Handshake.client(provider.certificate());
        client.setEnabledProtocols(new String[] {"TLSv1.2"});
        Handshake.Outcome outcome = Handshake.run(client, provider.createServerEngine(null, -1));
        assertFalse(outcome.succeeded());
        assertEquals("server", outcome.failedSide());
    }
}
