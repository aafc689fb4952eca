package org.parley.api.session;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;

/**
 * The session core's directory of bound sessions for feature bundles' unit tests (in the api's
 * test jar): the test binds and unbinds {@link TestSession}s, and the code under test looks them
 * up as it would in the server.
 */
public final class TestSessionRegistry implements SessionRegistry {
    private final List<Session> sessions = new CopyOnWriteArrayList<>();

    public TestSession bind(TestSession session) {
        sessions.add(session);
        return session;
    }

    public void unbind(Session session) {
        sessions.remove(session);
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
