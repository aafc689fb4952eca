package org.parley.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedCertificateTest {
    @TempDir
    Path root;

    @Test
    void withoutOperatorFilesAnEcP256CertificateForTheDomainIsGeneratedAndStored() throws Exception {
        Instance instance = Instance.in(root);

        ServerTlsContextProvider provider = instance.start(TestConfig.defaults().with("domain", "Example.ORG"));

        X509Certificate certificate = provider.certificate();
        assertEquals("CN=example.org", certificate.getSubjectX500Principal().getName());
        assertEquals(certificate.getSubjectX500Principal(), certificate.getIssuerX500Principal());
        assertEquals(Set.of("example.org", "*.example.org"), dnsNames(certificate));
        ECPublicKey key = (ECPublicKey) certificate.getPublicKey();
        assertEquals(256, key.getParams().getCurve().getField().getFieldSize());
        Duration validity = Duration.between(certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant());
        assertEquals(Duration.ofDays(730).plusHours(1), validity);
        assertTrue(certificate.getSerialNumber().signum() > 0);
        assertTrue(Files.exists(instance.selfSignedCertificate()));
        assertTrue(Files.exists(instance.selfSignedKey()));
        assertFalse(Files.exists(instance.operatorCertificate()));
    }

    @Test
    void theKeyStoreHoldsTheServedChainAndItsKeyUnderTheGivenPassword() throws Exception {
        ServerTlsContextProvider provider = Instance.in(root).start(TestConfig.defaults());
        char[] password = "s3cret-for-jetty".toCharArray();

        KeyStore store = provider.keyStore(password);

        assertEquals("PKCS12", store.getType());
        assertEquals(List.of("server"), java.util.Collections.list(store.aliases()));
        assertEquals(provider.certificate(), store.getCertificate("server"));
        PrivateKey key = (PrivateKey) store.getKey("server", password);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(provider.certificate().getPublicKey());
        verifier.update(new byte[] {1, 2, 3});
        assertTrue(verifier.verify(signature), "the stored key is the served certificate's");
        assertThrows(java.security.UnrecoverableKeyException.class, () -> store.getKey("server", "wrong".toCharArray()));
    }

    @Test
    void theGeneratedKeyFileIsReadableByTheOwnerOnly() throws Exception {
        assumeTrue(root.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Instance instance = Instance.in(root);

        instance.start(TestConfig.defaults());

        assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(instance.selfSignedKey())));
    }

    @Test
    void theFingerprintIsTheColonHexSha256OfTheCertificateAndIsLoggedWithTheFiles() throws Exception {
        Instance instance = Instance.in(root);
        try (LogCapture log = new LogCapture()) {
            ServerTlsContextProvider provider = instance.start(TestConfig.defaults());

            String expected = HexFormat.ofDelimiter(":").withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(provider.certificate().getEncoded()));
            assertEquals(expected, provider.fingerprint());
            assertEquals(1, log.matching(Level.INFO, expected, instance.selfSignedCertificate().toString(),
                    instance.selfSignedKey().toString(), "self-signed").size(), log.messages(Level.INFO).toString());
        }
    }

    @Test
    void aRestartReusesTheStoredCertificate() throws Exception {
        Instance instance = Instance.in(root);
        String first = instance.start(TestConfig.defaults().with("domain", "example.org")).fingerprint();

        try (LogCapture log = new LogCapture()) {
            ServerTlsContextProvider second = instance.start(TestConfig.defaults().with("domain", "example.org"));

            assertEquals(first, second.fingerprint());
            assertTrue(log.matching(Level.INFO, "Generating").isEmpty());
            assertEquals(1, log.matching(Level.INFO, first).size());
        }
    }

    @Test
    void aChangedDomainAtStartGetsANewCertificate() throws Exception {
        Instance instance = Instance.in(root);
        String first = instance.start(TestConfig.defaults().with("domain", "example.org")).fingerprint();

        ServerTlsContextProvider second = instance.start(TestConfig.defaults().with("domain", "example.net"));

        assertNotEquals(first, second.fingerprint());
        assertEquals(Set.of("example.net", "*.example.net"), dnsNames(second.certificate()));
    }

    @Test
    void aDomainChangedWhileRunningGetsANewCertificate() throws Exception {
        Instance instance = Instance.in(root);
        ServerTlsContextProvider provider = instance.start(TestConfig.defaults().with("domain", "example.org"));
        String first = provider.fingerprint();

        provider.modified(TestConfig.defaults().with("domain", "example.net").build());

        assertNotEquals(first, provider.fingerprint());
        assertEquals(Set.of("example.net", "*.example.net"), dnsNames(provider.certificate()));
    }

    @Test
    void aCertificateCloseToExpiryIsReplacedAtStart() throws Exception {
        Instance instance = Instance.in(root);
        Clock now = Clock.systemUTC();
        String first = instance.start(TestConfig.defaults(), now).fingerprint();
        Clock twentyThreeMonthsLater = Clock.offset(now, Duration.ofDays(710));

        ServerTlsContextProvider later = instance.start(TestConfig.defaults(), twentyThreeMonthsLater);

        assertNotEquals(first, later.fingerprint());
    }

    @Test
    void anUnreadableStoredCertificateIsReplaced() throws Exception {
        Instance instance = Instance.in(root);
        String first = instance.start(TestConfig.defaults()).fingerprint();
        Files.writeString(instance.selfSignedCertificate(), "garbage");

        ServerTlsContextProvider second = instance.start(TestConfig.defaults());

        assertNotEquals(first, second.fingerprint());
    }

    @Test
    void anIpLiteralDomainIsNamedAsAnIpAddress() throws Exception {
        ServerTlsContextProvider provider = Instance.in(root).start(TestConfig.defaults().with("domain", "127.0.0.1"));

        List<List<?>> names = List.copyOf(provider.certificate().getSubjectAlternativeNames());
        assertEquals(List.of(List.of(7, "127.0.0.1")), names);
    }

    static Set<String> dnsNames(X509Certificate certificate) throws Exception {
        return certificate.getSubjectAlternativeNames().stream().filter(n -> (Integer) n.get(0) == 2)
                .map(n -> (String) n.get(1)).collect(Collectors.toSet());
    }
}
