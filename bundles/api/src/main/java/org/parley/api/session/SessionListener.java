package org.parley.api.session;

import org.parley.api.stanza.Stanza;

/**
 * Told of each session's lifecycle. Register it as a service (any number of them; the core binds
 * them dynamically). For one session the calls come in the order the events happened, on the
 * session's own processing thread, never on an I/O thread; they must not block (submit blocking
 * work to {@link org.parley.api.server.WorkerPool}). An exception is logged with the listener's
 * bundle and does not affect the session or other listeners.
 *
 * <p>A session lives from {@link #bound} to {@link #ended}. In between, its availability goes
 * {@link #available} → ({@link #presenceChanged})* → {@link #unavailable}, possibly several
 * times; its connection may be lost ({@link #detached}) and taken over by a new one
 * ({@link #resumed}) when the client uses stream management.
 *
 * <p>Events are not repeated to a listener that arrives late or to the successor of an upgraded
 * listener: read the current state from {@link SessionRegistry} when you start.
 */
public interface SessionListener {
    /** A resource was bound: the session exists and can be routed to. */
    default void bound(Session session) {
    }

    /** The session sent initial presence (available, no 'to'). */
    default void available(Session session, Stanza presence) {
    }

    /** An available session broadcast new presence (show, status, priority). */
    default void presenceChanged(Session session, Stanza presence) {
    }

    /**
     * The session became unavailable: it broadcast unavailable presence, or it ended while
     * available (then the presence is the one the server sent on its behalf).
     */
    default void unavailable(Session session, Stanza presence) {
    }

    /** The connection was lost and the session waits to be resumed (XEP-0198). */
    default void detached(Session session) {
    }

    /** A detached (or still connected) session was taken over by a new connection (XEP-0198). */
    default void resumed(Session session) {
    }

    /** The session ended; it is no longer bound. Last call for this session. */
    default void ended(Session session) {
    }
}
