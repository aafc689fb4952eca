package org.parley.session.internal;

import java.util.function.BiConsumer;
import org.parley.api.session.Session;
import org.parley.api.session.SessionListener;
import org.parley.concurrent.RankedList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the registered {@link SessionListener}s of session events. Called on the session's own
 * processing thread, in event order; a listener that throws is logged with its bundle and the
 * others are still told.
 */
final class Lifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    /** A listener and the bundle that registered it, for the log. */
    record Entry(SessionListener listener, String bundle) {
    }

    private final RankedList<Entry> listeners = new RankedList<>();

    void add(SessionListener listener, String bundle, int ranking, long serviceId) {
        listeners.add(new Entry(listener, bundle), ranking, serviceId);
    }

    void remove(SessionListener listener) {
        listeners.removeIf(e -> e.listener() == listener);
    }

    void bound(Session s) {
        tell("bound", s, (l, x) -> l.bound(x));
    }

    void available(Session s, org.parley.api.stanza.Stanza presence) {
        tell("available", s, (l, x) -> l.available(x, presence));
    }

    void presenceChanged(Session s, org.parley.api.stanza.Stanza presence) {
        tell("presenceChanged", s, (l, x) -> l.presenceChanged(x, presence));
    }

    void unavailable(Session s, org.parley.api.stanza.Stanza presence) {
        tell("unavailable", s, (l, x) -> l.unavailable(x, presence));
    }

    void detached(Session s) {
        tell("detached", s, (l, x) -> l.detached(x));
    }

    void resumed(Session s) {
        tell("resumed", s, (l, x) -> l.resumed(x));
    }

    void ended(Session s) {
        tell("ended", s, (l, x) -> l.ended(x));
    }

    private void tell(String event, Session session, BiConsumer<SessionListener, Session> call) {
        for (Entry e : listeners.values()) {
            try {
                call.accept(e.listener(), session);
            } catch (RuntimeException ex) {
                LOG.error("Session listener {} of bundle {} failed on {} of {}", e.listener().getClass().getName(), e.bundle(),
                        event, session.jid(), ex);
            }
        }
    }
}
