package org.parley.auth.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.parley.api.storage.ScramHash;

/**
 * Whether {@link Scram#hi} (PBKDF2 over the JDK's Mac) leaves speed on the table. The JDK's HMAC
 * hashes the key's ipad and opad blocks again for every iteration: four compression-function
 * calls where two would do if the two padded states were computed once and copied. The JDK's
 * digests can only be copied by clone(), which allocates; {@code clonedDigests} measures whether
 * that still wins. {@code secretKeyFactory} is the JDK's own PBKDF2, for reference (it takes the
 * password as chars, which is why Scram.hi does not use it).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class Pbkdf2Benchmark {
    private static final int ITERATIONS = AuthSettings.DEFAULTS.iterations();
    private static final byte[] PASSWORD = "pencil".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SALT = "sixteen byte salt".substring(0, 16).getBytes(StandardCharsets.US_ASCII);

    @Param({"SHA_1", "SHA_256"})
    public ScramHash hash;

    private SecretKeyFactory factory;

    @Setup
    public void setUp() throws GeneralSecurityException {
        factory = SecretKeyFactory.getInstance(hash == ScramHash.SHA_1 ? "PBKDF2WithHmacSHA1" : "PBKDF2WithHmacSHA256");
        byte[] expected = Scram.hi(hash, PASSWORD, SALT, ITERATIONS);
        if (!Arrays.equals(expected, clonedDigests()) || !Arrays.equals(expected, secretKeyFactory())) {
            throw new IllegalStateException("the PBKDF2 variants disagree");
        }
    }

    @Benchmark
    public byte[] jdkMac() {
        return Scram.hi(hash, PASSWORD, SALT, ITERATIONS);
    }

    @Benchmark
    public byte[] clonedDigests() throws GeneralSecurityException {
        return hiFromClonedDigests(hash, PASSWORD, SALT, ITERATIONS);
    }

    @Benchmark
    public byte[] secretKeyFactory() throws GeneralSecurityException {
        char[] chars = new String(PASSWORD, StandardCharsets.UTF_8).toCharArray();
        return factory.generateSecret(new PBEKeySpec(chars, SALT, ITERATIONS, hash.length() * 8)).getEncoded();
    }

    /** Hi() with HMAC written out (RFC 2104) over digests that start from the precomputed pad states. */
    static byte[] hiFromClonedDigests(ScramHash hash, byte[] password, byte[] salt, int iterations)
            throws GeneralSecurityException {
        int blockSize = 64; // SHA-1 and SHA-256
        int length = hash.length();
        MessageDigest inner = MessageDigest.getInstance(hash.digestAlgorithm());
        MessageDigest outer = MessageDigest.getInstance(hash.digestAlgorithm());
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
        MessageDigest in = clone(inner);
        in.update(salt);
        in.update(new byte[] {0, 0, 0, 1});
        in.digest(innerHash, 0, length);
        MessageDigest out = clone(outer);
        out.update(innerHash);
        out.digest(u, 0, length);
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            in = clone(inner);
            in.update(u);
            in.digest(innerHash, 0, length);
            out = clone(outer);
            out.update(innerHash);
            out.digest(u, 0, length);
            for (int j = 0; j < length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    private static MessageDigest clone(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(digest.getAlgorithm() + " cannot be cloned", e);
        }
    }
}
