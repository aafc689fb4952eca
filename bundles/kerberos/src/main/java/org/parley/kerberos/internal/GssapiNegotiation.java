package org.parley.kerberos.internal;

import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.AuthorizeCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.parley.api.auth.AuthenticatedIdentity;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;
import org.parley.api.server.WorkRejectedException;
import org.parley.api.server.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One GSSAPI exchange (RFC 4752): the client's Kerberos AP-REQ, the server's mutual-authentication
 * token, then the security-layer round in which the client names its authorization identity. The
 * JDK's SASL server does the protocol; this class runs it on the worker pool (accepting a context
 * decrypts the ticket with the keytab's key, read from disk), explains refusals in words a user can
 * act on, and maps the proven principal to an account.
 *
 * <p>Every refusal is {@code not-authorized} with a text, except a server-side problem (keytab
 * gone, pool full) which is {@code temporary-auth-failure}: the stream stays open either way and the
 * client may try another mechanism.
 */
final class GssapiNegotiation implements SaslNegotiation {
    private static final Logger LOG = LoggerFactory.getLogger(GssapiNegotiation.class);
    /**
     * Authentication only: every XMPP connection here is inside TLS, and a SASL security layer
     * under it would wrap each stanza a second time for nothing.
     */
    private static final Map<String, String> PROPERTIES = Map.of(Sasl.QOP, "auth");

    /** What the mechanism component gives each exchange: the configuration and keytab in use when it started. */
    interface Acceptor {
        KerberosSettings settings();

        ServiceKeytab keytab();

        WorkerPool workers();

        /** Called when accepting failed in a way that points at the keytab rather than the client. */
        void keytabFailed(String reason);
    }

    private final Acceptor acceptor;
    private final SaslContext context;
    /** Whether an account exists (any directory says so); completes on any thread. */
    private final Function<String, CompletionStage<Boolean>> accounts;
    /** Whether an account is disabled by the operator (api auth 2.2); completes on any thread. */
    private final Function<String, CompletionStage<Boolean>> disabled;
    private SaslServer server;
    private boolean emptyChallengeSent;
    private boolean done;
    /** Set by the SASL server's authorize callback, on the pool thread that runs the last step. */
    private volatile String principal;
    private volatile String authzid;

    GssapiNegotiation(Acceptor acceptor, SaslContext context, Function<String, CompletionStage<Boolean>> accounts) {
        this(acceptor, context, accounts, localpart -> CompletableFuture.completedFuture(false));
    }

    GssapiNegotiation(Acceptor acceptor, SaslContext context, Function<String, CompletionStage<Boolean>> accounts,
            Function<String, CompletionStage<Boolean>> disabled) {
        this.acceptor = acceptor;
        this.context = context;
        this.accounts = accounts;
        this.disabled = disabled;
    }

    @Override
    public CompletionStage<SaslStep> evaluate(byte[] response) {
        if (done) {
            return failure(SaslFailure.MALFORMED_REQUEST, "the exchange is over");
        }
        if (server == null && response.length == 0) {
            if (!emptyChallengeSent) {
                // <auth/> without initial response: RFC 6120 6.4.2, ask for it with an empty challenge.
                emptyChallengeSent = true;
                return CompletableFuture.completedFuture(new SaslStep.Challenge(new byte[0]));
            }
            return finished(SaslFailure.NOT_AUTHORIZED, "no Kerberos ticket: the client sent no GSSAPI token "
                    + "(sign in to Kerberos first, e.g. with kinit)");
        }
        byte[] token = response.clone();
        CompletionStage<Object> step;
        try {
            step = acceptor.workers().submit(() -> step(token));
        } catch (RuntimeException e) {
            step = CompletableFuture.failedFuture(e);
        }
        return step.thenCompose(result -> {
            if (result instanceof byte[] challenge) {
                return CompletableFuture.<SaslStep>completedFuture(new SaslStep.Challenge(challenge));
            }
            if (result instanceof SaslStep.Failure refused) {
                return CompletableFuture.<SaslStep>completedFuture(refused);
            }
            return authenticated();
        }).exceptionally(this::unexpected);
    }

