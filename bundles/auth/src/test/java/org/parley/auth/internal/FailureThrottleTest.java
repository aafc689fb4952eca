package org.parley.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.auth.internal.SaslFixture.challenge;
import static org.parley.auth.internal.SaslFixture.failure;
import static org.parley.auth.internal.SaslFixture.step;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;

class FailureThrottleTest {
    private final AtomicLong now = new AtomicLong();
    private final FailureThrottle throttle = new FailureThrottle(now::get);
    private final AuthSettings settings = AuthSettings.DEFAULTS; // 3 free, 1 s doubling to 30 s, 60 s window

    private static InetAddress ip(String address) throws Exception {
        return InetAddress.getByName(address);
    }

    @Test
    void delaysDoubleAfterTheThresholdUpToTheMaximum() throws Exception {
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            delays.add(throttle.failure(ip("198.51.100.1"), settings).toMillis());
        }
        assertEquals(List.of(0L, 0L, 0L, 1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L), delays);
        assertEquals(0, throttle.failure(ip("198.51.100.2"), settings).toMillis(), "another address is not affected");
    }

    @Test
    void successForgetsTheAddress() throws Exception {
        for (int i = 0; i < 5; i++) {
            throttle.failure(ip("198.51.100.3"), settings);
        }
        throttle.success(ip("198.51.100.3"));
        assertEquals(Duration.ZERO, throttle.failure(ip("198.51.100.3"), settings));
        assertEquals(1, throttle.failures(ip("198.51.100.3")));
    }

    @Test
    void failuresOlderThanTheWindowAreForgotten() throws Exception {
        for (int i = 0; i < 5; i++) {
            throttle.failure(ip("198.51.100.4"), settings);
        }
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        assertEquals(Duration.ZERO, throttle.failure(ip("198.51.100.4"), settings));
        assertEquals(1, throttle.failures(ip("198.51.100.4")));
    }

    @Test
    void memoryIsBoundedByTheTrackedAddressesCap() throws Exception {
        AuthSettings small = new AuthSettings(4096, 3, Duration.ofSeconds(60), Duration.ofSeconds(1),
                Duration.ofSeconds(30), 100);
        for (int i = 0; i < 1000; i++) {
            throttle.failure(ip("10.0." + (i / 256) + "." + (i % 256)), small);
        }
        assertEquals(100, throttle.trackedAddresses());
        assertEquals(1, throttle.failures(ip("10.0.3.231")), "the most recent address is kept");
        assertEquals(0, throttle.failures(ip("10.0.0.0")), "the least recent is forgotten");
    }

    @Test
    void expiredEntriesAreDroppedEvenBelowTheCap() throws Exception {
        for (int i = 0; i < 50; i++) {
            throttle.failure(ip("10.1.0." + i), settings);
        }
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        throttle.failure(ip("10.2.0.1"), settings);
        assertEquals(1, throttle.trackedAddresses());
    }

    @Test
    void anIpv6ClientIsCountedByItsSlash64() throws Exception {
        throttle.failure(ip("2001:db8:1:2::1"), settings);
        throttle.failure(ip("2001:db8:1:2::2"), settings);
        throttle.failure(ip("2001:db8:1:2:ffff::3"), settings);
        assertEquals(1000, throttle.failure(ip("2001:db8:1:2::4"), settings).toMillis());
        assertEquals(0, throttle.failure(ip("2001:db8:1:3::1"), settings).toMillis());
    }

    @Test
    void theNthFailureAnswerOfANegotiationArrivesLaterWithoutBlockingTheCaller() throws Exception {
        AuthSettings quick = SaslFixture.throttled(2, Duration.ofMillis(300), Duration.ofSeconds(5));
        try (SaslFixture f = new SaslFixture(quick, () -> "srv")) {
            f.addUser("juliet", "r0meo", 4096);
            TestSaslContext c = TestSaslContext.plain("203.0.113.7");

            // The final SCRAM step is pure computation: an unthrottled failure is complete on return.
            for (int i = 0; i < 2; i++) {
                CompletableFuture<SaslStep> answer = wrongFinal(f, c);
                assertTrue(answer.isDone(), "failure " + (i + 1) + " is answered at once");
            }
            CompletableFuture<SaslStep> third = wrongFinal(f, c);
            CompletableFuture<SaslStep> elsewhere = wrongFinal(f, TestSaslContext.plain("203.0.113.8"));
            assertFalse(third.isDone(), "the third failure from one address is held back");
            assertTrue(elsewhere.isDone(), "another address is answered at once");
            assertEquals(SaslFailure.NOT_AUTHORIZED, failure(third.get(10, TimeUnit.SECONDS)).condition());

            // A success forgets the address: the next failure is immediate again.
            SaslNegotiation ok = f.start("SCRAM-SHA-1", c);
            ScramClient client = new ScramClient(false, "n,,", null, "juliet", "cn");
            SaslFixture.success(step(ok, client.clientFinal(challenge(step(ok, client.clientFirst())), "r0meo")));
            assertTrue(wrongFinal(f, c).isDone());
        }
    }

    @Test
    void stoppingTheWorkersGivesHeldBackAnswersAtOnce() throws Exception {
        AuthSettings slow = SaslFixture.throttled(0, Duration.ofSeconds(60), Duration.ofSeconds(60));
        SaslFixture f = new SaslFixture(slow, () -> "srv");
        try {
            f.addUser("juliet", "r0meo", 4096);
            CompletableFuture<SaslStep> held = wrongFinal(f, TestSaslContext.plain("203.0.113.9"));
            assertFalse(held.isDone());
            f.workers.close();
            assertTrue(held.isDone(), "a stopping bundle leaves no stage hanging");
            assertEquals(SaslFailure.NOT_AUTHORIZED, failure(held.getNow(null)).condition());
        } finally {
            f.close();
        }
    }

    @Test
    void failuresCountPerAddressWhicheverMechanismTheClientPicks() throws Exception {
        AuthSettings quick = SaslFixture.throttled(2, Duration.ofMillis(300), Duration.ofSeconds(5));
        try (SaslFixture f = new SaslFixture(quick, () -> "srv")) {
            f.addUser("juliet", "r0meo", 4096);
            TestSaslContext c = TestSaslContext.tls("203.0.113.10");
            assertTrue(wrongFinal(f, c).isDone());
            assertTrue(wrongFinal(f, c).isDone());
            // Switching from SCRAM to PLAIN (another mechanism component) does not start afresh.
            CompletableFuture<SaslStep> plain = f.start("PLAIN", c).evaluate("\0juliet\0wrong".getBytes(StandardCharsets.UTF_8))
                    .toCompletableFuture();
            assertFalse(plain.isDone(), "PLAIN's failure is the third from the address: held back");
            assertEquals(SaslFailure.NOT_AUTHORIZED, failure(plain.get(10, TimeUnit.SECONDS)).condition());
        }
    }

    @Test
    void aChangedConfigurationThrottlesTheNextFailureWithoutARestart() throws Exception {
        // The default slow-down, without the shortest-failure floor (timed in its own test below).
        try (SaslFixture f = new SaslFixture(SaslFixture.throttled(3, Duration.ofSeconds(1), Duration.ofSeconds(30)),
                () -> "srv")) {
            f.addUser("juliet", "r0meo", 4096);
            TestSaslContext c = TestSaslContext.plain("203.0.113.11");
            assertTrue(wrongFinal(f, c).isDone(), "three free failures by default");

            f.core.modified(new AuthConfigValue(4096, 0, 60, 300, 300, 10000), java.util.Map.of());
            CompletableFuture<SaslStep> next = wrongFinal(f, c);
            assertFalse(next.isDone(), "threshold 0 now: held back");
            assertEquals(SaslFailure.NOT_AUTHORIZED, failure(next.get(10, TimeUnit.SECONDS)).condition());

            // An invalid value is refused and the one in force stays.
            f.core.modified(new AuthConfigValue(4096, -1, 60, 300, 300, 10000), java.util.Map.of());
            assertEquals(0, f.core.settings().failureThreshold());
        }
    }

    @Test
    void anUnknownAccountAndAWrongPasswordAreAnsweredNoSoonerThanTheFloor() throws Exception {
        AuthSettings floor = new AuthSettings(4096, 1000, Duration.ofSeconds(60), Duration.ofSeconds(1),
                Duration.ofSeconds(30), 10_000, Duration.ofMillis(300));
        try (SaslFixture f = new SaslFixture(floor, () -> "srv")) {
            f.addUser("juliet", "r0meo", 4096);
            TestSaslContext c = TestSaslContext.tls("203.0.113.12");
            for (String user : new String[] {"juliet", "nobody"}) {
                long t0 = System.nanoTime();
                CompletableFuture<SaslStep> answer = f.start("PLAIN", c)
                        .evaluate(("\0" + user + "\0wrong").getBytes(StandardCharsets.UTF_8)).toCompletableFuture();
                assertEquals(SaslFailure.NOT_AUTHORIZED, failure(answer.get(10, TimeUnit.SECONDS)).condition());
                long took = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(took >= 290, user + ": answered after " + took + " ms, before the 300 ms floor");
            }
            // A success is not held back.
            long t0 = System.nanoTime();
            SaslFixture.success(step(f.start("PLAIN", c), "\0juliet\0r0meo"));
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 290, "success is answered as soon as known");
        }
    }

    @Test
    void failuresForOneAccountFromManyAddressesAreSlowedDownButItsOwnerStillSignsIn() throws Exception {
        AuthSettings perAccount = new AuthSettings(4096, 1000, Duration.ofSeconds(60), Duration.ofMillis(300),
                Duration.ofSeconds(5), 10_000, Duration.ZERO, 2);
        try (SaslFixture f = new SaslFixture(perAccount, () -> "srv")) {
            f.addUser("juliet", "r0meo", 4096);
            assertTrue(wrongFinal(f, TestSaslContext.plain("198.51.100.21")).isDone());
            assertTrue(wrongFinal(f, TestSaslContext.plain("198.51.100.22")).isDone());
            CompletableFuture<SaslStep> third = wrongFinal(f, TestSaslContext.plain("198.51.100.23"));
            assertFalse(third.isDone(), "the third failure for juliet is held back, from a fresh address too");
            assertEquals(SaslFailure.NOT_AUTHORIZED, failure(third.get(10, TimeUnit.SECONDS)).condition());

            // Her right password is not delayed, and it forgets the count.
            SaslNegotiation ok = f.start("SCRAM-SHA-1", TestSaslContext.plain("198.51.100.24"));
            ScramClient client = new ScramClient(false, "n,,", null, "juliet", "cn");
            SaslFixture.success(step(ok, client.clientFinal(challenge(step(ok, client.clientFirst())), "r0meo")));
            assertTrue(wrongFinal(f, TestSaslContext.plain("198.51.100.25")).isDone(), "counted afresh after a success");

            // PLAIN counts for the same account.
            assertTrue(wrongFinal(f, TestSaslContext.plain("198.51.100.26")).isDone());
            long t0 = System.nanoTime();
            failure(step(f.start("PLAIN", TestSaslContext.tls("198.51.100.27")), "\0juliet\0wrong"));
            assertTrue((System.nanoTime() - t0) / 1_000_000 >= 280, "PLAIN's failure is juliet's third: held back");
        }
    }

    /** Runs SCRAM-SHA-1 to the final step with a wrong password; returns the final answer's stage as is. */
    private static CompletableFuture<SaslStep> wrongFinal(SaslFixture f, TestSaslContext c) throws Exception {
        SaslNegotiation n = f.start("SCRAM-SHA-1", c);
        ScramClient client = new ScramClient(false, "n,,", null, "juliet", "cn");
        byte[] serverFirst = challenge(step(n, client.clientFirst()));
        byte[] clientFinal = client.clientFinal(serverFirst, "wrong");
        assertEquals("r=cnsrv", new String(serverFirst, StandardCharsets.UTF_8).split(",")[0]);
        return n.evaluate(clientFinal).toCompletableFuture();
    }
}
