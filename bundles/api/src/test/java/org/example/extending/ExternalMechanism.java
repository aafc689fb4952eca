package org.example.extending;

import java.util.concurrent.CompletableFuture;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.auth.AuthenticatedIdentity;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslMechanism;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;
import org.parley.api.tls.TlsContextProvider;

// SASL EXTERNAL (XEP-0178) in its simplest form: the client certificate proves who the user is; an
// IdentityMapper says which account that is. TLS asks for client certificates without requiring
// trusted ones, so the chain is checked with the tls bundle before the mechanism is offered.
// (Parley's auth bundle has a complete EXTERNAL; this shows the contracts.)
@Component(property = "service.ranking:Integer=650")
public final class ExternalMechanism implements SaslMechanism {
    private final TlsContextProvider tls;

    @Activate
    public ExternalMechanism(@Reference TlsContextProvider tls) {
        this.tls = tls;
    }

    @Override
    public String name() {
        return "EXTERNAL";
    }

    @Override
    public boolean isOffered(SaslContext context) {
        var chain = context.peerCertificates();
        return context.isSecure() && !chain.isEmpty() && tls.clientCertificateProblem(chain).isEmpty();
    }

    @Override
    public SaslNegotiation start(SaslContext context) {
        return response -> {
            var certificate = context.peerCertificates().get(0);
            var identity = new AuthenticatedIdentity(AuthenticatedIdentity.Kind.X509_CERTIFICATE,
                    certificate.getSubjectX500Principal().getName(), context.peerCertificates());
            return context.mapIdentity(identity).thenApply(user -> user.<SaslStep>map(u -> new SaslStep.Success(null, u))
                    .orElse(new SaslStep.Failure(SaslFailure.NOT_AUTHORIZED, null)));
        };
    }
}
