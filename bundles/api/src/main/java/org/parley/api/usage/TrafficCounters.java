package org.parley.api.usage;

import org.osgi.annotation.versioning.ProviderType;
import org.parley.api.auth.SaslFailure;
import org.parley.api.stanza.Stanza;

/**
 * What the session core counted since the server started: totals that only grow (an upgrade of
 * the session core carries them to its successor; a restart of the server starts them at zero).
 * Registered by the session core. Reading is cheap and never blocks; the counts are read without
 * a lock, so two of them read together may be a few stanzas apart.
 */
@ProviderType
public interface TrafficCounters {
    /** Stanzas of this kind that clients of this node sent (what the server received from them). */
    long stanzasReceived(Stanza.Kind kind);

    /** Successful SASL authentications. */
    long logins();

    /** SASL exchanges that ended in this failure (an abort by the client is not counted). */
    long failedLogins(SaslFailure condition);

    /**
     * How many times a stanza waited for a service being replaced live instead of being refused:
     * a client's stanza held while routing was upgraded, or one routing held for an iq handler,
     * interceptor, component, the session directory or the undeliverable-message hook (see
     * {@link org.parley.api.routing.StanzaRouter#stanzasHeld()}). The admin console reports its
     * growth over an upgrade as the stanzas that upgrade held.
     *
     * @since 1.1
     */
    long stanzasHeld();

    /** Every failed SASL exchange, whatever its condition. */
    default long failedLogins() {
        long n = 0;
        for (SaslFailure condition : SaslFailure.values()) {
            n += failedLogins(condition);
        }
        return n;
    }
}
