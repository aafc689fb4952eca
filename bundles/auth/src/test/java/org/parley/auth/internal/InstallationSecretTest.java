package org.parley.auth.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallationSecretTest {
    @TempDir
    Path data;

    @Test
    void theSecretIsCreatedOnceAndReadBackAfterARestart() throws Exception {
        Path file = data.resolve("auth").resolve("scram-fake-salt.secret");
        byte[] first = InstallationSecret.loadOrCreate(file, new SecureRandom());
        assertEquals(InstallationSecret.LENGTH, first.length);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertArrayEquals(first, InstallationSecret.loadOrCreate(file, new SecureRandom()));
    }

    @Test
    void aDamagedSecretIsReplaced() throws Exception {
        Path file = data.resolve("scram-fake-salt.secret");
        Files.write(file, new byte[] {1, 2, 3});
        byte[] secret = InstallationSecret.loadOrCreate(file, new SecureRandom());
        assertEquals(InstallationSecret.LENGTH, secret.length);
        assertFalse(Arrays.equals(new byte[] {1, 2, 3}, secret));
        assertArrayEquals(secret, Files.readAllBytes(file));
    }
}
