package org.parley.muc;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The rooms of the multi-user chat service (XEP-0045) as an operator sees them, registered by the
 * muc bundle. Thread-safe; the answers are snapshots.
 */
@ProviderType
public interface RoomAdministration {
    /** One room. */
    record RoomSummary(String jid, String name, String description, boolean persistent, boolean publicRoom, boolean membersOnly,
            boolean moderated, boolean passwordProtected, boolean locked, int occupants) {
    }

    /** One occupant: the nick in the room, the real full JID, the role and affiliation (XEP-0045 names). */
    record OccupantSummary(String nick, String jid, String role, String affiliation) {
    }

    /** The service's domain, such as {@code conference.example.org}. */
    String domain();

    /** Every room that exists now, in address order. */
    List<RoomSummary> rooms();

    /** One room, by its bare JID; empty when there is no such room. */
    Optional<RoomSummary> room(String roomJid);

    /** The room's occupants; empty when there is no such room. */
    Optional<List<OccupantSummary>> occupants(String roomJid);

    /**
     * Destroys a room (XEP-0045 section 10.9): every occupant leaves with a destroy notice carrying
     * the reason, and a persistent room is deleted from storage.
     *
     * @return false when there is no such room
     */
    boolean destroy(String roomJid, String reason);
}
