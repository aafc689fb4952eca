package org.parley.auth.internal;

import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslStep;

/** Ends an exchange early with a SASL failure condition; thrown by parsing and checks, never escapes a negotiation. */
final class SaslFailureException extends Exception {
    private static final long serialVersionUID = 1L;

    private final SaslFailure condition;

    SaslFailureException(SaslFailure condition, String text) {
        super(text, null, false, false); // control flow: no stack trace needed
        this.condition = condition;
    }

    SaslStep.Failure toStep() {
        return new SaslStep.Failure(condition, getMessage());
    }
}
