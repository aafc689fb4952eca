package org.parley.auth.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslMechanism;
import org.parley.api.auth.SaslNegotiation;

/** SCRAM-SHA-256 (RFC 7677): offered on every connection. */
@Component(service = SaslMechanism.class, enabled = false, // StoreSwitch: the keys are the store's
        property = "service.ranking:Integer=" + Mechanism.RANK_SCRAM_SHA_256)
public final class ScramSha256Mechanism extends RegisteredMechanism {
    @Activate
    public ScramSha256Mechanism(@Reference AuthCore core) {
        super(Mechanism.SCRAM_SHA_256, core);
    }

    @Override
    SaslNegotiation negotiation(SaslContext context) {
        return new ScramNegotiation(Mechanism.SCRAM_SHA_256, context, core, core.serverNonces());
    }
}
