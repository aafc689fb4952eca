package org.parley.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client certificates for SASL EXTERNAL: asked for (not required) once a CA file is configured,
 * checked against it at this moment, required only when configured.
 */
class ClientCertificateTest {
    @TempDir
    Path root;

    private final KeyPair caKeys = TestPki.ec();
    private final X509Certificate ca = TestPki.issue(caKeys, "Test Client CA", caKeys, "Test Client CA",
            Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(3650)), true);
    private final KeyPair otherCaKeys = TestPki.ec();
    private final X509Certificate otherCa = TestPki.issue(otherCaKeys, "Other CA", otherCaKeys, "Other CA",
            Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(3650)), true);

    ClientCertificateTest() throws Exception {
    }

    private ServerTlsContextProvider start(boolean required) throws Exception {
        Instance instance = Instance.in(root);
        TestPki.write(instance.etc().resolve("tls/client-ca.pem"), TestPki.pem(ca));
        return instance.start(TestConfig.defaults().with("clientCaCertificates", "tls/client-ca.pem")
                .with("requireClientCertificates", required));
    }

    private static X509Certificate client(KeyPair keys, KeyPair issuerKeys, String issuer, Instant notBefore,
            Instant notAfter, KeyPurposeId purpose) throws Exception {
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuer),
                BigInteger.valueOf(System.nanoTime()), Date.from(notBefore), Date.from(notAfter),
                new X500Name("CN=alice"), keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        byte[] der = b.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(TestPki.BC)
                .build(issuerKeys.getPrivate())).getEncoded();
        return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(der));
    }

    private X509Certificate good(KeyPair keys) throws Exception {
        return client(keys, caKeys, "Test Client CA", Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(30)), KeyPurposeId.id_kp_clientAuth);
    }

    /** A client engine that trusts the server's certificate and presents {@code chain} (or nothing). */
    private static SSLEngine client(X509Certificate serverCertificate, KeyPair keys, X509Certificate... chain)
            throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("anchor", serverCertificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        if (keys == null) {
            context.init(null, tmf.getTrustManagers(), null);
        } else {
            // Presents its one certificate whatever issuers the server names, as some clients do:
            // the JDK's own key managers would send nothing for a foreign CA.
            X509ExtendedKeyManager presenter = new X509ExtendedKeyManager() {
                @Override
                public String[] getClientAliases(String keyType, Principal[] issuers) {
                    return new String[] {"me"};
                }

                @Override
                public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                    return "me";
                }

                @Override
                public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                    return "me";
                }

                @Override
                public String[] getServerAliases(String keyType, Principal[] issuers) {
                    return null;
                }

                @Override
                public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                    return null;
                }

                @Override
                public X509Certificate[] getCertificateChain(String alias) {
                    return chain.clone();
                }

                @Override
                public PrivateKey getPrivateKey(String alias) {
                    return keys.getPrivate();
                }
            };
            context.init(new KeyManager[] {presenter}, tmf.getTrustManagers(), null);
        }
        SSLEngine engine = context.createSSLEngine("localhost", 5222);
        engine.setUseClientMode(true);
        return engine;
    }

    private static List<X509Certificate> peer(Handshake.Outcome outcome) throws SSLPeerUnverifiedException {
        Certificate[] certificates = outcome.serverSession().getPeerCertificates();
        return Arrays.stream(certificates).map(X509Certificate.class::cast).toList();
    }

    @Test
    void withoutAClientCaNoCertificateIsAskedForAndEveryChainIsRefused() throws Exception {
        ServerTlsContextProvider tls = Instance.in(root).start(TestConfig.defaults());
        SSLEngine server = tls.createServerEngine("127.0.0.1", 40000);
        assertFalse(server.getWantClientAuth());
        assertFalse(server.getNeedClientAuth());
        KeyPair keys = TestPki.ec();
        Optional<String> problem = tls.clientCertificateProblem(List.of(good(keys)));
        assertTrue(problem.orElseThrow().contains("clientCaCertificates"), problem.toString());
    }

    @Test
    void aTrustedClientCertificateIsPresentedInTheHandshakeAndPassesTheCheck() throws Exception {
        ServerTlsContextProvider tls = start(false);
        SSLEngine server = tls.createServerEngine("127.0.0.1", 40000);
        assertTrue(server.getWantClientAuth());
        assertFalse(server.getNeedClientAuth());
        KeyPair keys = TestPki.ec();
        X509Certificate mine = good(keys);
        Handshake.Outcome outcome = Handshake.run(client(tls.certificate(), keys, mine), server);
        assertTrue(outcome.succeeded(), String.valueOf(outcome.failure()));
        List<X509Certificate> chain = peer(outcome);
        assertEquals(mine, chain.get(0));
        assertEquals(Optional.empty(), tls.clientCertificateProblem(chain));
        // The client may send its CA along.
        assertEquals(Optional.empty(), tls.clientCertificateProblem(List.of(mine, ca)));
    }

    @Test
    void aClientWithoutACertificateOrWithAnUntrustedOneStillConnectsWhenNotRequired() throws Exception {
        ServerTlsContextProvider tls = start(false);
        Handshake.Outcome none = Handshake.run(client(tls.certificate(), null),
                tls.createServerEngine("127.0.0.1", 40000));
        assertTrue(none.succeeded(), String.valueOf(none.failure()));
        assertThrows(SSLPeerUnverifiedException.class, () -> none.serverSession().getPeerCertificates());

        KeyPair keys = TestPki.ec();
        X509Certificate foreign = client(keys, otherCaKeys, "Other CA", Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(30)), KeyPurposeId.id_kp_clientAuth);
        Handshake.Outcome other = Handshake.run(client(tls.certificate(), keys, foreign),
                tls.createServerEngine("127.0.0.1", 40000));
        assertTrue(other.succeeded(), String.valueOf(other.failure()));
        Optional<String> problem = tls.clientCertificateProblem(peer(other));
        assertTrue(problem.orElseThrow().contains("not issued by a trusted certificate authority"), problem.toString());
        assertTrue(tls.clientCertificateProblem(List.of(foreign, otherCa)).isPresent(),
                "sending another CA along makes it no more trusted");
    }

    @Test
    void expiredNotYetValidAndServerOnlyCertificatesAreRefusedWithTheReason() throws Exception {
        ServerTlsContextProvider tls = start(false);
        KeyPair keys = TestPki.ec();
        X509Certificate expired = client(keys, caKeys, "Test Client CA", Instant.now().minus(Duration.ofDays(30)),
                Instant.now().minus(Duration.ofDays(1)), KeyPurposeId.id_kp_clientAuth);
        assertTrue(tls.clientCertificateProblem(List.of(expired)).orElseThrow().contains("expired"));
        X509Certificate future = client(keys, caKeys, "Test Client CA", Instant.now().plus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)), KeyPurposeId.id_kp_clientAuth);
        assertTrue(tls.clientCertificateProblem(List.of(future)).orElseThrow().contains("not valid before"));
        X509Certificate serverOnly = client(keys, caKeys, "Test Client CA", Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(30)), KeyPurposeId.id_kp_serverAuth);
        assertTrue(tls.clientCertificateProblem(List.of(serverOnly)).orElseThrow().contains("client authentication"));
        assertTrue(tls.clientCertificateProblem(List.of()).orElseThrow().contains("no client certificate"));
        assertTrue(tls.clientCertificateProblem(List.of(ca)).isPresent(), "the CA itself is no client");
    }

    @Test
    void whenRequiredAnUntrustedOrMissingCertificateFailsTheHandshake() throws Exception {
        ServerTlsContextProvider tls = start(true);
        assertTrue(tls.createServerEngine("127.0.0.1", 40000).getNeedClientAuth());
        KeyPair keys = TestPki.ec();
        Handshake.Outcome good = Handshake.run(client(tls.certificate(), keys, good(keys)),
                tls.createServerEngine("127.0.0.1", 40000));
        assertTrue(good.succeeded(), String.valueOf(good.failure()));

        assertFalse(Handshake.run(client(tls.certificate(), null), tls.createServerEngine("127.0.0.1", 40000))
                .succeeded(), "no certificate");
        X509Certificate expired = client(keys, caKeys, "Test Client CA", Instant.now().minus(Duration.ofDays(30)),
                Instant.now().minus(Duration.ofDays(1)), KeyPurposeId.id_kp_clientAuth);
        Handshake.Outcome refused = Handshake.run(client(tls.certificate(), keys, expired),
                tls.createServerEngine("127.0.0.1", 40000));
        assertFalse(refused.succeeded(), "an expired certificate");
        assertEquals("server", refused.failedSide());
    }

    @Test
    void aBrokenCaFileAtStartAsksForNothingAndWhileRunningKeepsThePreviousAuthorities() throws Exception {
        Instance instance = Instance.in(root);
        TestPki.write(instance.etc().resolve("tls/client-ca.pem"), "not a certificate\n");
        ServerTlsContextProvider tls = instance.start(TestConfig.defaults()
                .with("clientCaCertificates", "tls/client-ca.pem"));
        assertFalse(tls.createServerEngine("127.0.0.1", 1).getWantClientAuth(), "TLS itself still starts");

        TestPki.write(instance.etc().resolve("tls/client-ca.pem"), TestPki.pem(ca));
        tls.checkForChanges(); // the poller's check: the fixed file is picked up
        assertTrue(tls.createServerEngine("127.0.0.1", 1).getWantClientAuth());

        // A server certificate as "CA": refused, and the working authorities stay.
        TestPki.write(instance.etc().resolve("tls/leaf.pem"), TestPki.pem(tls.certificate()));
        tls.modified(TestConfig.defaults().with("clientCaCertificates", "tls/leaf.pem").build());
        KeyPair keys = TestPki.ec();
        assertEquals(Optional.empty(), tls.clientCertificateProblem(List.of(good(keys))));
    }

    @Test
    void requiringCertificatesWithoutAnAuthorityIsRefusedNamingTheKey() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> Instance.in(root).start(TestConfig.defaults().with("requireClientCertificates", true)));
        assertEquals("requireClientCertificates", e.key());
    }
}
