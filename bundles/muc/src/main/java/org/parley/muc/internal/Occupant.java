package org.parley.muc.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityFullJid;
import org.parley.api.stanza.Element;

/**
 * A user in a room: the nickname others see, the sessions they are in the room from (one, or
 * several devices of the same account under one nickname, as Prosody and ejabberd allow), their
 * role, and what each session's last presence said (show, status and extensions, without the MUC
 * elements, which the room writes itself). Others see one occupant: the presence and real JID of
 * the first session, the primary. Mutable, owned by its room and touched only on the component's
 * thread.
 */
final class Occupant {
    /** Each session in the room and its presence, in the order they entered: the first is the primary. */
    private final LinkedHashMap<EntityFullJid, List<Element>> sessions = new LinkedHashMap<>();
    private final BareJid user;
    private String nick;
    private Role role;
    /**
     * The room's XEP-0421 element for this occupant, made once: it depends only on the account and
     * the room's secret, and an HMAC per stanza sent on the occupant's behalf was most of what a
     * join's presence fan-out cost. Set by the room.
     */
    private Element occupantIdElement;

    Occupant(EntityFullJid jid, String nick, Role role, List<Element> presence) {
        this.user = jid.asBareJid();
        this.sessions.put(jid, presence);
        this.nick = nick;
        this.role = role;
    }

    /** The primary session: the real JID the room shows for this occupant. */
    EntityFullJid jid() {
        return sessions.keySet().iterator().next();
    }

    Element occupantIdElement() {
        return occupantIdElement;
    }

    void occupantIdElement(Element e) {
        occupantIdElement = e;
    }

    /** The account all sessions belong to (affiliations and occupant ids are by account). */
    BareJid user() {
        return user;
    }

    /** Every session in the room, the primary first: what the room sends to the occupant goes to each. */
    List<EntityFullJid> sessions() {
        return List.copyOf(sessions.keySet());
    }

    /**
     * The same, as a view: the fan-out loops, which send once per session of every occupant and do
     * not change the room while they run, allocate no copy.
     */
    java.util.Collection<EntityFullJid> sessionsView() {
        return java.util.Collections.unmodifiableSet(sessions.keySet());
    }

    boolean hasSession(EntityFullJid session) {
        return sessions.containsKey(session);
    }

    int sessionCount() {
        return sessions.size();
    }

    /** Another device of the same account enters under this nickname. */
    void addSession(EntityFullJid session, List<Element> presence) {
        if (!session.asBareJid().equals(user)) {
            throw new IllegalArgumentException(session + " is not a session of " + user);
        }
        sessions.put(session, presence);
    }

    /** One device leaves; the next one becomes the primary if it was the primary. */
    void removeSession(EntityFullJid session) {
        sessions.remove(session);
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
     * Takes one message from the occupant's allowance (shared by its sessions): {@code burst} at
     * first, refilled at {@code perSecond}. False when there is none left (the message is refused).
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

    /** The presence others see: the primary session's. */
    List<Element> presence() {
        return sessions.get(jid());
    }

    /** What one session's presence said. */
    List<Element> presence(EntityFullJid session) {
        return sessions.get(session);
    }

    /** Sets what one session's presence says. */
    void presence(EntityFullJid session, List<Element> newPresence) {
        if (sessions.containsKey(session)) {
            sessions.put(session, newPresence);
        }
    }

    /** Every session and its presence, the primary first (for the handoff). */
    Map<EntityFullJid, List<Element>> sessionPresences() {
        return new LinkedHashMap<>(sessions);
    }
}
