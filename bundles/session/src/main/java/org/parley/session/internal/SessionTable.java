package org.parley.session.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.parley.api.session.Session;
import org.parley.api.session.SessionRegistry;

/**
 * The bound sessions, by account. Each account maps to a small immutable list replaced
 * atomically, so lookups on the routing path take no lock and allocate nothing.
 */
final class SessionTable implements SessionRegistry {
    private final ConcurrentHashMap<EntityBareJid, List<Session>> byAccount = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();

    /**
     * Binds a session; a session already bound to the same full JID is returned so the caller can
     * close it (RFC 6120 section 7.7.2.2: the new session wins).
     */
    Session bind(Session session) {
        Session[] replaced = new Session[1];
        byAccount.compute(session.bareJid(), (user, current) -> {
            if (current == null) {
                return List.of(session);
            }
            List<Session> next = new ArrayList<>(current.size() + 1);
            for (Session s : current) {
                if (s.jid().equals(session.jid())) {
                    replaced[0] = s;
                } else {
                    next.add(s);
                }
            }
            next.add(session);
            return List.copyOf(next);
        });
        if (replaced[0] == null) {
            count.incrementAndGet();
        }
        return replaced[0];
    }

    /** Removes exactly this session (not a newer one bound to the same JID); true if it was bound. */
    boolean unbind(Session session) {
        boolean[] removed = new boolean[1];
        byAccount.computeIfPresent(session.bareJid(), (user, current) -> {
            List<Session> next = new ArrayList<>(current.size());
            for (Session s : current) {
                if (s == session) {
                    removed[0] = true;
                } else {
                    next.add(s);
                }
            }
            return next.isEmpty() ? null : List.copyOf(next);
        });
        if (removed[0]) {
            count.decrementAndGet();
        }
        return removed[0];
    }

    @Override
    public Session session(EntityFullJid jid) {
        List<Session> sessions = byAccount.get(jid.asEntityBareJid());
        if (sessions != null) {
            for (int i = 0, n = sessions.size(); i < n; i++) {
                Session s = sessions.get(i);
                if (s.jid().equals(jid)) {
                    return s;
                }
            }
        }
        return null;
    }

    @Override
    public List<Session> sessions(EntityBareJid user) {
        List<Session> sessions = byAccount.get(user);
        return sessions == null ? List.of() : sessions;
    }

    @Override
    public Collection<Session> all() {
        List<Session> all = new ArrayList<>(count.get());
        for (List<Session> sessions : byAccount.values()) {
            all.addAll(sessions);
        }
        return all;
    }

    @Override
    public int count() {
        return count.get();
    }
}
