package org.parley.auth.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
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
 * PBKDF2 as {@link Scram#hi} computes it against the JDK's Mac, which Scram.hi used before. The
 * JDK's HMAC hashes the key's ipad and opad blocks again for every iteration, four
 * compression-function calls where two do if the two padded states are computed once and copied;
 * the JDK's digests can only be copied by clone(), which allocates, and this measures whether
 * the saving survives that. {@code secretKeyFactory} is the JDK's own PBKDF2, for reference (it
 * takes the password as chars, which is why Scram.hi does not use it).
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
    private static final byte[] SALT = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @Param({"SHA_1", "SHA_256"})
    public ScramHash hash;

    private SecretKeyFactory factory;

    @Setup
    public void setUp() throws GeneralSecurityException {
        factory = SecretKeyFactory.getInstance(hash == ScramHash.SHA_1 ? "PBKDF2WithHmacSHA1" : "PBKDF2WithHmacSHA256");
        byte[] expected = scramHi();
        if (!Arrays.equals(expected, jdkMac()) || !Arrays.equals(expected, secretKeyFactory())) {
            throw new IllegalStateException("the PBKDF2 variants disagree");
        }
    }

    /** Precomputed pad states, copied for each iteration. */
    @Benchmark
    public byte[] scramHi() {
        return Scram.hi(hash, PASSWORD, SALT, ITERATIONS);
    }

    /** The former Scram.hi, kept here as the baseline. */
    @Benchmark
    public byte[] jdkMac() throws GeneralSecurityException {
        Mac mac = Mac.getInstance(hash.hmacAlgorithm());
        mac.init(new SecretKeySpec(PASSWORD, hash.hmacAlgorithm()));
        mac.update(SALT);
        mac.update(new byte[] {0, 0, 0, 1});
        byte[] u = mac.doFinal();
        byte[] result = u.clone();
        for (int i = 1; i < ITERATIONS; i++) {
            mac.update(u);
            mac.doFinal(u, 0);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    @Benchmark
    public byte[] secretKeyFactory() throws GeneralSecurityException {
        char[] chars = new String(PASSWORD, StandardCharsets.UTF_8).toCharArray();
        return factory.generateSecret(new PBEKeySpec(chars, SALT, ITERATIONS, hash.length() * 8)).getEncoded();
    }
}
