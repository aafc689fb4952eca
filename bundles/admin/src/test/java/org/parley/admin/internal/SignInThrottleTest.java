package org.parley.admin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SignInThrottleTest {
    private final MutableClock clock = new MutableClock();
    private final SignInThrottle throttle = new SignInThrottle(clock);
    private final AdminSettings settings = Settings.small();

    @Test
    void anAccountIsThrottledAfterItsFailuresFromAnyAddressUntilTheOldestLeavesTheWindow() {
        throttle.failed("10.0.0.1", "admin");
        clock.advance(Duration.ofSeconds(10));
        throttle.failed("10.0.0.2", "admin");

        assertEquals(Duration.ofSeconds(90), throttle.waitFor("10.0.0.3", "admin", settings));
        assertEquals(Duration.ZERO, throttle.waitFor("10.0.0.3", "alice", settings), "another account is not held up");
        clock.advance(Duration.ofSeconds(90));
        assertEquals(Duration.ZERO, throttle.waitFor("10.0.0.3", "admin", settings));
    }

    @Test
    void anAddressIsThrottledAfterItsFailuresWhateverAccountsItTried() {
        throttle.failed("10.0.0.1", "a");
        throttle.failed("10.0.0.1", "b");
        throttle.failed("10.0.0.1", "c");

        assertEquals(Duration.ofSeconds(100), throttle.waitFor("10.0.0.1", "d", settings));
        assertEquals(Duration.ZERO, throttle.waitFor("10.0.0.9", "d", settings));
    }

    @Test
    void theSuccessorKeepsCounting() {
        throttle.failed("10.0.0.1", "admin");
        throttle.failed("10.0.0.2", "admin");
        SignInThrottle successor = new SignInThrottle(clock);
        successor.restore(throttle.snapshot());

        assertEquals(Duration.ofSeconds(100), successor.waitFor("10.0.0.3", "admin", settings));
    }

    @Test
    void aSuccessClearsTheCounts() {
        throttle.failed("10.0.0.1", "admin");
        throttle.succeeded("10.0.0.1", "admin");
        throttle.failed("10.0.0.1", "admin");

        assertEquals(Duration.ZERO, throttle.waitFor("10.0.0.1", "admin", settings));
    }
}
