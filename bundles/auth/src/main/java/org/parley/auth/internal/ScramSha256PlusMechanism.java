package org.parley.auth.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslMechanism;
import org.parley.api.auth.SaslNegotiation;

/** SCRAM-SHA-256-PLUS (RFC 7677, RFC 5929 tls-server-end-point): offered when the connection has channel binding. */
@Component(service = SaslMechanism.class, enabled = false, // StoreSwitch: the keys are the store's
        property = "service.ranking:Integer=" + Mechanism.RANK_SCRAM_SHA_256_PLUS)
public final class ScramSha256PlusMechanism extends RegisteredMechanism {
    @Activate
    public ScramSha256PlusMechanism(@Reference AuthCore core) {
        super(Mechanism.SCRAM_SHA_256_PLUS, core);
    }

    @Override
    SaslNegotiation negotiation(SaslContext context) {
        return new ScramNegotiation(Mechanism.SCRAM_SHA_256_PLUS, context, core, core.serverNonces());
    }
}
