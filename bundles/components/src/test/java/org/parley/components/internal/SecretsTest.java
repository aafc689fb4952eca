package org.parley.components.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
    @TempDir
    Path dir;

    @Test
    void handshakeIsHexSha1OfStreamIdAndSecret() {
        // FIPS 180 test vector: SHA-1("abc")
        assertEquals("a9993e364706816aba3e25717850c26c9cd0d89d", Handshake.digest("a", "bc"));
        assertTrue(Handshake.matches("a", "bc", " A9993E364706816ABA3E25717850C26C9CD0D89D "));
        assertFalse(Handshake.matches("a", "bd", "a9993e364706816aba3e25717850c26c9cd0d89d"));
        assertFalse(Handshake.matches("a", "bc", null));
    }

    @Test
    void aSealedSecretOpensForItsDomainOnlyAndIsNotPlainText() throws Exception {
        SecretSeal seal = SecretSeal.loadOrCreate(dir.resolve("data/components/seal.key"), new SecureRandom());
        String sealed = seal.seal("gw.example.org", "s3cret");
        assertTrue(SecretSeal.isSealed(sealed));
        assertFalse(sealed.contains("s3cret"));
        assertEquals("s3cret", seal.open("gw.example.org", sealed));
        assertThrows(IllegalArgumentException.class, () -> seal.open("other.example.org", sealed));
        SecretSeal again = SecretSeal.loadOrCreate(dir.resolve("data/components/seal.key"), new SecureRandom());
        assertEquals("s3cret", again.open("gw.example.org", sealed), "the key survives a restart");
        SecretSeal otherServer = SecretSeal.loadOrCreate(dir.resolve("other.key"), new SecureRandom());
        assertThrows(IllegalArgumentException.class, () -> otherServer.open("gw.example.org", sealed));
    }

    @Test
    void sealingRewritesOnlyTheSecretLines() throws Exception {
        Path cfg = dir.resolve("org.parley.components.cfg");
        Files.write(cfg, List.of("# components", "port = 5347", "secret.gw.example.org = s3cret", "  secret.b.example.org=x", ""));
        List<String> done = ConfigFileSealer.rewrite(cfg, Map.of("secret.gw.example.org", "sealed:AAA",
                "secret.b.example.org", "sealed:BBB"));
        assertEquals(2, done.size());
        assertEquals(List.of("# components", "port = 5347", "secret.gw.example.org = sealed:AAA",
                "secret.b.example.org = sealed:BBB", ""), Files.readAllLines(cfg));
    }
}
