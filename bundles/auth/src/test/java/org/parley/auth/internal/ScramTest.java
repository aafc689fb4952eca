package org.parley.auth.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;
import org.parley.api.storage.ScramHash;

class ScramTest {
    private static final byte[] SALT = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /**
     * The RFC examples only use a short password; keys longer than the HMAC block (64 bytes) are
     * hashed first (RFC 2104), and a key of exactly one block is not.
     */
    @Test
    void hiIsTheJdkPbkdf2ForPasswordsShorterAndLongerThanOneBlock() throws Exception {
        for (ScramHash hash : ScramHash.values()) {
            for (int length : new int[] {1, 6, 63, 64, 65, 200}) {
                String password = "p".repeat(length);
                for (int iterations : new int[] {1, 2, 4096}) {
                    assertArrayEquals(jdkPbkdf2(hash, password, iterations),
                            Scram.hi(hash, password.getBytes(StandardCharsets.UTF_8), SALT, iterations),
                            hash + ", " + length + "-byte password, " + iterations + " iterations");
                }
            }
        }
    }

    private static byte[] jdkPbkdf2(ScramHash hash, String password, int iterations) throws Exception {
        String algorithm = hash == ScramHash.SHA_1 ? "PBKDF2WithHmacSHA1" : "PBKDF2WithHmacSHA256";
        return SecretKeyFactory.getInstance(algorithm)
                .generateSecret(new PBEKeySpec(password.toCharArray(), SALT, iterations, hash.length() * 8)).getEncoded();
    }
}
