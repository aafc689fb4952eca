package org.parley.muc.internal;

import java.util.Locale;

/** An occupant's role in the room while they are in it (XEP-0045 section 5.1). */
enum Role {
    MODERATOR, PARTICIPANT, VISITOR, NONE;

    String xmlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named in a stanza, or null for a name XEP-0045 does not define. */
    static Role fromXmlName(String name) {
        for (Role r : values()) {
            if (r.xmlName().equals(name)) {
                return r;
            }
        }
        return null;
    }
}
