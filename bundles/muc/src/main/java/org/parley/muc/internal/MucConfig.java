package org.parley.muc.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of multi-user chat (PID org.parley.muc, file etc/org.parley.muc.cfg). */
@ObjectClassDefinition(id = MucConfig.PID, name = "Parley multi-user chat", description = "Chat rooms (XEP-0045)")
public @interface MucConfig {
    String PID = "org.parley.muc";

    @AttributeDefinition(description = "The service's subdomain: rooms are <room>@<subdomain>.<domain>")
    String subdomain() default "conference";

    @AttributeDefinition(description = "The service's name in service discovery")
    String serviceName() default "Chatrooms";

    // min and max as MucSettings checks them: the admin console refuses a value outside them before writing it.
    @AttributeDefinition(min = "1", description = "Occupants of one room at most; one more is refused with service-unavailable")
    int maxOccupants() default 500;

    @AttributeDefinition(min = "0", description = "Groupchat messages a new room keeps for occupants who join later")
    int historyLength() default 20;

    @AttributeDefinition(min = "0", description = "The most history an owner may configure a room to keep")
    int maxHistoryLength() default 200;

    @AttributeDefinition(description = "New rooms show occupants' real JIDs to everyone (non-anonymous); "
            + "otherwise only to moderators (semi-anonymous)")
    boolean nonAnonymousByDefault() default false;

    @AttributeDefinition(description = "Who may create rooms: * for everyone, or a comma-separated list of accounts' "
            + "bare JIDs; others get not-allowed when they enter a room that does not exist")
    String roomCreators() default "*";

    @AttributeDefinition(description = "Who may make a room persistent: * for everyone, or a comma-separated list of "
            + "accounts' bare JIDs; others get not-allowed when they submit the configuration")
    String persistentRoomCreators() default "*";

    @AttributeDefinition(min = "1", description = "Rooms one user may own at once; creating one more is refused with "
            + "resource-constraint (persistent rooms count until destroyed, temporary ones while they exist)")
    int maxRoomsPerUser() default MucSettings.DEFAULT_MAX_ROOMS_PER_USER;

    @AttributeDefinition(min = "1", description = "Messages an occupant may send to a room (groupchat and private) in a burst; "
            + "after it, messagesPerSecond. Past that the sender gets resource-constraint and the message goes nowhere")
    int messageBurst() default MucSettings.DEFAULT_MESSAGE_BURST;

    @AttributeDefinition(min = "1", description = "Messages per second an occupant may send on average, after a burst")
    int messagesPerSecond() default MucSettings.DEFAULT_MESSAGES_PER_SECOND;
}
