package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How long a refused PLAIN sign-in takes for an unknown name against a wrong password of an
 * existing account, with the password file in the chain (a bcrypt user: the file's own hash cost
 * is what an unknown name skips), with the shortest-failure floor off and at its default. It prints
 * the figures for the report; it asserts only that every attempt was refused, never a time (the
 * machine is shared).
 */
class SignInTimingTest {
    private static final int ROUNDS = 25;
    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempDirectory("timing").resolve("passwords");
            PasswordFileSignInTest.write(FILE, "bea:" + PasswordFileSignInTest.bcrypt("bea pw") + "\n");
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @RegisterExtension
    static final ParleyServer server = PasswordFileSignInTest.passwordFileServer(ParleyServer.builder(), FILE)
            // Fifty wrong passwords for bea on purpose: the per-account slow-down would only add its own delays.
            .set("org.parley.auth.cfg", "accountFailureThreshold", 1_000_000).build();

    @BeforeAll
    static void fileRead() throws Exception {
        server.awaitLog(0, "Password file " + FILE + ": ", Duration.ofSeconds(60));
    }

    /** Milliseconds of each refused PLAIN exchange (auth sent to failure received), on one TLS stream per attempt. */
    private static List<Double> refusals(String user, int rounds) throws Exception {
        List<Double> took = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            try (RawXmppClient c = server.raw()) {
                c.openStream();
                c.startTls(server.sslContext());
                c.openStream();
                long t0 = System.nanoTime();
                RawXmppClient.SaslOutcome outcome = c.authPlain(user, "not the password");
                took.add((System.nanoTime() - t0) / 1e6);
                assertFalse(outcome.success(), user + " signed in with a wrong password");
                assertTrue(outcome.element().contains("not-authorized"), outcome.element());
            }
        }
        return took;
    }

    private static String figures(List<Double> ms) {
        List<Double> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        return String.format("median %6.1f ms, p10 %6.1f, p90 %6.1f, max %6.1f", sorted.get(sorted.size() / 2),
                sorted.get(sorted.size() / 10), sorted.get(sorted.size() * 9 / 10), sorted.get(sorted.size() - 1));
    }

    private static void measure(String label) throws Exception {
        refusals("bea", 3); // warm up: class loading, JIT
        refusals("nobody-warm", 3);
        List<Double> wrong = new ArrayList<>();
        List<Double> unknown = new ArrayList<>();
        // Interleaved, so load on the shared machine hits both alike.
        for (int i = 0; i < ROUNDS; i++) {
            wrong.addAll(refusals("bea", 1));
            unknown.addAll(refusals("nobody-" + i, 1));
        }
        System.out.printf("SIGN-IN TIMING (%s, %d each): wrong password of a password-file user: %s%n", label, ROUNDS,
                figures(wrong));
        System.out.printf("SIGN-IN TIMING (%s, %d each): unknown name:                          %s%n", label, ROUNDS,
                figures(unknown));
    }

    @Test
    void anUnknownNameAndAWrongPasswordTakeTheSameTimeWithTheFloor() throws Exception {
        Path cfg = server.base().resolve("etc/org.parley.auth.cfg");
        long offset = server.logSize();
        ParleyServer.writeProperties(cfg, Map.of("failureMinimumMillis", "0"));
        server.awaitLog(offset, "shortest failure answer 0 ms", Duration.ofSeconds(20));
        measure("failureMinimumMillis = 0");
        offset = server.logSize();
        ParleyServer.writeProperties(cfg, Map.of("failureMinimumMillis", "200"));
        server.awaitLog(offset, "shortest failure answer 200 ms", Duration.ofSeconds(20));
        measure("failureMinimumMillis = 200, the default");
    }
}
