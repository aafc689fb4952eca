package org.parley.admin.internal;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signed-in console sessions, in memory: a random id (the cookie) maps to the admin, a CSRF
 * token and the session's times. A session ends when unused for the idle timeout, at its
 * lifetime, or at sign-out. An ended session is remembered for a while so the caller can be told
 * "expired" rather than "unknown".
 */
final class WebSessions {
    /** The cookie: {@code __Host-} makes browsers insist on Secure, Path=/ and no Domain. */
    static final String COOKIE = "__Host-parley-session";
    private static final int MAX_SESSIONS = 10_000;

    record WebSession(String id, String admin, String csrfToken, String address, Instant createdAt, Instant expiresAt,
            Instant lastSeen) {
    }

    enum State { ACTIVE, EXPIRED, UNKNOWN }

    record Lookup(State state, WebSession session) {
    }

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, WebSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, Instant> expired = new ConcurrentHashMap<>();

    WebSessions(Clock clock) {
        this.clock = clock;
    }

    WebSession create(String admin, String address, AdminSettings settings) {
        sweep(settings);
        if (sessions.size() >= MAX_SESSIONS) {
            throw new IllegalStateException("too many console sessions");
        }
        Instant now = clock.instant();
        WebSession session = new WebSession(randomToken(), admin, randomToken(), address, now, now.plus(settings.sessionMax()), now);
        sessions.put(session.id(), session);
        return session;
    }

    /** The session of a cookie value, touched (its idle timer restarts) when it is active. */
    Lookup find(String id, AdminSettings settings) {
        if (id == null) {
            return new Lookup(State.UNKNOWN, null);
        }
        WebSession session = sessions.get(id);
        if (session == null) {
            return new Lookup(expired.containsKey(id) ? State.EXPIRED : State.UNKNOWN, null);
        }
        Instant now = clock.instant();
        if (isOver(session, now, settings)) {
            end(id);
            return new Lookup(State.EXPIRED, null);
        }
        WebSession touched = new WebSession(session.id(), session.admin(), session.csrfToken(), session.address(),
                session.createdAt(), session.expiresAt(), now);
        sessions.replace(id, session, touched);
        return new Lookup(State.ACTIVE, touched);
    }

    void end(String id) {
        if (sessions.remove(id) != null) {
            expired.put(id, clock.instant());
        }
    }

    /** Ends every session of an admin (no longer an admin, or deleted). */
    void endAll(String admin) {
        sessions.values().removeIf(s -> s.admin().equals(admin));
    }

    /**
     * The active sessions as JDK values, for this bundle's successor (an upgrade of the console
     * does not sign its administrators out).
     */
    List<Map<String, Object>> snapshot() {
        List<Map<String, Object>> result = new ArrayList<>();
        for (WebSession s : sessions.values()) {
            result.add(Map.of("id", s.id(), "admin", s.admin(), "csrf", s.csrfToken(), "address", s.address(),
                    "created", s.createdAt().toEpochMilli(), "expires", s.expiresAt().toEpochMilli(), "seen", s.lastSeen().toEpochMilli()));
        }
        return result;
    }

    /** Takes the sessions a predecessor deposited; entries it cannot read are skipped. */
    int restore(Object snapshot) {
        int restored = 0;
        if (snapshot instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m && m.get("id") instanceof String id && m.get("admin") instanceof String admin
                        && m.get("csrf") instanceof String csrf && m.get("address") instanceof String address
                        && m.get("created") instanceof Long created && m.get("expires") instanceof Long expires
                        && m.get("seen") instanceof Long seen) {
                    sessions.put(id, new WebSession(id, admin, csrf, address, Instant.ofEpochMilli(created),
                            Instant.ofEpochMilli(expires), Instant.ofEpochMilli(seen)));
                    restored++;
                }
            }
        }
        return restored;
    }

    static boolean sameToken(String expected, String presented) {
        return presented != null && MessageDigest.isEqual(expected.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                presented.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private boolean isOver(WebSession session, Instant now, AdminSettings settings) {
        return !now.isBefore(session.expiresAt()) || !now.isBefore(session.lastSeen().plus(settings.sessionIdle()));
    }

    private void sweep(AdminSettings settings) {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> {
            boolean over = isOver(s, now, settings);
            if (over) {
                expired.put(s.id(), now);
            }
            return over;
        });
        expired.values().removeIf(at -> at.plus(settings.sessionMax()).isBefore(now));
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
