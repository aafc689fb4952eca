package org.parley.offline.internal;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.parley.api.session.Session;
import org.parley.api.session.SessionRegistry;
import org.parley.api.session.TestSession;

/** The sessions bound now, as the session core's registry reports them. */
final class FakeRegistry implements SessionRegistry {
    final List<Session> sessions = new CopyOnWriteArrayList<>();

    TestSession bind(TestSession s) {
        sessions.add(s);
        return s;
    }

    void unbind(Session s) {
        sessions.remove(s);
    }

    @Override
    public Session session(EntityFullJid jid) {
        return sessions.stream().filter(s -> s.jid().equals(jid)).findFirst().orElse(null);
    }

    @Override
    public List<Session> sessions(EntityBareJid user) {
        return sessions.stream().filter(s -> s.bareJid().equals(user)).toList();
    }

    @Override
    public Collection<Session> all() {
        return List.copyOf(sessions);
    }

    @Override
    public int count() {
        return sessions.size();
    }
}
