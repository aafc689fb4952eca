package org.parley.routing.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.parley.api.session.Session;
import org.parley.api.session.SessionRegistry;

/** The session directory routing delivers through, holding fake sessions. */
final class FakeRegistry implements SessionRegistry {
    private final Map<EntityFullJid, Session> sessions = new ConcurrentHashMap<>();

    FakeSession bind(String jid, boolean available, int priority) {
        FakeSession s = new FakeSession(jid, available, priority);
        sessions.put(s.jid(), s);
        return s;
    }

    @Override
    public Session session(EntityFullJid jid) {
        return sessions.get(jid);
    }

    @Override
    public List<Session> sessions(EntityBareJid user) {
        List<Session> result = new ArrayList<>();
        for (Session s : sessions.values()) {
            if (s.bareJid().equals(user)) {
                result.add(s);
            }
        }
        return List.copyOf(result);
    }

    @Override
    public Collection<Session> all() {
        return List.copyOf(sessions.values());
    }

    @Override
    public int count() {
        return sessions.size();
    }
}
