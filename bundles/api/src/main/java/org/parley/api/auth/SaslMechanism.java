package org.parley.api.auth;

/**
 * One SASL mechanism (RFC 4422), registered as a service. The session core offers every
 * registered mechanism whose {@link #isOffered} says yes on the connection, in order of
 * {@code service.ranking}, highest first (offer the strongest first: SCRAM-SHA-256-PLUS before
 * SCRAM-SHA-1, PLAIN last), and runs the one the client picks. Mechanisms come and go with their
 * bundles; an exchange already started finishes with the mechanism that started it.
 */
public interface SaslMechanism {
    /** The mechanism's registered name, e.g. {@code SCRAM-SHA-256}. Never changes for one service. */
    String name();

    /**
     * Whether to offer the mechanism on this connection now: PLAIN only inside TLS, -PLUS only
     * with channel binding, EXTERNAL only with a client certificate.
     */
    boolean isOffered(SaslContext context);

    /** Starts an exchange on a connection where the mechanism is offered. */
    SaslNegotiation start(SaslContext context);
}
