package org.parley.api.stanza;

import java.util.Locale;

/** RFC 6120 section 4.9.3 stream error conditions. */
public enum StreamErrorCondition {
    BAD_FORMAT, BAD_NAMESPACE_PREFIX, CONFLICT, CONNECTION_TIMEOUT, HOST_GONE, HOST_UNKNOWN,
    IMPROPER_ADDRESSING, INTERNAL_SERVER_ERROR, INVALID_FROM, INVALID_NAMESPACE, INVALID_XML,
    NOT_AUTHORIZED, NOT_WELL_FORMED, POLICY_VIOLATION, REMOTE_CONNECTION_FAILED, RESET,
    RESOURCE_CONSTRAINT, RESTRICTED_XML, SEE_OTHER_HOST, SYSTEM_SHUTDOWN, UNDEFINED_CONDITION,
    UNSUPPORTED_ENCODING, UNSUPPORTED_FEATURE, UNSUPPORTED_STANZA_TYPE, UNSUPPORTED_VERSION;

    private final String xmlName = name().toLowerCase(Locale.ROOT).replace('_', '-');

    public String xmlName() {
        return xmlName;
    }

    /** The {@code <stream:error/>} element for this condition, with optional human-readable text. */
    public Element toElement(String text) {
        Element.Builder b = Element.builder("error", Namespaces.STREAM)
                .child(Element.empty(xmlName, Namespaces.STREAMS_ERROR));
        if (text != null && !text.isEmpty()) {
            b.child(Element.builder("text", Namespaces.STREAMS_ERROR).attribute("xml:lang", "en").text(text).build());
        }
        return b.build();
    }
}
