package org.parley.muc.internal;

import java.util.List;
import org.jxmpp.jid.EntityFullJid;
import org.parley.api.stanza.Element;

/**
 * A user in a room: the nickname others see, the session they joined from, their role, and what
 * their last presence said (show, status and extensions, without the MUC elements, which the room
 * writes itself). Mutable, owned by its room and touched only on the component's thread.
 */
final class Occupant {
    private final EntityFullJid jid;
    private String nick;
    private Role role;
    private List<Element> presence;

    Occupant(EntityFullJid jid, String nick, Role role, List<Element> presence) {
        this.jid = jid;
        this.nick = nick;
        this.role = role;
        this.presence = presence;
    }

    EntityFullJid jid() {
        return jid;
    }

    String nick() {
        return nick;
    }

    void nick(String newNick) {
        nick = newNick;
    }

    Role role() {
        return role;
    }

    void role(Role newRole) {
        role = newRole;
    }

    /** Token bucket of the messages this occupant may still send now, and when it was last filled. */
    private double messageTokens = -1;
    private long tokensAt;

    /**
     * Takes one message from the occupant's allowance: {@code burst} at first, refilled at
     * {@code perSecond}. False when there is none left (the message is refused).
     */
    boolean takeMessage(long nowMillis, int burst, int perSecond) {
        if (messageTokens < 0) {
            messageTokens = burst;
        } else {
            messageTokens = Math.min(burst, messageTokens + (nowMillis - tokensAt) * perSecond / 1000.0);
        }
        tokensAt = nowMillis;
        if (messageTokens < 1) {
            return false;
        }
        messageTokens -= 1;
        return true;
    }

    List<Element> presence() {
        return presence;
    }

    void presence(List<Element> newPresence) {
        presence = newPresence;
    }
}
