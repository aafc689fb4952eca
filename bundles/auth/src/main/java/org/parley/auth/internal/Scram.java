package org.parley.auth.internal;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.parley.api.storage.ScramCredential;
import org.parley.api.storage.ScramHash;

/**
 * The SCRAM functions of RFC 5802 section 2.2 and the derivation of a stored credential (section 3).
 * Public, with {@link #credential} the only public method, so that the benchmarks' account
 * generator derives exactly what the server does; the package is private to the bundle.
 */
public final class Scram {
    /** Length of the random salt of a new credential, and of the fake salts of unknown users. */
    static final int SALT_LENGTH = 16;

    private static final byte[] CLIENT_KEY = "Client Key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_KEY = "Server Key".getBytes(StandardCharsets.US_ASCII);

    private Scram() {
    }

    /**
     * The credential a server stores for a password: SaltedPassword = Hi(password, salt, i),
     * StoredKey = H(HMAC(SaltedPassword, "Client Key")), ServerKey = HMAC(SaltedPassword, "Server Key").
     *
     * @param preparedPassword the password after OpaqueString preparation (RFC 8265)
     */
    public static ScramCredential credential(ScramHash hash, String preparedPassword, byte[] salt, int iterations) {
        byte[] salted = hi(hash, preparedPassword.getBytes(StandardCharsets.UTF_8), salt, iterations);
        return new ScramCredential(hash, salt.clone(), iterations, storedKey(hash, salted), hmac(hash, salted, SERVER_KEY));
    }

    public static byte[] storedKey(ScramHash hash, byte[] saltedPassword) {
        return digest(hash, hmac(hash, saltedPassword, CLIENT_KEY));
    }

    /**
     * Hi(str, salt, i): PBKDF2 with HMAC as the PRF and one output block. Written out rather than
     * taken from SecretKeyFactory because SCRAM defines it over the password's UTF-8 bytes, and
     * PBEKeySpec takes chars and leaves their encoding to the provider.
     *
     * <p>HMAC (RFC 2104) is spelled out too: the JDK's Mac hashes the key's ipad and opad blocks
     * again for every message, four compressions per iteration. Here the two padded states are
     * hashed once and each iteration starts from copies of them, two compressions; the copies'
     * allocations cost less than the compressions saved (about a third less time per login, see
     * the benchmarks' Pbkdf2Benchmark).
     */
    public static byte[] hi(ScramHash hash, byte[] password, byte[] salt, int iterations) {
        int length = hash.length();
        int blockSize = blockSize(hash);
        MessageDigest inner = newDigest(hash);
        MessageDigest outer = newDigest(hash);
        byte[] key = password.length > blockSize ? inner.digest(password) : password;
        byte[] pad = new byte[blockSize];
        for (int i = 0; i < blockSize; i++) {
            pad[i] = (byte) ((i < key.length ? key[i] : 0) ^ 0x36);
        }
        inner.update(pad);
        for (int i = 0; i < blockSize; i++) {
            pad[i] = (byte) ((i < key.length ? key[i] : 0) ^ 0x5c);
        }
        outer.update(pad);

        byte[] innerHash = new byte[length];
        byte[] u = new byte[length];
        MessageDigest in = copy(inner);
        in.update(salt);
        in.update(new byte[] {0, 0, 0, 1}); // INT(1): the first and only block
        finish(in, innerHash);
        MessageDigest out = copy(outer);
        out.update(innerHash);
        finish(out, u);
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            in = copy(inner);
            in.update(u);
            finish(in, innerHash);
            out = copy(outer);
            out.update(innerHash);
            finish(out, u);
            for (int j = 0; j < length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    /** The HMAC block size (RFC 2104's B); a switch, so that a new hash cannot be added without one. */
    private static int blockSize(ScramHash hash) {
        return switch (hash) {
            case SHA_1, SHA_256 -> 64;
        };
    }

    private static MessageDigest newDigest(ScramHash hash) {
        try {
            return MessageDigest.getInstance(hash.digestAlgorithm());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hash.digestAlgorithm() + " is not available", e);
        }
    }

    private static MessageDigest copy(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(digest.getAlgorithm() + " cannot be cloned", e);
        }
    }

    /** Writes the digest into {@code out}, whose length is the digest's. */
    private static void finish(MessageDigest digest, byte[] out) {
        try {
            digest.digest(out, 0, out.length);
        } catch (DigestException e) {
            throw new IllegalStateException(digest.getAlgorithm() + " failed", e);
        }
    }

    public static byte[] hmac(ScramHash hash, byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(hash.hmacAlgorithm());
            mac.init(new SecretKeySpec(key, hash.hmacAlgorithm()));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hash.hmacAlgorithm() + " is not available", e);
        }
    }

    static byte[] digest(ScramHash hash, byte[] data) {
        return newDigest(hash).digest(data);
    }

    public static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }
}
