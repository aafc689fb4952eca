package org.parley.benchmarks;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.parley.api.storage.ScramHash;
import org.parley.auth.internal.Scram;
import org.parley.auth.internal.ScramAuthPassword;

/**
 * Writes an import file of test accounts {@code user1..userCOUNT} with passwords
 * {@code pass1..passCOUNT}, the accounts {@link IdleSessions} logs in with.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.parley.benchmarks.BenchAccounts [--plain] DOMAIN COUNT OUTFILE [ITERATIONS]</pre>
 *
 * By default each line carries a SCRAM-SHA-1 and a SCRAM-SHA-256 credential in the RFC 5803 form,
 * for {@code bin/parley user import --hashed}, derived on all cores with the server's own code and
 * a random 16-byte salt each, as the server derives them. {@code --plain} writes the passwords
 * instead, for {@code bin/parley user import}, so the two can be timed against each other.
 */
public final class BenchAccounts {
    /** Lines derived in parallel, then written in order, so memory stays bounded for any COUNT. */
    private static final int BLOCK = 10_000;
    private static final int SALT_LENGTH = 16;
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(SecureRandom::new);

    private BenchAccounts() {
    }

    public static void main(String[] args) throws IOException {
        List<String> words = new ArrayList<>(List.of(args));
        boolean plain = words.remove("--plain");
        if (words.size() < 3 || words.size() > 4) {
            System.err.println("usage: BenchAccounts [--plain] DOMAIN COUNT OUTFILE [ITERATIONS]");
            System.exit(2);
        }
        String domain = words.get(0);
        int count = Integer.parseInt(words.get(1));
        Path out = Path.of(words.get(2));
        int iterations = words.size() == 4 ? Integer.parseInt(words.get(3)) : 4096;
        if (iterations < 4096 && !plain) {
            System.err.println("note: the server refuses fewer than 4096 iterations (RFC 7677)");
        }

        long start = System.nanoTime();
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (int from = 1; from <= count; from += BLOCK) {
                int to = Math.min(from + BLOCK - 1, count);
                String[] lines = IntStream.rangeClosed(from, to).parallel()
                        .mapToObj(i -> line(domain, i, plain, iterations))
                        .toArray(String[]::new);
                for (String line : lines) {
                    w.write(line);
                    w.write('\n');
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.err.printf("wrote %,d accounts (%s) to %s in %.1f s on %d cores%n", count,
                plain ? "passwords" : "SCRAM-SHA-1 + SCRAM-SHA-256, " + iterations + " iterations", out, seconds,
                Runtime.getRuntime().availableProcessors());
    }

    /** ASCII passwords, which OpaqueString preparation leaves as they are: they can go to Scram directly. */
    static String line(String domain, int i, boolean plain, int iterations) {
        String jid = "user" + i + "@" + domain;
        String password = "pass" + i;
        if (plain) {
            return jid + " " + password;
        }
        return jid + " " + credential(ScramHash.SHA_1, password, iterations) + " "
                + credential(ScramHash.SHA_256, password, iterations);
    }

    private static String credential(ScramHash hash, String password, int iterations) {
        byte[] salt = new byte[SALT_LENGTH];
        RANDOM.get().nextBytes(salt);
        return ScramAuthPassword.format(Scram.credential(hash, password, salt, iterations));
    }
}
