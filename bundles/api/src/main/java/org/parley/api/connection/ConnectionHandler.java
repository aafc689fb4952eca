package org.parley.api.connection;

/**
 * The service (implemented by the session core) that takes client connections from the
 * transport. The transport binds it dynamically: when the session core is upgraded, its open
 * connections stay open (reading paused, received elements kept), and the successor continues
 * them through {@link #reattach}.
 */
public interface ConnectionHandler {
    /** A new connection was accepted; returns the handler of its stream events. */
    StreamHandler connected(ClientConnection connection);

    /**
     * A connection whose stream a previous handler (the session core's predecessor) was running:
     * continue it, with the state that predecessor handed over. Elements that arrived in between
     * are given to the returned handler next, in order, then reading resumes.
     *
     * @return the handler that continues the stream, or null when this handler cannot continue it
     *     (the transport then closes it with a system-shutdown stream error, and the client
     *     reconnects)
     * @since 1.1
     */
    default StreamHandler reattach(ClientConnection connection) {
        return null;
    }
}
