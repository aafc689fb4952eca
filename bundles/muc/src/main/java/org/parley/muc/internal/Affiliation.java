package org.parley.muc.internal;

import java.util.Locale;

/** A user's long-lived relation to a room, by bare JID (XEP-0045 section 5.2). */
enum Affiliation {
    OWNER, ADMIN, MEMBER, NONE, OUTCAST;

    String xmlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The affiliation named in a stanza, or null for a name XEP-0045 does not define. */
    static Affiliation fromXmlName(String name) {
        for (Affiliation a : values()) {
            if (a.xmlName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    /** The role an occupant gets on entering with this affiliation (section 5.1.2's defaults). */
    Role defaultRole(boolean moderated) {
        return switch (this) {
            case OWNER, ADMIN -> Role.MODERATOR;
            case MEMBER -> Role.PARTICIPANT;
            case NONE -> moderated ? Role.VISITOR : Role.PARTICIPANT;
            case OUTCAST -> Role.NONE;
        };
    }
}
