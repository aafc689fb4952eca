package org.parley.components.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Component secrets at rest in etc/: sealed with AES-256-GCM under a key kept in the data
 * directory, never in etc/.
 *
 * <p>Why sealed and not hashed: the XEP-0114 handshake is SHA-1(stream id + secret) with a fresh
 * stream id on each connection, so the server must have the secret itself to check it; a one-way
 * hash of the secret could not check any handshake. Sealing keeps the secret out of etc/ (which
 * is copied to backups, configuration repositories and support tickets) while the server can
 * still open it. The domain is the sealed value's associated data, so a value copied to another
 * component's line does not open.
 */
final class SecretSeal {
    static final String PREFIX = "sealed:";
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final byte[] key;
    private final SecureRandom random;

    SecretSeal(byte[] key, SecureRandom random) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a seal key is " + KEY_BYTES + " bytes");
        }
        this.key = key.clone();
        this.random = random;
    }

    /** The key in {@code file}, made (owner-only) on first use. */
    static SecretSeal loadOrCreate(Path file, SecureRandom random) throws IOException {
        if (Files.exists(file)) {
            byte[] key = Files.readAllBytes(file);
            if (key.length != KEY_BYTES) {
                throw new IOException(file + " holds " + key.length + " bytes, not a " + KEY_BYTES + "-byte key");
            }
            return new SecretSeal(key, random);
        }
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, key);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the data directory's own protection applies
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return new SecretSeal(key, random);
    }

    static boolean isSealed(String value) {
        return value.startsWith(PREFIX);
    }

    String seal(String domain, String secret) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            byte[] sealed = cipher(Cipher.ENCRYPT_MODE, iv, domain).doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(iv, IV_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * The secret a sealed value holds.
     *
     * @throws IllegalArgumentException when the value was sealed under another key or domain, or altered
     */
    String open(String domain, String value) {
        if (!isSealed(value)) {
            throw new IllegalArgumentException("not a sealed value");
        }
        byte[] in;
        try {
            in = Base64.getDecoder().decode(value.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the sealed value is not base64");
        }
        if (in.length <= IV_BYTES) {
            throw new IllegalArgumentException("the sealed value is too short");
        }
        try {
            byte[] plain = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(in, IV_BYTES), domain)
                    .doFinal(in, IV_BYTES, in.length - IV_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the sealed value does not open with this server's key "
                    + "(sealed by another server, for another domain, or altered)");
        }
    }

    private Cipher cipher(int mode, byte[] iv, String domain) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, iv));
        cipher.updateAAD(domain.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
