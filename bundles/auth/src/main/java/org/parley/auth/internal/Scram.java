package org.parley.auth.internal;

import java.nio.charset.StandardCharsets;
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

    static byte[] storedKey(ScramHash hash, byte[] saltedPassword) {
        return digest(hash, hmac(hash, saltedPassword, CLIENT_KEY));
    }

    /**
     * Hi(str, salt, i): PBKDF2 with HMAC as the PRF and one output block. Written out rather than
     * taken from SecretKeyFactory because SCRAM defines it over the password's UTF-8 bytes, and
     * PBEKeySpec takes chars and leaves their encoding to the provider.
     */
    static byte[] hi(ScramHash hash, byte[] password, byte[] salt, int iterations) {
        try {
            Mac mac = Mac.getInstance(hash.hmacAlgorithm());
            mac.init(new SecretKeySpec(password, hash.hmacAlgorithm()));
            mac.update(salt);
            mac.update(new byte[] {0, 0, 0, 1}); // INT(1): the first and only block
            byte[] u = mac.doFinal();
            byte[] result = u.clone();
            for (int i = 1; i < iterations; i++) {
                mac.update(u);
                mac.doFinal(u, 0); // reuses u: the input was consumed by update
                for (int j = 0; j < result.length; j++) {
                    result[j] ^= u[j];
                }
            }
            return result;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hash.hmacAlgorithm() + " is not available", e);
        }
    }

    static byte[] hmac(ScramHash hash, byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(hash.hmacAlgorithm());
            mac.init(new SecretKeySpec(key, hash.hmacAlgorithm()));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hash.hmacAlgorithm() + " is not available", e);
        }
    }

    static byte[] digest(ScramHash hash, byte[] data) {
        try {
            return MessageDigest.getInstance(hash.digestAlgorithm()).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hash.digestAlgorithm() + " is not available", e);
        }
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }
}
