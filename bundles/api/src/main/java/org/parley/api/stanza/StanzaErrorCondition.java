package org.parley.api.stanza;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** RFC 6120 section 8.3.3 stanza error conditions, each with the type the RFC recommends. */
public enum StanzaErrorCondition {
    BAD_REQUEST(StanzaErrorType.MODIFY),
    CONFLICT(StanzaErrorType.CANCEL),
    FEATURE_NOT_IMPLEMENTED(StanzaErrorType.CANCEL),
    FORBIDDEN(StanzaErrorType.AUTH),
    GONE(StanzaErrorType.CANCEL),
    INTERNAL_SERVER_ERROR(StanzaErrorType.CANCEL),
    ITEM_NOT_FOUND(StanzaErrorType.CANCEL),
    JID_MALFORMED(StanzaErrorType.MODIFY),
    NOT_ACCEPTABLE(StanzaErrorType.MODIFY),
    NOT_ALLOWED(StanzaErrorType.CANCEL),
    NOT_AUTHORIZED(StanzaErrorType.AUTH),
    POLICY_VIOLATION(StanzaErrorType.MODIFY),
    RECIPIENT_UNAVAILABLE(StanzaErrorType.WAIT),
    REDIRECT(StanzaErrorType.MODIFY),
    REGISTRATION_REQUIRED(StanzaErrorType.AUTH),
    REMOTE_SERVER_NOT_FOUND(StanzaErrorType.CANCEL),
    REMOTE_SERVER_TIMEOUT(StanzaErrorType.WAIT),
    RESOURCE_CONSTRAINT(StanzaErrorType.WAIT),
    SERVICE_UNAVAILABLE(StanzaErrorType.CANCEL),
    SUBSCRIPTION_REQUIRED(StanzaErrorType.AUTH),
    UNDEFINED_CONDITION(StanzaErrorType.CANCEL),
    UNEXPECTED_REQUEST(StanzaErrorType.WAIT);

    private static final Map<String, StanzaErrorCondition> BY_XML_NAME = new HashMap<>();

    static {
        for (StanzaErrorCondition c : values()) {
            BY_XML_NAME.put(c.xmlName, c);
        }
    }

    private final StanzaErrorType defaultType;
    private final String xmlName;

    StanzaErrorCondition(StanzaErrorType defaultType) {
        this.defaultType = defaultType;
        this.xmlName = name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public StanzaErrorType defaultType() {
        return defaultType;
    }

    /** The element name, e.g. {@code service-unavailable}. */
    public String xmlName() {
        return xmlName;
    }

    /** The condition for an element name, or null. */
    public static StanzaErrorCondition fromXmlName(String name) {
        return BY_XML_NAME.get(name);
    }
}
