package org.parley.auth.internal;

import java.net.IDN;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.parley.api.auth.AuthenticatedIdentity;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SASL EXTERNAL exchange (RFC 4422 appendix A) over a client certificate the tls bundle has
 * found trusted, with XEP-0178's rules: the certificate's names of the configured kinds give the
 * accounts it may stand for (or, when it has none, another bundle's identity mapper); with no
 * authorization identity exactly one of them must exist; an authorization identity must be one
 * of them.
 */
final class ExternalNegotiation implements SaslNegotiation {
    private static final Logger LOG = LoggerFactory.getLogger(ExternalNegotiation.class);

    private final SaslContext context;
    private final List<X509Certificate> chain;
    private final ExternalSettings settings;
    /** Whether an account exists (any UserDirectory); never blocks. */
    private final Function<String, CompletionStage<Boolean>> exists;
    private boolean done;

    ExternalNegotiation(SaslContext context, List<X509Certificate> chain, ExternalSettings settings,
            Function<String, CompletionStage<Boolean>> exists) {
        this.context = context;
        this.chain = chain;
        this.settings = settings;
        this.exists = exists;
    }

    @Override
    public CompletionStage<SaslStep> evaluate(byte[] response) {
        if (done) {
            return completed(new SaslStep.Failure(SaslFailure.MALFORMED_REQUEST, "EXTERNAL takes one message"));
        }
        done = true;
        String authzid;
        try {
            authzid = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(response)).toString();
        } catch (CharacterCodingException e) {
            return completed(new SaslStep.Failure(SaslFailure.MALFORMED_REQUEST, "the authzid is not UTF-8"));
        }
        X509Certificate leaf = chain.get(0);
        List<String> named;
        try {
            named = candidates(CertificateNames.of(leaf));
        } catch (IllegalArgumentException e) {
            return refuse(SaslFailure.NOT_AUTHORIZED, e.getMessage());
        }
        CompletionStage<List<String>> accounts = !named.isEmpty() ? completed(named)
                : context.mapIdentity(new AuthenticatedIdentity(AuthenticatedIdentity.Kind.X509_CERTIFICATE,
                        leaf.getSubjectX500Principal().getName(), chain))
                        .thenApply(mapped -> mapped.map(List::of).orElse(List.of()));
        return accounts.thenCompose(c -> decide(c, authzid)).exceptionally(e -> {
            LOG.warn("SASL EXTERNAL cannot map the certificate of {} now: {}", subject(), e.toString());
            return new SaslStep.Failure(SaslFailure.TEMPORARY_AUTH_FAILURE, "try again later");
        });
    }

    private CompletionStage<SaslStep> decide(List<String> named, String authzid) {
        if (!authzid.isEmpty()) {
            Optional<String> wanted = localpartOf(authzid);
            if (wanted.isEmpty() || !named.contains(wanted.get())) {
                return refuse(SaslFailure.INVALID_AUTHZID, "the certificate does not name " + authzid);
            }
            return exists.apply(wanted.get()).thenCompose(yes -> yes ? success(wanted.get())
                    : refuse(SaslFailure.NOT_AUTHORIZED, "there is no account " + authzid));
        }
        if (named.isEmpty()) {
            return refuse(SaslFailure.NOT_AUTHORIZED, "the certificate names no account of " + context.domain());
        }
        return existing(named, 0, new ArrayList<>()).thenCompose(found -> {
            if (found.isEmpty()) {
                return refuse(SaslFailure.NOT_AUTHORIZED, "the certificate names no account that exists here");
            }
            if (found.size() > 1) {
                return refuse(SaslFailure.NOT_AUTHORIZED, "the certificate names several accounts (" + found
                        + "): name the one you mean as the authorization identity");
            }
            return success(found.get(0));
        });
    }

    private CompletionStage<List<String>> existing(List<String> named, int i, List<String> found) {
        if (i >= named.size()) {
            return completed(found);
        }
        return exists.apply(named.get(i)).thenCompose(yes -> {
            if (yes) {
                found.add(named.get(i));
            }
            return existing(named, i + 1, found);
        });
    }

    /** The accounts the certificate's names of the first configured kind it has stand for, prepared. */
    List<String> candidates(CertificateNames names) {
        for (ExternalSettings.Source source : settings.sources()) {
            List<String> out = new ArrayList<>();
            switch (source) {
                case XMPP_ADDR -> names.xmppAddrs().forEach(a -> {
                    int slash = a.indexOf('/');
                    localpartOf(slash < 0 ? a : a.substring(0, slash)).filter(l -> !out.contains(l)).ifPresent(out::add);
                });
                case EMAIL -> names.emails().forEach(e -> mailLocalpart(e).filter(l -> !out.contains(l))
                        .ifPresent(out::add));
                case CN -> names.commonNames().forEach(cn -> prepared(cn).filter(l -> !out.contains(l))
                        .ifPresent(out::add));
            }
            if (!out.isEmpty()) {
                return out;
            }
        }
        return List.of();
    }

    /** The prepared localpart of a bare JID of the served domain. */
    private Optional<String> localpartOf(String jid) {
        int at = jid.indexOf('@');
        if (at <= 0 || jid.indexOf('/') >= 0 || !sameDomain(jid.substring(at + 1), context.domain().toString())) {
            return Optional.empty();
        }
        return prepared(jid.substring(0, at));
    }

    private Optional<String> mailLocalpart(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0) {
            return Optional.empty();
        }
        String domain = ascii(address.substring(at + 1));
        if (domain == null || !(domain.equals(ascii(context.domain().toString()))
                || settings.emailDomains().contains(domain))) {
            return Optional.empty();
        }
        return prepared(address.substring(0, at));
    }

    private static boolean sameDomain(String given, String served) {
        String a = ascii(given);
        return a != null && a.equals(ascii(served));
    }

    private static String ascii(String domain) {
        String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        try {
            return IDN.toASCII(d).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Optional<String> prepared(String localpart) {
        try {
            return Optional.of(Precis.username(localpart));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private CompletionStage<SaslStep> success(String username) {
        // Not yet "signed in": a disabled account is refused after this (AuthCore.checked).
        LOG.info("SASL EXTERNAL: certificate {} stands for account {}", subject(), username);
        return completed(new SaslStep.Success(null, username));
    }

    private CompletionStage<SaslStep> refuse(SaslFailure condition, String text) {
        LOG.info("SASL EXTERNAL refused for certificate {} from {}: {} ({})", subject(), context.remoteAddress(),
                text, condition.xmlName());
        return completed(new SaslStep.Failure(condition, text));
    }

    private String subject() {
        X509Certificate leaf = chain.get(0);
        return "'" + leaf.getSubjectX500Principal().getName() + "' serial " + leaf.getSerialNumber().toString(16);
    }

    private static <T> CompletionStage<T> completed(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