    /**
     * Runs one step of the JDK's SASL server as the service, on a pool thread: a byte[] challenge,
     * a {@link SaslStep.Failure} when the token is refused, or this when the exchange is complete.
     */
    private Object step(byte[] token) {
        try {
            return acceptStep(token);
        } catch (SaslException e) {
            done = true;
            dispose();
            return refusal(e);
        }
    }

    private Object acceptStep(byte[] token) throws SaslException {
        Subject service = acceptor.keytab().subject();
        if (server == null) {
            // serverName null: the acceptor takes the principal of the keytab in the Subject, so the
            // JDK needs no default realm (no krb5.conf) to build the name from a host.
            server = as(service, () -> Sasl.createSaslServer("GSSAPI", "xmpp", null, PROPERTIES, this::authorize));
            if (server == null) {
                throw new IllegalStateException("the JVM has no GSSAPI SASL server (module java.security.sasl)");
            }
        }
        byte[] challenge = as(service, () -> server.evaluateResponse(token));
        if (!server.isComplete()) {
            return challenge == null ? new byte[0] : challenge;
        }
        return this;
    }

    private static <T> T as(Subject subject, PrivilegedExceptionAction<T> action) throws SaslException {
        try {
            return Subject.doAs(subject, action);
        } catch (PrivilegedActionException e) {
            if (e.getException() instanceof SaslException s) {
                throw s;
            }
            throw new SaslException(e.getException().toString(), e.getException());
        }
    }

    /**
     * The JDK's server asks whether the authenticated principal may act as the authorization
     * identity the client sent (the principal itself when it sent none). The answer is given after
     * the exchange, once the principal is mapped to an account: so yes here, and remembered.
     */
    private void authorize(Callback[] callbacks) throws UnsupportedCallbackException {
        for (Callback cb : callbacks) {
            if (cb instanceof AuthorizeCallback a) {
                principal = a.getAuthenticationID();
                authzid = a.getAuthorizationID();
                a.setAuthorized(true);
            } else {
                throw new UnsupportedCallbackException(cb);
            }
        }
    }

    /** The GSSAPI exchange succeeded: whether this principal is an account here. */
    private CompletionStage<SaslStep> authenticated() {
        done = true;
        dispose();
        String who = principal;
        KerberosSettings settings = acceptor.settings();
        if (who == null) {
            throw new IllegalStateException("the GSSAPI exchange completed without naming the principal");
        }
        String realm = KerberosSettings.realmOf(who);
        if (!settings.realmAllowed(realm)) {
            LOG.info("GSSAPI: {} refused: realm {} is not in 'realms' {}", who, realm, settings.realms());
            return failure(SaslFailure.NOT_AUTHORIZED, "Kerberos realm " + realm + " is not accepted by this server");
        }
        // A mapper of another bundle (a directory that knows the principal) first; else the rule here.
        return context.mapIdentity(new AuthenticatedIdentity(AuthenticatedIdentity.Kind.KERBEROS_PRINCIPAL, who, List.of()))
                .thenCompose(mapped -> {
                    Optional<String> account = mapped.isPresent() ? mapped : settings.localpart(who);
                    if (account.isEmpty()) {
                        LOG.info("GSSAPI: {} refused: no account for it ('principalPattern' {})", who,
                                settings.principalPattern());
                        return failure(SaslFailure.NOT_AUTHORIZED, "Kerberos principal " + who + " has no account here");
                    }
                    String localpart = account.get();
                    if (!authzidAllowed(authzid, who, localpart)) {
                        return failure(SaslFailure.INVALID_AUTHZID, "Kerberos principal " + who + " may not act as " + authzid);
                    }
                    if (!settings.requireAccount()) {
                        return success(localpart);
                    }
                    return accounts.apply(localpart).thenCompose(exists -> {
                        if (!exists) {
                            LOG.info("GSSAPI: {} refused: account {} does not exist ('requireAccount')", who, localpart);
                            return failure(SaslFailure.NOT_AUTHORIZED, "Kerberos principal " + who + " has no account here");
                        }
                        return success(localpart);
                    });
                });
    }

