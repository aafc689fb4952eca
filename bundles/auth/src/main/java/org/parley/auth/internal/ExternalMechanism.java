package org.parley.auth.internal;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslMechanism;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;
import org.parley.api.auth.UserDirectory;
import org.parley.api.tls.TlsContextProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SASL EXTERNAL with a client certificate (XEP-0178), ranked above every other mechanism: a
 * client that presented a certificate the server trusts should use it. Offered only inside TLS
 * and only when the tls bundle finds the presented chain trusted now (issued by one of its
 * configured client CAs, valid, for client authentication), so a client whose certificate is
 * untrusted, expired or absent never sees it and signs in another way. Its failures count in the
 * same per-address slowdown as the password mechanisms, and a disabled account is refused.
 */
@Component(service = SaslMechanism.class, configurationPid = ExternalConfig.PID,
        property = "service.ranking:Integer=" + ExternalMechanism.RANKING)
@Designate(ocd = ExternalConfig.class)
public final class ExternalMechanism implements SaslMechanism {
    /** Above GSSAPI (600) and SCRAM-SHA-256-PLUS (500). */
    static final int RANKING = 700;
    private static final Logger LOG = LoggerFactory.getLogger(ExternalMechanism.class);

    private final AuthCore core;
    private final TlsContextProvider tls;
    private final List<UserDirectory> directories = new CopyOnWriteArrayList<>();
    private volatile ExternalSettings settings;

    @Activate
    public ExternalMechanism(@Reference AuthCore core, @Reference TlsContextProvider tls, ExternalConfig config,
            Map<String, Object> properties) {
        this.core = core;
        this.tls = tls;
        List<String> problems = new ArrayList<>();
        ExternalSettings s = ExternalSettings.from(config, properties, problems);
        if (s == null) {
            // Nothing to keep at start: offer nothing rather than guess who a certificate names.
            problems.forEach(p -> LOG.error("{}: {}; EXTERNAL is not offered until it is fixed", ExternalConfig.PID, p));
            s = new ExternalSettings(false, ExternalSettings.DEFAULTS.sources(), ExternalSettings.DEFAULTS.emailDomains());
        }
        this.settings = s;
    }

    @Modified
    void modified(ExternalConfig config, Map<String, Object> properties) {
        List<String> problems = new ArrayList<>();
        ExternalSettings s = ExternalSettings.from(config, properties, problems);
        if (s == null) {
            problems.forEach(p -> LOG.error("{}: {}; keeping the previous configuration", ExternalConfig.PID, p));
            return;
        }
        settings = s;
        LOG.info("SASL EXTERNAL {}: identities {}, mail domains {}", s.enabled() ? "enabled" : "disabled", s.sources(),
                s.emailDomains());
    }

    @Reference(service = UserDirectory.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeDirectory")
    void addDirectory(UserDirectory directory) {
        directories.add(directory);
    }

    void removeDirectory(UserDirectory directory) {
        directories.remove(directory);
    }

    ExternalSettings settings() {
        return settings;
    }

    @Override
    public String name() {
        return "EXTERNAL";
    }

    @Override
    public boolean isOffered(SaslContext context) {
        return settings.enabled() && context.isSecure() && problem(context.peerCertificates()).isEmpty();
    }

    private Optional<String> problem(List<X509Certificate> chain) {
        return chain.isEmpty() ? Optional.of("no client certificate was presented") : tls.clientCertificateProblem(chain);
    }

    @Override
    public SaslNegotiation start(SaslContext context) {
        ExternalSettings s = settings;
        List<X509Certificate> chain = context.peerCertificates();
        if (!s.enabled() || !context.isSecure() || chain.isEmpty()) {
            return refusing(SaslFailure.INVALID_MECHANISM, "EXTERNAL is not offered on this connection");
        }
        // Checked again: the certificate may have expired, or the CA been removed, since the offer.
        Optional<String> problem = problem(chain);
        if (problem.isPresent()) {
            LOG.info("SASL EXTERNAL refused for {}: {}", context.remoteAddress(), problem.get());
            return core.throttled(refusing(SaslFailure.NOT_AUTHORIZED, problem.get()), context);
        }
        // The directories as they are now: DS empties the list when this component is deactivated
        // (its bundle upgraded), and an exchange under way must still find its user's account.
        List<UserDirectory> now = List.copyOf(directories);
        return core.throttled(core.checked(new ExternalNegotiation(context, chain, s, l -> exists(now, 0, l))), context);
    }

    /** An account exists when any directory says so; one that cannot tell counts as yes (the UserDirectory contract). */
    static CompletionStage<Boolean> exists(List<UserDirectory> list, int i, String localpart) {
        if (i >= list.size()) {
            return CompletableFuture.completedFuture(false);
        }
        CompletionStage<Boolean> answer;
        try {
            answer = list.get(i).exists(localpart);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((yes, error) -> error != null || Boolean.TRUE.equals(yes))
                .thenCompose(yes -> yes ? CompletableFuture.completedFuture(true) : exists(list, i + 1, localpart));
    }

    private static SaslNegotiation refusing(SaslFailure condition, String text) {
        SaslStep refused = new SaslStep.Failure(condition, text);
        return response -> CompletableFuture.completedFuture(refused);
    }
}
