package org.parley.api.connection;

/** The service (implemented by the router) that takes new client connections from the transport. */
public interface ConnectionHandler {
    /** A new connection was accepted; returns the handler of its stream events. */
    StreamHandler connected(ClientConnection connection);
}
