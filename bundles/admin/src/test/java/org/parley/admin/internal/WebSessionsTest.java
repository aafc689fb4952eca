package org.parley.admin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebSessionsTest {
    private final MutableClock clock = new MutableClock();
    private final WebSessions sessions = new WebSessions(clock);
    private final AdminSettings settings = Settings.small();

    @Test
    void aSessionUsedWithinTheIdleTimeoutStaysUntilItsLifetimeEnds() {
        WebSessions.WebSession s = sessions.create("admin", "127.0.0.1", settings);
        for (int i = 0; i < 9; i++) {
            clock.advance(Duration.ofSeconds(59));
            assertEquals(WebSessions.State.ACTIVE, sessions.find(s.id(), settings).state());
        }
        clock.advance(Duration.ofSeconds(70)); // 601 s after sign-in, 70 s idle
        assertEquals(WebSessions.State.EXPIRED, sessions.find(s.id(), settings).state());
    }

    @Test
    void anIdleSessionExpiresAndIsToldApartFromAnUnknownOne() {
        WebSessions.WebSession s = sessions.create("admin", "127.0.0.1", settings);
        clock.advance(Duration.ofSeconds(60));

        assertEquals(WebSessions.State.EXPIRED, sessions.find(s.id(), settings).state());
        assertEquals(WebSessions.State.EXPIRED, sessions.find(s.id(), settings).state(), "still expired when asked again");
        assertEquals(WebSessions.State.UNKNOWN, sessions.find("made-up", settings).state());
        assertEquals(WebSessions.State.UNKNOWN, sessions.find(null, settings).state());
    }

    @Test
    void idsAndCsrfTokensAreRandomAndDistinct() {
        WebSessions.WebSession a = sessions.create("admin", "127.0.0.1", settings);
        WebSessions.WebSession b = sessions.create("admin", "127.0.0.1", settings);

        assertNotEquals(a.id(), b.id());
        assertNotEquals(a.csrfToken(), b.csrfToken());
        assertNotEquals(a.id(), a.csrfToken());
        assertTrue(a.id().length() >= 43, "256 random bits");
    }

    @Test
    void theSuccessorTakesTheActiveSessionsWithTheirTimes() {
        WebSessions.WebSession s = sessions.create("admin", "127.0.0.1", settings);
        clock.advance(Duration.ofSeconds(30));

        WebSessions successor = new WebSessions(clock);
        assertEquals(1, successor.restore(sessions.snapshot()));
        WebSessions.Lookup found = successor.find(s.id(), settings);
        assertEquals(WebSessions.State.ACTIVE, found.state());
        assertEquals(s.csrfToken(), found.session().csrfToken());
        assertEquals(s.expiresAt(), found.session().expiresAt());
        assertEquals(0, new WebSessions(clock).restore(java.util.List.of("garbage", java.util.Map.of("id", 1))), "read tolerantly");
    }

    @Test
    void csrfTokensCompareExactly() {
        assertTrue(WebSessions.sameToken("abc", "abc"));
        assertFalse(WebSessions.sameToken("abc", "abd"));
        assertFalse(WebSessions.sameToken("abc", null));
        assertFalse(WebSessions.sameToken("abc", ""));
    }
}
