package org.parley.auth.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslMechanism;
import org.parley.api.auth.SaslNegotiation;

/** SCRAM-SHA-1 (RFC 5802): offered on every connection, for clients and imported accounts without SHA-256. */
@Component(service = SaslMechanism.class, enabled = false, // StoreSwitch: the keys are the store's
        property = "service.ranking:Integer=" + Mechanism.RANK_SCRAM_SHA_1)
public final class ScramSha1Mechanism extends RegisteredMechanism {
    @Activate
    public ScramSha1Mechanism(@Reference AuthCore core) {
        super(Mechanism.SCRAM_SHA_1, core);
    }

    @Override
    SaslNegotiation negotiation(SaslContext context) {
        return new ScramNegotiation(Mechanism.SCRAM_SHA_1, context, core, core.serverNonces());
    }
}
