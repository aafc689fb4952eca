package org.parley.api.auth;

import java.util.Locale;

/** RFC 6120 section 6.5 SASL failure conditions. */
public enum SaslFailure {
    ABORTED, ACCOUNT_DISABLED, CREDENTIALS_EXPIRED, ENCRYPTION_REQUIRED, INCORRECT_ENCODING,
    INVALID_AUTHZID, INVALID_MECHANISM, MALFORMED_REQUEST, MECHANISM_TOO_WEAK, NOT_AUTHORIZED,
    TEMPORARY_AUTH_FAILURE;

    private final String xmlName = name().toLowerCase(Locale.ROOT).replace('_', '-');

    public String xmlName() {
        return xmlName;
    }
}
