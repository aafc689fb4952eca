package org.parley.auth.internal;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * A random secret kept in the instance's data directory. It seeds the fake SCRAM salts of
 * unknown users: stable across restarts (a salt that changed would give the fake away) and
 * different on every installation (so nobody can precompute them).
 */
final class InstallationSecret {
    static final int LENGTH = 32;

    private InstallationSecret() {
    }

    /** Reads {@code file}, or creates it with a new random secret when it does not exist or is damaged. */
    static byte[] loadOrCreate(Path file, SecureRandom random) throws IOException {
        if (Files.isRegularFile(file)) {
            byte[] secret = Files.readAllBytes(file);
            if (secret.length == LENGTH) {
                return secret;
            }
        }
        Files.createDirectories(file.getParent());
        byte[] secret = new byte[LENGTH];
        random.nextBytes(secret);
        // Written beside the target and moved into place, so a crash never leaves half a secret.
        Path tmp = Files.createTempFile(file.getParent(), ".secret", ".tmp");
        try {
            restrictToOwner(tmp);
            Files.write(tmp, secret);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return secret;
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the data directory's own ACL applies
        }
    }
}
