package org.parley.muc.internal;

/**
 * What a room's owner decides (the muc#roomconfig form of XEP-0045 section 10.2). Immutable: a
 * change is a new value, applied whole or not at all.
 *
 * @param name the room's natural-language name, or empty
 * @param nonAnonymous every occupant sees each other's real JID (whois anyone); otherwise only moderators do
 * @param maxUsers occupants at most; 0 means the service's limit
 * @param historyLength groupchat messages kept for joining occupants
 * @param changeSubject participants may change the subject; moderators always may
 */
record RoomConfig(String name, String description, boolean persistent, boolean publicRoom, boolean membersOnly,
        boolean moderated, String password, boolean nonAnonymous, int maxUsers, int historyLength, boolean changeSubject) {

    /** The configuration of an instant room (XEP-0045 section 10.1.2): the service's defaults. */
    static RoomConfig defaults(MucSettings settings) {
        return new RoomConfig("", "", false, true, false, false, "", settings.nonAnonymousByDefault(), 0,
                settings.historyLength(), false);
    }

    boolean passwordProtected() {
        return !password.isEmpty();
    }
}
