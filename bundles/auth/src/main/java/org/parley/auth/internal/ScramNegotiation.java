package org.parley.auth.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;
import org.parley.api.storage.ScramCredential;
import org.parley.api.storage.ScramHash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SCRAM exchange (RFC 5802, RFC 7677), with channel binding for the -PLUS variants (RFC 5929
 * tls-server-end-point): client-first → server-first challenge, client-final → success carrying
 * the server signature, or a failure.
 */
final class ScramNegotiation implements SaslNegotiation, AttemptedAccount {
    private static final Logger LOG = LoggerFactory.getLogger(ScramNegotiation.class);

    private enum State { FIRST, FINAL, DONE }

    private final Mechanism mechanism;
    private final ScramHash hash;
    private final SaslContext context;
    private final ScramCredentials credentials;
    private final Supplier<String> serverNonces;
    /** The tls-server-end-point data of this connection; present exactly when -PLUS is offered. */
    private final Optional<byte[]> channelBinding;

    // Written by one step, read by the next: the router calls evaluate only after the previous
    // stage completed, possibly on another thread, hence volatile.
    private volatile State state = State.FIRST;
    private volatile boolean emptyChallengeSent;
    private volatile ScramMessages.ClientFirst clientFirst;
    private volatile String username;
    private volatile String serverFirst;
    private volatile String nonce;
    private volatile ScramCredentials.Lookup lookup;

    ScramNegotiation(Mechanism mechanism, SaslContext context, ScramCredentials credentials,
            Supplier<String> serverNonces) {
        this.mechanism = mechanism;
        this.hash = mechanism.hash();
        this.context = context;
        this.credentials = credentials;
        this.serverNonces = serverNonces;
        this.channelBinding = context.channelBinding(Mechanism.CHANNEL_BINDING);
    }

    @Override
    public CompletionStage<SaslStep> evaluate(byte[] response) {
        try {
            return switch (state) {
                case FIRST -> first(response);
                case FINAL -> CompletableFuture.completedFuture(fin(response));
                case DONE -> throw new SaslFailureException(SaslFailure.MALFORMED_REQUEST, "the exchange is over");
            };
        } catch (SaslFailureException e) {
            state = State.DONE;
            return CompletableFuture.completedFuture(e.toStep());
        }
    }

    private CompletionStage<SaslStep> first(byte[] response) throws SaslFailureException {
        if (response.length == 0) {
            // <auth/> without initial response: RFC 6120 6.4.2, ask for it with an empty challenge.
            if (emptyChallengeSent) {
                throw new SaslFailureException(SaslFailure.MALFORMED_REQUEST, "empty response");
            }
            emptyChallengeSent = true;
            return CompletableFuture.completedFuture(new SaslStep.Challenge(new byte[0]));
        }
        ScramMessages.ClientFirst first = ScramMessages.clientFirst(SaslText.utf8(response));
        checkChannelBindingFlag(first);
        String prepared;
        try {
            prepared = Precis.username(first.username());
        } catch (IllegalArgumentException e) {
            prepared = null; // cannot be an account: run on with a fake credential, fail at the end
        }
        if (prepared != null) {
            Authzid.check(first.authzid(), prepared, context);
        }
        clientFirst = first;
        username = prepared;
        return credentials.lookup(prepared, first.username(), hash).handle((found, error) -> {
            if (error != null) {
                state = State.DONE;
                LOG.warn("{}: credential lookup failed: {}", mechanism.saslName(), error.toString());
                return new SaslStep.Failure(SaslFailure.TEMPORARY_AUTH_FAILURE, "try again later");
            }
            lookup = found;
            ScramCredential c = found.credential();
            nonce = first.nonce() + serverNonces.get();
            serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(c.salt()) + ",i=" + c.iterations();
            state = State.FINAL;
            return new SaslStep.Challenge(serverFirst.getBytes(StandardCharsets.UTF_8));
        });
    }

