package org.parley.api.auth;

import java.util.List;

/** Offers and runs SASL mechanisms for client streams. */
public interface SaslService {
    /** The mechanisms to offer on this connection, best first (PLAIN only inside TLS). */
    List<String> mechanisms(SaslContext context);

    /** Starts an exchange, or returns null when the mechanism is not offered on this connection. */
    SaslNegotiation start(String mechanism, SaslContext context);
}
