package org.parley.muc.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;

/**
 * One room: its configuration, occupants by nickname and by session, affiliations, subject and
 * history, and the presence it sends about its occupants. Touched only on the component's thread.
 */
final class Room {
    private final EntityBareJid jid;
    private RoomConfig config;
    private boolean locked;
    private final Map<String, Occupant> byNick = new LinkedHashMap<>();
    private final Map<EntityFullJid, Occupant> bySession = new HashMap<>();
    private final Map<BareJid, Affiliation> affiliations = new HashMap<>();
    private final History history;
    /** The subject message as the room sent it (from room/nick or the room), or null before any. */
    private Element subject;

    /** The secret occupant ids are derived with (XEP-0421): kept with the room, never shown. */
    private final byte[] idSecret;

    Room(EntityBareJid jid, RoomConfig config, boolean locked) {
        this(jid, config, locked, newSecret());
    }

    Room(EntityBareJid jid, RoomConfig config, boolean locked, byte[] idSecret) {
        this.idSecret = idSecret.clone();
        this.jid = jid;
        this.config = config;
        this.locked = locked;
        this.history = new History(config.historyLength());
    }

    EntityBareJid jid() {
        return jid;
    }

    /** What the room sent that waits for a write to be durable, in order (stanzas and the writes they wait for); null when none. */
    private java.util.ArrayDeque<Object> held;

    java.util.ArrayDeque<Object> held() {
        return held;
    }

    /** From now on what the room sends waits behind this write. */
    void hold(Object write) {
        if (held == null) {
            held = new java.util.ArrayDeque<>();
        }
        held.add(write);
    }

    /** Nothing waits any more. */
    void release() {
        held = null;
    }

    private static byte[] newSecret() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    byte[] idSecret() {
        return idSecret.clone();
    }

