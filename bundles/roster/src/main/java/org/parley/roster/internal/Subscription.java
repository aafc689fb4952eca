package org.parley.roster.internal;

/** The subscription attribute of a roster item (RFC 6121 section 2.1.2.5): who sees whose presence. */
enum Subscription {
    /** Neither sees the other's presence. */
    NONE,
    /** The user sees the contact's presence. */
    TO,
    /** The contact sees the user's presence. */
    FROM,
    BOTH;

    static Subscription of(boolean to, boolean from) {
        return to ? (from ? BOTH : TO) : (from ? FROM : NONE);
    }

    boolean hasTo() {
        return this == TO || this == BOTH;
    }

    boolean hasFrom() {
        return this == FROM || this == BOTH;
    }

    Subscription withTo(boolean to) {
        return of(to, hasFrom());
    }

    Subscription withFrom(boolean from) {
        return of(hasTo(), from);
    }

    String xmlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The stored form; never renumber. */
    int code() {
        return ordinal();
    }

    static Subscription ofCode(int code) {
        return values()[code];
    }
}
