package org.parley.auth.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.auth.PasswordAuthenticator;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslMechanism;
import org.parley.api.auth.SaslNegotiation;

/**
 * PLAIN (RFC 4616), offered only inside TLS and ranked last. The password is checked by the chain
 * of {@link PasswordAuthenticator}s that {@link AuthCore} keeps, so a directory bundle that adds an
 * authenticator takes part without this component restarting.
 */
@Component(service = SaslMechanism.class, property = "service.ranking:Integer=" + Mechanism.RANK_PLAIN)
public final class PlainMechanism extends RegisteredMechanism {
    @Activate
    public PlainMechanism(@Reference AuthCore core) {
        super(Mechanism.PLAIN, core);
    }

    @Override
    SaslNegotiation negotiation(SaslContext context) {
        return new PlainNegotiation(context, core::completeChain);
    }
}
