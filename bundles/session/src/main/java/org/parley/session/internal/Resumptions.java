package org.parley.session.internal;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions a client may resume (XEP-0198), by their resumption id. An id is 128 random bits:
 * it is the only thing a client presents besides its credentials, so it must not be guessable,
 * and a client of another account that guesses one is refused anyway.
 */
final class Resumptions {
    private final SecureRandom random = new SecureRandom();
    private final Map<String, ClientSession> byId = new ConcurrentHashMap<>();

    /** A fresh id, registered for the session. */
    String register(ClientSession session) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        byId.put(id, session);
        return id;
    }

    /** Registers a session under an id it already had (state handed over by a predecessor). */
    void restore(String id, ClientSession session) {
        byId.put(id, session);
    }

    ClientSession find(String id) {
        return id == null ? null : byId.get(id);
    }

    void remove(String id, ClientSession session) {
        if (id != null) {
            byId.remove(id, session);
        }
    }

    Collection<ClientSession> all() {
        return byId.values();
    }
}