    /**
     * RFC 5802 section 6 and 7: "p" needs a -PLUS mechanism and the type we bind with; a -PLUS
     * mechanism needs "p"; "y" means the client would have bound but believed we could not,
     * which is a downgrade when we offered -PLUS on this connection.
     */
    private void checkChannelBindingFlag(ScramMessages.ClientFirst first) throws SaslFailureException {
        switch (first.cbindFlag()) {
            case 'p' -> {
                if (!mechanism.plus()) {
                    throw new SaslFailureException(SaslFailure.MALFORMED_REQUEST,
                            "channel binding requires a -PLUS mechanism");
                }
                if (!Mechanism.CHANNEL_BINDING.equals(first.cbindName())) {
                    throw new SaslFailureException(SaslFailure.NOT_AUTHORIZED,
                            "unsupported channel-binding type " + first.cbindName());
                }
            }
            case 'y' -> {
                if (mechanism.plus()) {
                    throw new SaslFailureException(SaslFailure.MALFORMED_REQUEST, "-PLUS requires channel binding");
                }
                if (channelBinding.isPresent()) {
                    throw new SaslFailureException(SaslFailure.NOT_AUTHORIZED,
                            "the server supports channel binding (possible downgrade attack)");
                }
            }
            default -> { // 'n': the client does not bind
                if (mechanism.plus()) {
                    throw new SaslFailureException(SaslFailure.MALFORMED_REQUEST, "-PLUS requires channel binding");
                }
            }
        }
    }

    private SaslStep fin(byte[] response) throws SaslFailureException {
        state = State.DONE;
        ScramMessages.ClientFinal fin = ScramMessages.clientFinal(SaslText.utf8(response));
        ScramMessages.ClientFirst first = clientFirst;

        // c= repeats the GS2 header, followed by the channel-binding data when the flag was "p".
        byte[] header = first.gs2Header().getBytes(StandardCharsets.UTF_8);
        byte[] expected = header;
        if (first.cbindFlag() == 'p') {
            byte[] data = channelBinding.orElseThrow();
            expected = new byte[header.length + data.length];
            System.arraycopy(header, 0, expected, 0, header.length);
            System.arraycopy(data, 0, expected, header.length, data.length);
        }
        if (!MessageDigest.isEqual(expected, fin.channelBinding())) {
            throw new SaslFailureException(SaslFailure.NOT_AUTHORIZED, "channel bindings do not match");
        }
        if (!fin.nonce().equals(nonce)) {
            throw new SaslFailureException(SaslFailure.NOT_AUTHORIZED, "nonce mismatch");
        }
        if (fin.proof().length != hash.length()) {
            throw new SaslFailureException(SaslFailure.MALFORMED_REQUEST, "client proof has the wrong length");
        }

        // RFC 5802 section 3: ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); H(ClientKey) must be StoredKey.
        ScramCredential credential = lookup.credential();
        byte[] authMessage = (first.bare() + "," + serverFirst + "," + fin.withoutProof())
                .getBytes(StandardCharsets.UTF_8);
        byte[] clientSignature = Scram.hmac(hash, credential.storedKey(), authMessage);
        byte[] clientKey = Scram.xor(fin.proof(), clientSignature);
        boolean proofMatches = MessageDigest.isEqual(Scram.digest(hash, clientKey), credential.storedKey());
        if (!proofMatches || !lookup.known()) {
            throw new SaslFailureException(SaslFailure.NOT_AUTHORIZED, "authentication failed");
        }
        byte[] serverSignature = Scram.hmac(hash, credential.serverKey(), authMessage);
        String serverFinal = "v=" + Base64.getEncoder().encodeToString(serverSignature);
        return new SaslStep.Success(serverFinal.getBytes(StandardCharsets.UTF_8), username);
    }

    @Override
    public String attemptedAccount() {
        return username;
    }
}
