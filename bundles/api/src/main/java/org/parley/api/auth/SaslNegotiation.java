package org.parley.api.auth;

import java.util.concurrent.CompletionStage;

/** One SASL exchange on one connection. Not thread-safe: the session core calls it one step at a time. */
public interface SaslNegotiation {
    /**
     * Evaluates the client's response (the initial response with {@code <auth/>}, then each
     * {@code <response/>}). An absent initial response is an empty array. The stage may complete
     * on another thread; blocking work (storage, directory) is done off the caller's thread.
     */
    CompletionStage<SaslStep> evaluate(byte[] response);
}
