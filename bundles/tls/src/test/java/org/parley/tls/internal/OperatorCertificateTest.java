package org.parley.tls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OperatorCertificateTest {
    @TempDir
    Path root;

    static Stream<Arguments> keyFormats() {
        return Stream.of(
                Arguments.of("RSA", "PKCS#1", "-----BEGIN RSA PRIVATE KEY-----", "TLS_ECDHE_RSA_"),
                Arguments.of("RSA", "PKCS#8", "-----BEGIN PRIVATE KEY-----", "TLS_ECDHE_RSA_"),
                Arguments.of("EC", "SEC1", "-----BEGIN EC PRIVATE KEY-----", "TLS_ECDHE_ECDSA_"),
                Arguments.of("EC", "SEC1 with parameters", "-----BEGIN EC PARAMETERS-----", "TLS_ECDHE_ECDSA_"),
                Arguments.of("EC", "PKCS#8", "-----BEGIN PRIVATE KEY-----", "TLS_ECDHE_ECDSA_"));
    }

    @ParameterizedTest(name = "{0} key as {1}")
    @MethodSource("keyFormats")
    void anOperatorKeyInEachPemFormatIsServed(String algorithm, String format, String header, String tls12SuitePrefix)
            throws Exception {
        Instance instance = Instance.in(root);
        KeyPair keys = algorithm.equals("RSA") ? TestPki.rsa() : TestPki.ec();
        X509Certificate certificate = TestPki.selfSigned(keys, "example.org", "example.org");
        String key = switch (format) {
            case "PKCS#8" -> TestPki.pkcs8(keys.getPrivate());
            case "SEC1 with parameters" -> TestPki.ecParametersP256() + TestPki.traditional(keys.getPrivate());
            default -> TestPki.traditional(keys.getPrivate());
        };
        assertTrue(key.startsWith(header), key);
        TestPki.write(instance.operatorCertificate(), TestPki.pem(certificate));
        TestPki.write(instance.operatorKey(), key);

        ServerTlsContextProvider provider = instance.start(TestConfig.defaults().with("domain", "example.org"));

        assertEquals(certificate, provider.certificate());
        assertFalse(Files.exists(instance.selfSignedCertificate()), "no self-signed certificate when operator files exist");
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
            SSLEngine client = Handshake.client(certificate);
            client.setEnabledProtocols(new String[] {protocol});
            Handshake.Outcome outcome = Handshake.run(client, provider.createServerEngine("client.example", 1234));
            assertTrue(outcome.succeeded(), () -> protocol + ": " + outcome.failure());
            assertEquals(protocol, outcome.serverSession().getProtocol());
            assertEquals(certificate, outcome.clientSession().getPeerCertificates()[0]);
            if (protocol.equals("TLSv1.2")) {
                assertTrue(outcome.serverSession().getCipherSuite().startsWith(tls12SuitePrefix),
                        outcome.serverSession().getCipherSuite());
            }
        }
    }

    @Test
    void theWholeChainIsServedLeafFirst() throws Exception {
        Instance instance = Instance.in(root);
        KeyPair caKeys = TestPki.rsa();
        Instant now = Instant.now();
        X509Certificate ca = TestPki.issue(caKeys, "Test CA", caKeys, "Test CA", now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(3650)), true);
        KeyPair leafKeys = TestPki.ec();
        X509Certificate leaf = TestPki.issue(leafKeys, "example.org", caKeys, "Test CA", now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(90)), false, "example.org");
        TestPki.write(instance.operatorCertificate(), TestPki.pem(leaf, ca));
        TestPki.write(instance.operatorKey(), TestPki.pkcs8(leafKeys.getPrivate()));

        ServerTlsContextProvider provider = instance.start(TestConfig.defaults().with("domain", "example.org"));
        Handshake.Outcome outcome = Handshake.run(Handshake.client(ca), provider.createServerEngine(null, -1));

        assertTrue(outcome.succeeded(), () -> String.valueOf(outcome.failure()));
        assertEquals(leaf, provider.certificate());
        assertArrayEquals(new Certificate[] {leaf, ca}, outcome.clientSession().getPeerCertificates());
    }

    @Test
    void absolutePathsAndACombinedFileAreAccepted() throws Exception {
        Instance instance = Instance.in(root);
        KeyPair keys = TestPki.ec();
        X509Certificate certificate = TestPki.selfSigned(keys, "example.org", "example.org");
        Path combined = root.resolve("elsewhere/combined.pem");
        TestPki.write(combined, TestPki.pem(certificate), TestPki.pkcs8(keys.getPrivate()));

        ServerTlsContextProvider provider = instance.start(TestConfig.defaults().with("domain", "example.org")
                .with("certificate", combined.toString()).with("privateKey", combined.toString()));

        assertEquals(certificate, provider.certificate());
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateIsRefusedNamingTheKeyFile() throws Exception {
        Instance instance = Instance.in(root);
        TestPki.write(instance.operatorCertificate(), TestPki.pem(TestPki.selfSigned(TestPki.ec(), "example.org")));
        TestPki.write(instance.operatorKey(), TestPki.pkcs8(TestPki.ec().getPrivate()));

        KeyMaterialException e = assertThrows(KeyMaterialException.class, () -> instance.start(TestConfig.defaults()));

        assertEquals(instance.operatorKey(), e.file());
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void aKeyOfAnotherAlgorithmThanTheCertificateIsRefused() throws Exception {
        Instance instance = Instance.in(root);
        TestPki.write(instance.operatorCertificate(), TestPki.pem(TestPki.selfSigned(TestPki.rsa(), "example.org")));
        TestPki.write(instance.operatorKey(), TestPki.pkcs8(TestPki.ec().getPrivate()));

        KeyMaterialException e = assertThrows(KeyMaterialException.class, () -> instance.start(TestConfig.defaults()));

        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void aCertificateWithoutItsKeyIsRefusedRatherThanReplacedBySelfSigned() throws Exception {
        Instance instance = Instance.in(root);
        TestPki.write(instance.operatorCertificate(), TestPki.pem(TestPki.selfSigned(TestPki.ec(), "example.org")));

        try (LogCapture log = new LogCapture()) {
            KeyMaterialException e = assertThrows(KeyMaterialException.class,
                    () -> instance.start(TestConfig.defaults()));

            assertEquals(instance.operatorKey(), e.file());
            assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
            assertEquals(1, log.matching(Level.ERROR, instance.operatorKey().toString()).size());
        }
        assertFalse(Files.exists(instance.selfSignedCertificate()));
    }

    @Test
    void anEncryptedKeyIsRefused() throws Exception {
        Instance instance = Instance.in(root);
        KeyPair keys = TestPki.ec();
        TestPki.write(instance.operatorCertificate(), TestPki.pem(TestPki.selfSigned(keys, "example.org")));
        TestPki.write(instance.operatorKey(), TestPki.encryptedPkcs8(keys.getPrivate()));

        KeyMaterialException e = assertThrows(KeyMaterialException.class, () -> instance.start(TestConfig.defaults()));

        assertTrue(e.getMessage().contains("encrypted"), e.getMessage());
    }

    @Test
    void aFileWithoutCertificateIsRefusedNamingTheFile() throws Exception {
        Instance instance = Instance.in(root);
        KeyPair keys = TestPki.ec();
        TestPki.write(instance.operatorCertificate(), TestPki.pkcs8(keys.getPrivate()));
        TestPki.write(instance.operatorKey(), TestPki.pkcs8(keys.getPrivate()));

        KeyMaterialException e = assertThrows(KeyMaterialException.class, () -> instance.start(TestConfig.defaults()));

        assertEquals(instance.operatorCertificate(), e.file());
        assertTrue(e.getMessage().contains("no CERTIFICATE"), e.getMessage());
    }

    @Test
    void anExpiredCertificateIsServedWithAWarning() throws Exception {
        Instance instance = Instance.in(root);
        KeyPair keys = TestPki.ec();
        Instant now = Instant.now();
        X509Certificate expired = TestPki.issue(keys, "example.org", keys, "example.org",
                now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(35)), false, "example.org");
        TestPki.write(instance.operatorCertificate(), TestPki.pem(expired));
        TestPki.write(instance.operatorKey(), TestPki.pkcs8(keys.getPrivate()));

        try (LogCapture log = new LogCapture()) {
            ServerTlsContextProvider provider = instance.start(TestConfig.defaults().with("domain", "example.org"));

            assertEquals(expired, provider.certificate());
            assertEquals(1, log.matching(Level.WARN, instance.operatorCertificate().toString(), "expired").size(),
                    log.messages(Level.WARN).toString());
        }
    }

    @Test
    void aCertificateNotYetValidIsServedWithAWarning() throws Exception {
        Instance instance = Instance.in(root);
        KeyPair keys = TestPki.ec();
        Instant now = Instant.now();
        X509Certificate future = TestPki.issue(keys, "example.org", keys, "example.org",
                now.plus(Duration.ofDays(2)), now.plus(Duration.ofDays(90)), false, "example.org");
        TestPki.write(instance.operatorCertificate(), TestPki.pem(future));
        TestPki.write(instance.operatorKey(), TestPki.pkcs8(keys.getPrivate()));

        try (LogCapture log = new LogCapture()) {
            ServerTlsContextProvider provider = instance.start(TestConfig.defaults().with("domain", "example.org"));

            assertEquals(future, provider.certificate());
            assertEquals(1, log.matching(Level.WARN, "not valid before").size(), log.messages(Level.WARN).toString());
        }
    }

    @Test
    void aCertificateForAnotherDomainIsServedWithAWarning() throws Exception {
        Instance instance = Instance.in(root);
        KeyPair keys = TestPki.ec();
        TestPki.write(instance.operatorCertificate(), TestPki.pem(TestPki.selfSigned(keys, "other.example",
                "other.example", "*.other.example")));
        TestPki.write(instance.operatorKey(), TestPki.pkcs8(keys.getPrivate()));

        try (LogCapture log = new LogCapture()) {
            instance.start(TestConfig.defaults().with("domain", "example.org"));

            assertEquals(1, log.matching(Level.WARN, "does not name the served domain example.org").size());
        }
    }

    @Test
    void aWildcardCertificateCoversTheDomainWithoutWarning() throws Exception {
        Instance instance = Instance.in(root);
        KeyPair keys = TestPki.ec();
        TestPki.write(instance.operatorCertificate(), TestPki.pem(TestPki.selfSigned(keys, "example.org",
                "*.example.org")));
        TestPki.write(instance.operatorKey(), TestPki.pkcs8(keys.getPrivate()));

        try (LogCapture log = new LogCapture()) {
            instance.start(TestConfig.defaults().with("domain", "chat.example.org"));

            assertTrue(log.messages(Level.WARN).isEmpty(), log.messages(Level.WARN).toString());
        }
    }
}
