package org.example.extending;

import java.util.concurrent.CompletableFuture;
import org.osgi.service.component.annotations.Component;
import org.parley.api.auth.AuthenticatedIdentity;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslMechanism;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;

// SASL EXTERNAL (XEP-0178): the client certificate proves who the user is; an IdentityMapper says
// which account that is. Offered only on a connection whose client presented a certificate.
@Component(property = "service.ranking:Integer=600")
public final class ExternalMechanism implements SaslMechanism {
    @Override
    public String name() {
        return "EXTERNAL";
    }

    @Override
    public boolean isOffered(SaslContext context) {
        return context.isSecure() && !context.peerCertificates().isEmpty();
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
