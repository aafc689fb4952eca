package org.parley.examples.bot.internal;

import java.util.function.Consumer;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bot as an occupant of one room (XEP-0045): it enters with its own address (a room takes
 * occupants from full JIDs, so the bot uses {@code announcer@<its domain>/bot}; the room's answers
 * come back to the bot's component), posts the announcement on each tick, and leaves when it stops
 * or the room changes. A room that does not exist yet is created and opened as an instant room.
 * Entering or posting that fails (the room refuses, the bot was kicked) is tried again on the next
 * tick.
 */
final class RoomAnnouncer {
    static final String MUC = "http://jabber.org/protocol/muc";
    static final String MUC_USER = MUC + "#user";
    static final String MUC_OWNER = MUC + "#owner";
    private static final Logger LOG = LoggerFactory.getLogger(RoomAnnouncer.class);

    enum State { OUT, ENTERING, IN }

    private final EntityFullJid self;
    private final Consumer<Stanza> out;
    private EntityBareJid room;
    private String nick;
    private String announcement;
    private State state = State.OUT;
    private int posted;

    RoomAnnouncer(EntityFullJid self, Consumer<Stanza> out) {
        this.self = self;
        this.out = out;
    }

    EntityFullJid self() {
        return self;
    }

    synchronized State state() {
        return state;
    }

    /** A changed room or nickname: the bot leaves the old one and enters the new one on the next tick. */
    synchronized void configure(EntityBareJid room, String nick, String announcement) {
        if (state != State.OUT && (!sameRoom(room) || !nick.equals(this.nick))) {
            leave();
        }
        this.room = room;
        this.nick = nick;
        this.announcement = announcement;
    }

    private boolean sameRoom(EntityBareJid other) {
        return room == null ? other == null : room.equals(other);
    }

    /** Called on the bot's timer: enters the room if it is not in it, else posts the announcement. */
    synchronized void tick() {
        if (room == null) {
            return;
        }
        if (state == State.IN) {
            out.accept(Stanza.create(Element.builder("message", Namespaces.CLIENT).attribute("from", self.toString())
                    .attribute("to", room.toString()).attribute("type", "groupchat").attribute("id", "announce-" + (++posted))
                    .textChild("body", announcement).build()));
        } else {
            state = State.ENTERING;
            out.accept(Stanza.create(Element.builder("presence", Namespaces.CLIENT).attribute("from", self.toString())
                    .attribute("to", room + "/" + nick)
                    .child(Element.builder("x", MUC).child(Element.builder("history", MUC).attribute("maxstanzas", "0").build()).build())
                    .build()));
        }
    }

    synchronized void leave() {
        if (state != State.OUT && room != null) {
            out.accept(Stanza.create(Element.builder("presence", Namespaces.CLIENT).attribute("from", self.toString())
                    .attribute("to", room + "/" + nick).attribute("type", "unavailable").build()));
        }
        state = State.OUT;
    }

    /** What the room sends the bot: its own presence says it is in (or out), errors send it out. */
    synchronized void receive(Stanza s) {
        Jid from = s.from();
        if (room == null || from == null || !room.equals(from.asEntityBareJidIfPossible())) {
            return;
        }
        if (s.kind() == Stanza.Kind.PRESENCE) {
            Element x = s.element().child("x", MUC_USER);
            boolean itsOwn = x != null && x.elements().stream().anyMatch(c -> c.is("status", MUC_USER) && "110".equals(c.attribute("code")));
            if (s.isError()) {
                LOG.warn("The room {} refused the bot: {}", room, s.errorCondition());
                state = State.OUT;
            } else if (itsOwn && "unavailable".equals(s.type())) {
                LOG.info("The bot is no longer in {}", room);
                state = State.OUT;
            } else if (itsOwn) {
                if (state != State.IN) {
                    LOG.info("The bot is in {} as {}", room, nick);
                }
                state = State.IN;
                if (x.elements().stream().anyMatch(c -> c.is("status", MUC_USER) && "201".equals(c.attribute("code")))) {
                    // XEP-0045 section 10.1.2: a room the bot created stays locked until its owner accepts the defaults.
                    out.accept(Stanza.create(Element.builder("iq", Namespaces.CLIENT).attribute("from", self.toString())
                            .attribute("to", room.toString()).attribute("type", "set").attribute("id", "instant-room")
                            .child(Element.builder("query", MUC_OWNER).child(Element.builder("x", "jabber:x:data")
                                    .attribute("type", "submit").build()).build()).build()));
                }
            }
        } else if (s.kind() == Stanza.Kind.MESSAGE && s.isError()) {
            LOG.warn("The room {} refused the announcement: {}; entering again", room, s.errorCondition());
            state = State.OUT;
        }
    }
}