    /** No authorization identity, the principal itself, or the bare JID of the account it maps to (RFC 6120 6.3.8). */
    private boolean authzidAllowed(String requested, String who, String localpart) {
        if (requested == null || requested.isEmpty() || requested.equals(who)) {
            return true;
        }
        int at = requested.lastIndexOf('@');
        if (at <= 0 || requested.indexOf('/') >= 0) {
            return false;
        }
        Optional<String> local = KerberosSettings.prepared(requested.substring(0, at));
        String domain = requested.substring(at + 1);
        return local.isPresent() && local.get().equals(localpart) && domain.equalsIgnoreCase(context.domain().toString());
    }

    /**
     * The ticket is good and names an account: unless the operator disabled it. The auth bundle
     * checks its own mechanisms; a mechanism of another bundle must check for itself. When it
     * cannot be told, nobody is let in.
     */
    private CompletionStage<SaslStep> success(String localpart) {
        return disabled.apply(localpart).handle((isDisabled, error) -> {
            if (error != null) {
                LOG.warn("GSSAPI: whether {} is disabled could not be read ({}); refused for now", localpart, error.toString());
                return new SaslStep.Failure(SaslFailure.TEMPORARY_AUTH_FAILURE, "the server cannot check your account now: try again later");
            }
            if (isDisabled) {
                LOG.info("GSSAPI: {} refused: the account {} is disabled", principal, localpart);
                return new SaslStep.Failure(SaslFailure.ACCOUNT_DISABLED, "your account is disabled");
            }
            LOG.debug("GSSAPI: {} signed in as {}", principal, localpart);
            return new SaslStep.Success(null, localpart);
        });
    }

    /** What went wrong, told to the client in words it can act on; the keytab is looked at when it may be the cause. */
    private SaslStep.Failure refusal(SaslException e) {
        GssRefusal r = GssRefusal.of(e);
        if (r.mayBeTheKeytab()) {
            Optional<String> problem = acceptor.keytab().problem();
            if (problem.isPresent()) {
                acceptor.keytabFailed(problem.get());
                return new SaslStep.Failure(SaslFailure.TEMPORARY_AUTH_FAILURE,
                        "the server cannot use its Kerberos key now: try another mechanism or later");
            }
        }
        LOG.info("GSSAPI from {} refused: {} ({})", context.remoteAddress(), r.text(), r.detail());
        return new SaslStep.Failure(SaslFailure.NOT_AUTHORIZED, r.text());
    }

    /** A failure that is no refusal of the client's token: the pool, or a bug; never an internal error to the client. */
    private SaslStep unexpected(Throwable error) {
        done = true;
        dispose();
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof WorkRejectedException) {
            return new SaslStep.Failure(SaslFailure.TEMPORARY_AUTH_FAILURE, "the server is busy: try again later");
        }
        LOG.error("GSSAPI from {} failed", context.remoteAddress(), cause);
        return new SaslStep.Failure(SaslFailure.TEMPORARY_AUTH_FAILURE, "Kerberos sign-in failed on the server: try again later");
    }

    private CompletionStage<SaslStep> finished(SaslFailure condition, String text) {
        done = true;
        dispose();
        return failure(condition, text);
    }

    private static CompletionStage<SaslStep> failure(SaslFailure condition, String text) {
        return CompletableFuture.completedFuture(new SaslStep.Failure(condition, text));
    }

    private void dispose() {
        SaslServer s = server;
        if (s != null) {
            try {
                s.dispose();
            } catch (SaslException e) {
                LOG.debug("GSSAPI: dispose failed", e);
            }
        }
    }
}
