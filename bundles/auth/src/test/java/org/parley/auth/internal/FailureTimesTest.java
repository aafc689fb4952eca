package org.parley.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.auth.internal.SaslFixture.failure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.parley.api.auth.PasswordAuthenticator;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslStep;

/** Timing equalisation: every refusal is answered as late as the slowest recent one (capped). */
class FailureTimesTest {
    @Test
    void theSlowestRefusalOfTheLastOneToTwoMinutesCountsCappedAtTwoSeconds() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        FailureTimes times = new FailureTimes(now::get);
        assertEquals(Duration.ZERO, times.recentMax());
        times.record(Duration.ofMillis(300));
        times.record(Duration.ofMillis(5));
        assertEquals(Duration.ofMillis(300), times.recentMax(), "a fast refusal does not pull it down");
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        assertEquals(Duration.ofMillis(300), times.recentMax(), "still remembered in the next minute");
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        assertEquals(Duration.ZERO, times.recentMax(), "forgotten after two minutes");
        times.record(Duration.ofSeconds(9));
        assertEquals(FailureTimes.CAP, times.recentMax(), "one stall holds refusals 2 s at most");
    }

    @Test
    void anUnknownNameIsRefusedAsLateAsASlowProvidersWrongPassword() throws Exception {
        AuthSettings floor = new AuthSettings(4096, 1000, Duration.ofSeconds(60), Duration.ofSeconds(1),
                Duration.ofSeconds(30), 10_000, Duration.ofMillis(20));
        try (SaslFixture f = new SaslFixture(floor, () -> "srv")) {
            // A provider whose hash takes 300 ms (bcrypt on a busy machine), asked only for its own user.
            PasswordAuthenticator slow = (user, password) -> user.equals("bea")
                    ? CompletableFuture.supplyAsync(() -> PasswordAuthenticator.Result.REJECTED,
                            CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS))
                    : CompletableFuture.completedFuture(PasswordAuthenticator.Result.UNKNOWN_USER);
            f.core.addAuthenticator(slow, Map.of("service.ranking", -1500, "service.id", 2L));
            TestSaslContext c = TestSaslContext.tls("203.0.113.30");
            assertTrue(refusalMillis(f, c, "bea") >= 290);
            long unknown = refusalMillis(f, c, "nobody");
            assertTrue(unknown >= 280, "the unknown name was refused after " + unknown + " ms, not as late as bea");
        }
    }

    @Test
    void zeroTurnsEqualisationOff() throws Exception {
        try (SaslFixture f = new SaslFixture(SaslFixture.throttled(1000, Duration.ofSeconds(1), Duration.ofSeconds(1)),
                () -> "srv")) {
            PasswordAuthenticator slow = (user, password) -> user.equals("bea")
                    ? CompletableFuture.supplyAsync(() -> PasswordAuthenticator.Result.REJECTED,
                            CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS))
                    : CompletableFuture.completedFuture(PasswordAuthenticator.Result.UNKNOWN_USER);
            f.core.addAuthenticator(slow, Map.of("service.ranking", -1500, "service.id", 2L));
            TestSaslContext c = TestSaslContext.tls("203.0.113.31");
            refusalMillis(f, c, "bea");
            long unknown = refusalMillis(f, c, "nobody");
            assertTrue(unknown < 250, "with failureMinimumMillis 0 an unknown name is answered at once: " + unknown + " ms");
        }
    }

    private static long refusalMillis(SaslFixture f, TestSaslContext c, String user) throws Exception {
        long t0 = System.nanoTime();
        SaslStep step = f.start("PLAIN", c).evaluate(("\0" + user + "\0wrong").getBytes(StandardCharsets.UTF_8))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(SaslFailure.NOT_AUTHORIZED, failure(step).condition());
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
