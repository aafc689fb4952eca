package org.parley.api.stanza;

import java.util.Locale;

/** RFC 6120 section 8.3.2 error types. */
public enum StanzaErrorType {
    AUTH, CANCEL, CONTINUE, MODIFY, WAIT;

    public String xmlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