    /**
     * The occupant's XEP-0421 id: the same for a user (bare JID) in this room whatever their
     * nickname or session, unlinkable across rooms and not reversible to the JID (an HMAC keyed
     * with the room's secret).
     */
    String occupantId(Occupant o) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(idSecret, "HmacSHA256"));
            byte[] digest = mac.doFinal(o.user().toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 18));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** The occupant-id element the room adds to what it sends on the occupant's behalf. */
    Element occupantIdElement(Occupant o) {
        Element e = o.occupantIdElement();
        if (e == null) {
            e = Element.builder("occupant-id", Muc.OCCUPANT_ID).attribute("id", occupantId(o)).build();
            o.occupantIdElement(e);
        }
        return e;
    }

    RoomConfig config() {
        return config;
    }

    void config(RoomConfig newConfig) {
        config = newConfig;
        history.limit(newConfig.historyLength());
    }

    boolean locked() {
        return locked;
    }

    void unlock() {
        locked = false;
    }

    History history() {
        return history;
    }

    Element subject() {
        return subject;
    }

    void subject(Element message) {
        subject = message;
    }

    boolean isEmpty() {
        return byNick.isEmpty();
    }

    int size() {
        return byNick.size();
    }

    Collection<Occupant> occupants() {
        return byNick.values();
    }

    Occupant byNick(String nick) {
        return byNick.get(nick);
    }

    Occupant bySession(Jid session) {
        return session instanceof EntityFullJid full ? bySession.get(full) : null;
    }

    void add(Occupant o) {
        byNick.put(o.nick(), o);
        for (EntityFullJid session : o.sessions()) {
            bySession.put(session, o);
        }
    }

    void remove(Occupant o) {
        byNick.remove(o.nick());
        for (EntityFullJid session : o.sessions()) {
            bySession.remove(session);
        }
    }

    /** Another device of the occupant's account enters under its nickname. */
    void addSession(Occupant o, EntityFullJid session, List<Element> presence) {
        o.addSession(session, presence);
        bySession.put(session, o);
    }

    /** One of several sessions of the occupant leaves; the occupant stays. */
    void removeSession(Occupant o, EntityFullJid session) {
        o.removeSession(session);
        bySession.remove(session);
    }

    void rename(Occupant o, String newNick) {
        byNick.remove(o.nick());
        o.nick(newNick);
        byNick.put(newNick, o);
    }

    Affiliation affiliation(BareJid user) {
        return affiliations.getOrDefault(user, Affiliation.NONE);
    }

    /** Sets the user's affiliation; a user who is no longer affiliated (none, outcast) loses a registered nickname. */
    void affiliation(BareJid user, Affiliation a) {
        if (a == Affiliation.NONE) {
            affiliations.remove(user);
        } else {
            affiliations.put(user, a);
        }
        if (a == Affiliation.NONE || a == Affiliation.OUTCAST) {
            nicks.remove(user);
        }
    }

    /** The nicknames affiliated users registered with the room (XEP-0045 section 7.10): reserved for them. */
    private final Map<BareJid, String> nicks = new HashMap<>();

    String registeredNick(BareJid user) {
        return nicks.get(user);
    }

    /** Who registered this nickname, or null. */
    BareJid registrant(String nick) {
        for (Map.Entry<BareJid, String> e : nicks.entrySet()) {
            if (e.getValue().equals(nick)) {
                return e.getKey();
            }
        }
        return null;
    }

    void register(BareJid user, String nick) {
        nicks.put(user, nick);
    }

    void unregister(BareJid user) {
        nicks.remove(user);
    }

    Map<BareJid, String> registeredNicks() {
        return Map.copyOf(nicks);
    }

    Map<BareJid, Affiliation> affiliations() {
        return Map.copyOf(affiliations);
    }

    /** The room JID of an occupant: room@service/nick. */
    String occupantJid(Occupant o) {
        return jid + "/" + o.nick();
    }

    /**
     * The presence the room sends to {@code to} about {@code about} (XEP-0045 section 7.2.3), one
     * stanza for each of the recipient's sessions: the occupant's own presence content and a
     * muc#user item with affiliation and role, and the real JID where the room shows it to this
     * recipient (an occupant told of itself sees the session it is addressed to).
     *
     * @param unavailable true when the occupant is leaving (or leaving a nickname)
     * @param newNick the nickname they are changing to (status 303), or null
     */
    List<Stanza> presence(Occupant about, Occupant to, boolean unavailable, String newNick, List<Integer> statuses) {
        return presence(about, to, unavailable, newNick, statuses, List.of(), List.of());
    }

    /**
     * The same, with children of the item (the actor and reason of a kick or ban) and of the
     * muc#user element (a destroy notice).
     */
    List<Stanza> presence(Occupant about, Occupant to, boolean unavailable, String newNick, List<Integer> statuses,
            List<Element> itemChildren, List<Element> xChildren) {
        List<Stanza> out = new ArrayList<>(to.sessionCount());
        for (EntityFullJid session : to.sessionsView()) {
            out.add(presenceTo(about, to, session, unavailable, newNick, statuses, itemChildren, xChildren));
        }
        return out;
    }

    /** The presence about {@code about} for one session of {@code to}. */
    Stanza presenceTo(Occupant about, Occupant to, EntityFullJid session, boolean unavailable, String newNick, List<Integer> statuses,
            List<Element> itemChildren, List<Element> xChildren) {
        // Addressed after it is made (withTo): the recipient's JID is at hand parsed, and parsing it
        // again per copy of a join's fan-out (a thousand presences into a room of 1,000) was its main cost.
        Element.Builder p = Element.builder("presence", Namespaces.CLIENT).attribute("from", occupantJid(about));
        if (unavailable) {
            p.attribute("type", "unavailable");
        }
        for (Element e : about == to && about.hasSession(session) ? about.presence(session) : about.presence()) {
            p.child(e);
        }
        p.child(occupantIdElement(about));
        Element.Builder item = Element.builder("item", Muc.USER)
                .attribute("affiliation", affiliation(about.user()).xmlName())
                .attribute("role", unavailable && newNick == null ? Role.NONE.xmlName() : about.role().xmlName());
        if (about == to) {
            item.attribute("jid", session.toString());
        } else if (config.nonAnonymous() || to.role() == Role.MODERATOR) {
            item.attribute("jid", about.jid().toString());
        }
        if (newNick != null) {
            item.attribute("nick", newNick);
        }
        itemChildren.forEach(item::child);
        Element.Builder x = Element.builder("x", Muc.USER).child(item.build());
        xChildren.forEach(x::child);
        for (int code : statuses) {
            x.child(Muc.status(code));
        }
        p.child(x.build());
        return Stanza.create(p.build()).withTo(session);
    }

    /** A message to every session of an occupant. */
    static void messageTo(java.util.function.Consumer<Stanza> out, String from, Occupant to, String type, String id,
            List<? extends org.parley.api.stanza.Node> children) {
        for (EntityFullJid session : to.sessionsView()) {
            out.accept(message(from, session, type, id, children));
        }
    }

    /**
     * The same message to every session of an occupant, from a stanza made once for all recipients
     * without {@code to}: each copy only gets its address (the element's children and the sender's
     * parsed JID are shared, nothing is parsed again), which is what a groupchat message's fan-out
     * costs per copy in the room itself.
     */
    static void messageTo(java.util.function.Consumer<Stanza> out, Stanza unaddressed, Occupant to) {
        for (EntityFullJid session : to.sessionsView()) {
            out.accept(unaddressed.withTo(session));
        }
    }

    /** A message from the room (or an occupant's room JID) to one occupant, with the given children. */
    static Stanza message(String from, EntityFullJid to, String type, String id, List<? extends org.parley.api.stanza.Node> children) {
        Element.Builder m = Element.builder("message", Namespaces.CLIENT).attribute("from", from).attribute("to", to.toString());
        if (type != null) {
            m.attribute("type", type);
        }
        if (id != null) {
            m.attribute("id", id);
        }
        m.children(children);
        return Stanza.create(m.build());
    }

    /** The discussion history and subject a joining session gets, in the order XEP-0045 section 7.2.15 gives. */
    List<Stanza> historyFor(EntityFullJid joiner, History.Request request, Instant now) {
        List<Stanza> out = new ArrayList<>();
        for (History.Entry e : history.select(request, now)) {
            Element m = e.message();
            List<org.parley.api.stanza.Node> children = new ArrayList<>(m.children());
            children.add(Muc.delay(jid.toString(), e.at()));
            out.add(message(m.attribute("from"), joiner, "groupchat", m.attribute("id"), children));
        }
        if (subject != null) {
            out.add(message(subject.attribute("from"), joiner, "groupchat", null, subject.children()));
        } else {
            out.add(message(jid.toString(), joiner, "groupchat", null, List.of(Element.empty("subject", Namespaces.CLIENT))));
        }
        return out;
    }
}
