package org.parley.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadTest {
    @TempDir
    Path root;

    private Instance instance;
    private KeyPair firstKeys;
    private X509Certificate first;

    @BeforeEach
    void installFirstCertificate() throws Exception {
        instance = Instance.in(root);
        firstKeys = TestPki.ec();
        first = TestPki.selfSigned(firstKeys, "example.org", "example.org");
        install(first, firstKeys);
    }

    @Test
    void changedFilesAreLoaded() throws Exception {
        ServerTlsContextProvider provider = instance.start(TestConfig.defaults());
        KeyPair secondKeys = TestPki.rsa();
        X509Certificate second = TestPki.selfSigned(secondKeys, "example.org", "example.org");

        install(second, secondKeys);
        try (LogCapture log = new LogCapture()) {
            provider.checkForChanges();

            assertEquals(second, provider.certificate());
            assertEquals(KeyMaterial.fingerprint(second), provider.fingerprint());
            assertEquals(1, log.matching(Level.INFO, provider.fingerprint(), instance.operatorCertificate().toString())
                    .size());
        }
        Handshake.Outcome outcome = Handshake.run(Handshake.client(second), provider.createServerEngine(null, -1));
        assertTrue(outcome.succeeded(), () -> String.valueOf(outcome.failure()));
        assertEquals(second, outcome.clientSession().getPeerCertificates()[0]);
    }

    @Test
    void enginesCreatedBeforeAReloadKeepTheirCertificate() throws Exception {
        ServerTlsContextProvider provider = instance.start(TestConfig.defaults());
        SSLEngine before = provider.createServerEngine(null, -1);
        KeyPair secondKeys = TestPki.ec();
        install(TestPki.selfSigned(secondKeys, "example.org", "example.org"), secondKeys);

        provider.checkForChanges();

        Handshake.Outcome outcome = Handshake.run(Handshake.client(first), before);
        assertTrue(outcome.succeeded(), () -> String.valueOf(outcome.failure()));
        assertEquals(first, outcome.clientSession().getPeerCertificates()[0]);
    }

    @Test
    void unchangedFilesAreNotReloaded() throws Exception {
        ServerTlsContextProvider provider = instance.start(TestConfig.defaults());

        try (LogCapture log = new LogCapture()) {
            provider.checkForChanges();

            assertTrue(log.messages(Level.INFO).isEmpty(), log.messages(Level.INFO).toString());
        }
    }

    @Test
    void aKeyThatNoLongerMatchesKeepsThePreviousContextAndIsReportedOnce() throws Exception {
        ServerTlsContextProvider provider = instance.start(TestConfig.defaults());
        String before = provider.fingerprint();
        TestPki.write(instance.operatorKey(), TestPki.pkcs8(TestPki.ec().getPrivate()));
        touch(instance.operatorKey());

        try (LogCapture log = new LogCapture()) {
            provider.checkForChanges();
            provider.checkForChanges();

            assertEquals(before, provider.fingerprint());
            assertEquals(1, log.matching(Level.ERROR, instance.operatorKey().toString(), "does not match", before)
                    .size(), log.messages(Level.ERROR).toString());
        }
        Handshake.Outcome outcome = Handshake.run(Handshake.client(first), provider.createServerEngine(null, -1));
        assertTrue(outcome.succeeded(), () -> String.valueOf(outcome.failure()));
    }

    @Test
    void aBrokenCertificateFileKeepsThePreviousContextUntilItIsFixed() throws Exception {
        ServerTlsContextProvider provider = instance.start(TestConfig.defaults());
        String before = provider.fingerprint();
        Files.writeString(instance.operatorCertificate(), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n");
        touch(instance.operatorCertificate());

        try (LogCapture log = new LogCapture()) {
            provider.checkForChanges();

            assertEquals(before, provider.fingerprint());
            assertEquals(1, log.matching(Level.ERROR, instance.operatorCertificate().toString()).size(),
                    log.messages(Level.ERROR).toString());
        }

        KeyPair fixedKeys = TestPki.ec();
        X509Certificate fixed = TestPki.selfSigned(fixedKeys, "example.org", "example.org");
        install(fixed, fixedKeys);
        provider.checkForChanges();

        assertEquals(fixed, provider.certificate());
    }

    @Test
    void removedOperatorFilesKeepTheOperatorCertificate() throws Exception {
        ServerTlsContextProvider provider = instance.start(TestConfig.defaults());
        Files.delete(instance.operatorCertificate());
        Files.delete(instance.operatorKey());

        try (LogCapture log = new LogCapture()) {
            provider.checkForChanges();

            assertEquals(first, provider.certificate());
            assertEquals(1, log.matching(Level.ERROR, "no longer exist").size(), log.messages(Level.ERROR).toString());
        }
        assertTrue(Files.notExists(instance.selfSignedCertificate()));
    }

    @Test
    void operatorFilesInstalledWhileRunningReplaceTheSelfSignedCertificate() throws Exception {
        Files.delete(instance.operatorCertificate());
        Files.delete(instance.operatorKey());
        ServerTlsContextProvider provider = instance.start(TestConfig.defaults().with("domain", "example.org"));
        assertNotEquals(first, provider.certificate());

        install(first, firstKeys);
        provider.checkForChanges();

        assertEquals(first, provider.certificate());
    }

    @Test
    void thePollerReloadsChangedFilesOnItsOwn() throws Exception {
        ServerTlsContextProvider provider = instance.start(TestConfig.defaults().with("reloadIntervalSeconds", 1));
        provider.startPolling();
        try {
            KeyPair secondKeys = TestPki.ec();
            X509Certificate second = TestPki.selfSigned(secondKeys, "example.org", "example.org");
            install(second, secondKeys);

            long deadline = System.nanoTime() + 15_000_000_000L;
            while (!provider.certificate().equals(second) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }

            assertEquals(second, provider.certificate());
        } finally {
            provider.deactivate();
        }
    }

    private void install(X509Certificate certificate, KeyPair keys) throws Exception {
        TestPki.write(instance.operatorCertificate(), TestPki.pem(certificate));
        TestPki.write(instance.operatorKey(), TestPki.pkcs8(keys.getPrivate()));
        touch(instance.operatorCertificate());
        touch(instance.operatorKey());
    }

    /**
     * Moves the modification time forward: file systems with coarse timestamps could otherwise
     * give a rewritten file the time it had (the size and inode may be the same too).
     */
    private static void touch(Path file) throws Exception {
        FileTime previous = Files.getLastModifiedTime(file);
        Instant later = Instant.now().isAfter(previous.toInstant().plusSeconds(1))
                ? Instant.now() : previous.toInstant().plusSeconds(2);
        Files.setLastModifiedTime(file, FileTime.from(later));
    }
}
