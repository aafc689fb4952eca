package org.parley.muc.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.parts.Resourcepart;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Node;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * The multi-user chat service of XEP-0045 on one domain: every stanza for the service, a room or
 * an occupant comes in through {@link #receive}, and what the service sends goes out through the
 * given consumer. Pure logic with no threads or I/O of its own: the component calls it one stanza
 * at a time (its executor is ordered), so rooms need no locks.
 */
final class MucService {
    private final DomainBareJid domain;
    private final Clock clock;
    /** Where stanzas leave the service (routing). */
    private final Consumer<Stanza> sink;
    /** Runs a task the way stanzas are handled: one at a time, never beside {@link #receive}. */
    private final Consumer<Runnable> inService;
    /** The room the stanza being handled is addressed to, while it is handled. */
    private Room current;
    /** What the service sends: held behind the current room's pending writes, if it has any, so its order holds. */
    private final Consumer<Stanza> out = this::emit;
    private final Map<EntityBareJid, Room> rooms = new HashMap<>();
    private final RoomForms forms;
    private final Administration administration = new Administration(this);
    private final RoomRequests requests = new RoomRequests(this);
    private final Registration registration = new Registration(this);
    private final RoomStore store;
    private volatile MucSettings settings;

    MucService(DomainBareJid domain, MucSettings settings, Clock clock, RoomStore store, Consumer<Stanza> out) {
        this(domain, settings, clock, store, out, Runnable::run);
    }

    /**
     * @param inService how a write's completion (on a storage thread) gets back to the rooms: the
     *        component runs it under the lock it calls {@link #receive} with
     */
    MucService(DomainBareJid domain, MucSettings settings, Clock clock, RoomStore store, Consumer<Stanza> out,
            Consumer<Runnable> inService) {
        this.domain = domain;
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.sink = out;
        this.inService = inService;
        this.forms = new RoomForms(() -> this.settings);
    }

    DomainBareJid domain() {
        return domain;
    }

    void settings(MucSettings newSettings) {
        settings = newSettings;
    }

    MucSettings settings() {
        return settings;
    }

    /** The rooms now (for the handoff and tests). */
    Map<EntityBareJid, Room> rooms() {
        return rooms;
    }

    /** Opens the persistent rooms kept in storage (at start), unless a room of that name is already here. */
    void restore(List<RoomStore.StoredRoom> stored) {
        for (RoomStore.StoredRoom r : stored) {
            if (r.jid().asDomainBareJid().equals(domain) && !rooms.containsKey(r.jid())) {
                // Stored without a secret (before occupant ids): a new one; ids change once.
                Room room = r.idSecret() == null ? new Room(r.jid(), r.config(), false)
                        : new Room(r.jid(), r.config(), false, java.util.Base64.getDecoder().decode(r.idSecret()));
                r.affiliations().forEach(room::affiliation);
                r.nicks().forEach(room::register);
                r.history().forEach(room.history()::add);
                room.subject(r.subject());
                rooms.put(r.jid(), room);
            }
        }
    }

    /** Writes the room's persistent state, or forgets it when it is no longer persistent; completes when durable. */
    CompletionStage<Void> persist(Room room, boolean wasPersistent) {
        if (room.config().persistent()) {
            return store.save(new RoomStore.StoredRoom(room.jid(), room.config(), room.affiliations(),
                    java.util.Base64.getEncoder().encodeToString(room.idSecret()), room.history().entries(), room.subject(),
                    room.registeredNicks()));
        }
        return wasPersistent ? store.delete(room.jid()) : CompletableFuture.completedFuture(null);
    }

    /**
     * A deleted account loses its affiliations everywhere (stored for persistent rooms), so an
     * account created again under the name owns and belongs to nothing. Its occupants leave as
     * its sessions end.
     *
     * @return how many rooms it was affiliated with
     */
    int accountDeleted(org.jxmpp.jid.BareJid account) {
        int changed = 0;
        for (Room room : rooms.values()) {
            if (room.affiliation(account) != Affiliation.NONE) {
                room.affiliation(account, Affiliation.NONE);
                if (room.config().persistent()) {
                    persist(room, true);
                }
                changed++;
            }
        }
        return changed;
    }

    /** Answers a request once the change it made is durable; if storing failed, says so (the change is in force until a restart). */
    void answerWhenStored(Stanza request, CompletionStage<Void> stored) {
        // Straight to routing: this runs on a storage thread, outside the order of the room's stanzas.
        stored.whenComplete((v, e) -> sink.accept(e == null ? request.resultReply(null)
                : request.errorReply(StanzaErrorCondition.RESOURCE_CONSTRAINT,
                        "the change is in force but could not be stored; try again")));
    }

    void send(Stanza s) {
        out.accept(s);
    }

    /** Everyone in the room hears the occupant's presence as it is now (their role or affiliation changed). */
    void broadcastPresence(Room room, Occupant o, List<Element> itemChildren) {
        for (Occupant other : room.occupants()) {
            room.presence(o, other, false, null, other == o ? List.of(Muc.SELF) : List.of(), itemChildren, List.of()).forEach(out);
        }
    }

    /** The occupant is put out of the room (kicked, banned, no longer a member): everyone, they included, is told why. */
    void removeOccupant(Room room, Occupant o, List<Integer> statuses, List<Element> itemChildren) {
        o.role(Role.NONE);
        for (Occupant other : room.occupants()) {
            List<Integer> codes = new ArrayList<>(statuses);
            if (other == o) {
                codes.add(0, Muc.SELF);
            }
            room.presence(o, other, true, null, codes, itemChildren, List.of()).forEach(out);
        }
        room.remove(o);
        if (room.isEmpty() && !room.config().persistent()) {
            rooms.remove(room.jid());
        }
    }

    void receive(Stanza s) {
        Jid to = s.to();
        if (s.from() == null || to == null || !to.asDomainBareJid().equals(domain)) {
            return;
        }
        EntityBareJid roomJid = to.asEntityBareJidIfPossible();
        if (roomJid == null) {
            if (!to.hasResource()) {
                service(s);
            } else if (!s.isError() && s.kind() != Stanza.Kind.PRESENCE) {
                out.accept(s.errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, null));
            }
            return;
        }
        Resourcepart nick = to.getResourceOrNull();
        Room room = rooms.get(roomJid);
        current = room;
        try {
            dispatch(s, roomJid, room, nick);
        } finally {
            current = null;
        }
    }

    private void dispatch(Stanza s, EntityBareJid roomJid, Room room, Resourcepart nick) {
        switch (s.kind()) {
            case PRESENCE -> presence(s, roomJid, room, nick);
            case MESSAGE -> {
                if (nick == null) {
                    roomMessage(s, room);
                } else {
                    privateMessage(s, room, nick.toString());
                }
            }
            case IQ -> {
                if (nick == null) {
                    roomIq(s, room);
                } else {
                    occupantIq(s, room, nick.toString());
                }
            }
        }
    }

    // ---- the service itself ----

    private void service(Stanza s) {
        if (s.kind() != Stanza.Kind.IQ) {
            if (s.kind() == Stanza.Kind.MESSAGE && !s.isError()) {
                out.accept(s.errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, "messages go to a room, not to the service"));
            }
            return;
        }
        if (!s.isIqRequest()) {
            return;
        }
        Element q = s.payload();
        if (q != null && "get".equals(s.type()) && q.is("query", Muc.DISCO_INFO) && q.attribute("node") == null) {
            out.accept(s.resultReply(Element.builder("query", Muc.DISCO_INFO)
                    .child(Element.builder("identity", Muc.DISCO_INFO).attribute("category", "conference").attribute("type", "text")
                            .attribute("name", settings.serviceName()).build())
                    .child(feature(Muc.DISCO_INFO)).child(feature(Muc.DISCO_ITEMS)).child(feature(Muc.MUC))
                    .child(feature(Muc.PING)).build()));
        } else if (q != null && "get".equals(s.type()) && q.is("query", Muc.DISCO_ITEMS) && q.attribute("node") == null) {
            Element.Builder items = Element.builder("query", Muc.DISCO_ITEMS);
            rooms.values().stream().filter(r -> r.config().publicRoom() && !r.locked())
                    .sorted((a, b) -> a.jid().toString().compareTo(b.jid().toString()))
                    .forEach(r -> items.child(Element.builder("item", Muc.DISCO_ITEMS).attribute("jid", r.jid().toString())
                            .attribute("name", displayName(r)).build()));
            out.accept(s.resultReply(items.build()));
        } else if (q != null && "get".equals(s.type()) && q.is("ping", Muc.PING)) {
            out.accept(s.resultReply(null));
        } else if (q != null && (q.is("query", Muc.DISCO_INFO) || q.is("query", Muc.DISCO_ITEMS))) {
            out.accept(s.errorReply(q.attribute("node") != null ? StanzaErrorCondition.ITEM_NOT_FOUND : StanzaErrorCondition.BAD_REQUEST, null));
        } else {
            out.accept(s.errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, null));
        }
    }

    private static Element feature(String var) {
        return Element.builder("feature", Muc.DISCO_INFO).attribute("var", var).build();
    }

    private static String displayName(Room r) {
        return r.config().name().isEmpty() ? r.jid().getLocalpart().toString() : r.config().name();
    }

    // ---- presence: entering, changing, leaving ----

    private void presence(Stanza s, EntityBareJid roomJid, Room room, Resourcepart nick) {
        if (s.isError()) {
            // XEP-0045 section 7.14: an occupant whose client bounces the room's presence has gone.
            Occupant gone = room == null ? null : room.bySession(s.from());
            if (gone != null) {
                leave(room, gone, (EntityFullJid) s.from(), List.of(), List.of(Muc.REMOVED_ON_ERROR));
            }
            return;
        }
        String type = s.type();
        if ("unavailable".equals(type)) {
            Occupant o = room == null ? null : room.bySession(s.from());
            if (o != null) {
                leave(room, o, (EntityFullJid) s.from(), ownPresence(s), List.of());
            }
            return;
        }
        if (type != null) {
            return; // subscriptions and probes mean nothing to a room
        }
        if (nick == null) {
            out.accept(s.errorReply(StanzaErrorCondition.JID_MALFORMED, "to enter a room, address room@service/nickname"));
            return;
        }
        if (!(s.from() instanceof EntityFullJid user)) {
            out.accept(s.errorReply(StanzaErrorCondition.BAD_REQUEST, "only a user's session can enter a room"));
            return;
        }
        Occupant o = room == null ? null : room.bySession(user);
        if (o == null) {
            enter(s, roomJid, room, user, nick.toString());
        } else if (o.nick().equals(nick.toString())) {
            o.presence(user, ownPresence(s));
            if (!o.jid().equals(user)) {
                // Others see the primary session's presence: another device's change is only confirmed to it.
                out.accept(room.presenceTo(o, o, user, false, null, List.of(Muc.SELF), List.of(), List.of()));
                return;
            }
            for (Occupant other : room.occupants()) {
                room.presence(o, other, false, null, other == o ? List.of(Muc.SELF) : List.of()).forEach(out);
            }
        } else if (o.sessionCount() > 1) {
            out.accept(s.errorReply(StanzaErrorCondition.NOT_ACCEPTABLE, "you are in this room as " + o.nick()
                    + " from several devices: leave from the others before changing the nickname"));
        } else {
            changeNick(s, room, o, nick.toString());
        }
    }

    /** How many rooms the user owns now. */
    private int ownedBy(org.jxmpp.jid.BareJid user) {
        int owned = 0;
        for (Room r : rooms.values()) {
            if (r.affiliation(user) == Affiliation.OWNER) {
                owned++;
            }
        }
        return owned;
    }

    private void enter(Stanza s, EntityBareJid roomJid, Room existing, EntityFullJid user, String nick) {
        Element x = s.element().child("x", Muc.MUC);
        History.Request request;
        try {
            request = History.Request.from(x == null ? null : x.child("history", Muc.MUC));
        } catch (IllegalArgumentException e) {
            out.accept(s.errorReply(StanzaErrorCondition.BAD_REQUEST, e.getMessage()));
            return;
        }
        MucSettings current = settings;
        boolean created = existing == null;
        if (created && !current.roomCreators().allows(user.asBareJid())) {
            // XEP-0045 section 10.1.1: a service that does not let this user create the room says not-allowed.
            out.accept(s.errorReply(StanzaErrorCondition.NOT_ALLOWED, "the room does not exist, and creating rooms is restricted"));
            return;
        }
        if (created && ownedBy(user.asBareJid()) >= current.maxRoomsPerUser()) {
            out.accept(s.errorReply(StanzaErrorCondition.RESOURCE_CONSTRAINT, "you own " + current.maxRoomsPerUser()
                    + " rooms, as many as one user may: destroy one first"));
            return;
        }
        Room room = created ? new Room(roomJid, RoomConfig.defaults(current), true) : existing;
        if (created) {
            room.affiliation(user.asBareJid(), Affiliation.OWNER);
        }
        Affiliation affiliation = room.affiliation(user.asBareJid());
        RoomConfig config = room.config();
        String refusal = null;
        StanzaErrorCondition condition = null;
        if (room.locked() && affiliation != Affiliation.OWNER) {
            condition = StanzaErrorCondition.ITEM_NOT_FOUND;
            refusal = "the room is locked until its owner configures it";
        } else if (affiliation == Affiliation.OUTCAST) {
            condition = StanzaErrorCondition.FORBIDDEN;
            refusal = "you are banned from this room";
        } else if (config.membersOnly() && affiliation == Affiliation.NONE) {
            condition = StanzaErrorCondition.REGISTRATION_REQUIRED;
            refusal = "this room is for members only";
        } else if (room.byNick(nick) != null && !room.byNick(nick).user().equals(user.asBareJid())) {
            condition = StanzaErrorCondition.CONFLICT;
            refusal = "the nickname " + nick + " is in use in this room";
        } else if (room.registrant(nick) != null && !room.registrant(nick).equals(user.asBareJid())) {
            condition = StanzaErrorCondition.CONFLICT;
            refusal = "the nickname " + nick + " is registered to another user of this room";
        } else if (room.byNick(nick) == null && room.size() >= maxOccupants(room, current) && affiliation != Affiliation.OWNER && affiliation != Affiliation.ADMIN) {
            condition = StanzaErrorCondition.SERVICE_UNAVAILABLE;
            refusal = "the room is full";
        } else if (config.passwordProtected() && !config.password().equals(x == null ? null : x.childText("password"))) {
            condition = StanzaErrorCondition.NOT_AUTHORIZED;
            refusal = "this room needs a password";
        }
        if (condition != null) {
            out.accept(s.errorReply(condition, refusal));
            return;
        }
        if (created) {
            rooms.put(roomJid, room);
        }
        List<Integer> self = new ArrayList<>();
        if (config.nonAnonymous()) {
            self.add(Muc.NON_ANONYMOUS);
        }
        self.add(Muc.SELF);
        Occupant same = room.byNick(nick);
        if (same != null) {
            // Another device of the same account under its nickname (XEP-0045 section 7.2 leaves this to the
            // service; Prosody and ejabberd allow it): it joins the occupant, and the others see no change.
            room.addSession(same, user, ownPresence(s));
            for (Occupant other : room.occupants()) {
                if (other != same) {
                    out.accept(room.presenceTo(other, same, user, false, null, List.of(), List.of(), List.of()));
                }
            }
            out.accept(room.presenceTo(same, same, user, false, null, self, List.of(), List.of()));
            room.historyFor(user, request, clock.instant()).forEach(out);
            return;
        }
        Occupant joiner = new Occupant(user, nick, affiliation.defaultRole(config.moderated()), ownPresence(s));
        for (Occupant other : room.occupants()) {
            room.presence(other, joiner, false, null, List.of()).forEach(out);
        }
        room.add(joiner);
        for (Occupant other : room.occupants()) {
            if (other != joiner) {
                room.presence(joiner, other, false, null, List.of()).forEach(out);
            }
        }
        if (created) {
            self.add(Muc.CREATED);
        }
        room.presence(joiner, joiner, false, null, self).forEach(out);
        room.historyFor(user, request, clock.instant()).forEach(out);
    }

    private static int maxOccupants(Room room, MucSettings settings) {
        int configured = room.config().maxUsers();
        return configured > 0 ? Math.min(configured, settings.maxOccupants()) : settings.maxOccupants();
    }

    private void changeNick(Stanza s, Room room, Occupant o, String newNick) {
        if (room.byNick(newNick) != null) {
            out.accept(s.errorReply(StanzaErrorCondition.CONFLICT, "the nickname " + newNick + " is in use in this room"));
            return;
        }
        if (room.registrant(newNick) != null && !room.registrant(newNick).equals(o.user())) {
            out.accept(s.errorReply(StanzaErrorCondition.CONFLICT, "the nickname " + newNick + " is registered to another user of this room"));
            return;
        }
        for (Occupant other : room.occupants()) {
            room.presence(o, other, true, newNick, other == o ? List.of(Muc.NICK_CHANGED, Muc.SELF) : List.of(Muc.NICK_CHANGED)).forEach(out);
        }
        room.rename(o, newNick);
        o.presence(o.jid(), ownPresence(s));
        for (Occupant other : room.occupants()) {
            room.presence(o, other, false, null, other == o ? List.of(Muc.SELF) : List.of()).forEach(out);
        }
    }

    /**
     * A session leaves. The occupant's last session: everyone else, then they, get their unavailable
     * presence, and an empty temporary room goes away. One of several: only that session is told
     * it left, and the room sees no change.
     */
    private void leave(Room room, Occupant o, EntityFullJid session, List<Element> presence, List<Integer> statuses) {
        List<Integer> self = new ArrayList<>(statuses);
        self.add(Muc.SELF);
        if (o.sessionCount() > 1) {
            o.presence(session, presence);
            if (!statuses.contains(Muc.REMOVED_ON_ERROR)) {
                out.accept(room.presenceTo(o, o, session, true, null, self, List.of(), List.of()));
            }
            room.removeSession(o, session);
            return;
        }
        o.presence(session, presence);
        for (Occupant other : room.occupants()) {
            if (other != o) {
                room.presence(o, other, true, null, statuses).forEach(out);
            }
        }
        if (!statuses.contains(Muc.REMOVED_ON_ERROR)) {
            room.presence(o, o, true, null, self).forEach(out);
        }
        room.remove(o);
        if (room.isEmpty() && !room.config().persistent()) {
            rooms.remove(room.jid());
        }
    }

    /** What an occupant's presence says of them, without the MUC elements the room writes itself. */
    private static List<Element> ownPresence(Stanza s) {
        List<Element> kept = new ArrayList<>();
        for (Element e : s.element().elements()) {
            // An occupant id a client wrote itself would let it pose as someone else (XEP-0421 section 4).
            if (!e.namespace().equals(Muc.MUC) && !e.namespace().equals(Muc.USER) && !e.namespace().equals(Muc.OCCUPANT_ID)) {
                kept.add(e);
            }
        }
        return List.copyOf(kept);
    }

    // ---- messages ----

    private void roomMessage(Stanza s, Room room) {
        if (s.isError()) {
            Occupant gone = room == null ? null : room.bySession(s.from());
            if (gone != null) {
                leave(room, gone, (EntityFullJid) s.from(), List.of(), List.of(Muc.REMOVED_ON_ERROR));
            }
            return;
        }
        if (room == null) {
            out.accept(s.errorReply(StanzaErrorCondition.ITEM_NOT_FOUND, "no such room"));
            return;
        }
        if (RoomRequests.isRequest(s)) {
            requests.handle(s, room);
            return;
        }
        Occupant o = room.bySession(s.from());
        if (o == null) {
            out.accept(s.errorReply(StanzaErrorCondition.NOT_ACCEPTABLE, "only occupants may send messages to the room"));
            return;
        }
        if (!"groupchat".equals(s.type())) {
            out.accept(s.errorReply(StanzaErrorCondition.BAD_REQUEST, "messages to the room must be of type groupchat"));
            return;
        }
        Element el = s.element();
        boolean hasBody = el.child("body", Namespaces.CLIENT) != null;
        boolean hasSubject = el.child("subject", Namespaces.CLIENT) != null;
        if (o.role() == Role.VISITOR) {
            out.accept(s.errorReply(StanzaErrorCondition.FORBIDDEN, "visitors may not speak in this moderated room"));
            return;
        }
        if (tooFast(s, o)) {
            return;
        }
        if (hasSubject && !hasBody && o.role() != Role.MODERATOR && !room.config().changeSubject()) {
            out.accept(s.errorReply(StanzaErrorCondition.FORBIDDEN, "only moderators may change the subject of this room"));
            return;
        }
        String from = room.occupantJid(o);
        String roomJid = room.jid().toString();
        List<Node> children = new ArrayList<>();
        for (Node n : el.children()) {
            // XEP-0359 section 5: a stanza id in the room's name comes from the room, never from a sender.
            if (!(n instanceof Element e && (e.namespace().equals(Muc.USER) || e.is("delay", Muc.DELAY)
                    || e.namespace().equals(Muc.OCCUPANT_ID) || e.is("stanza-id", Muc.STANZA_ID) && roomJid.equals(e.attribute("by"))))) {
                children.add(n);
            }
        }
        children.add(room.occupantIdElement(o));
        children.add(Element.builder("stanza-id", Muc.STANZA_ID).attribute("id", UUID.randomUUID().toString()).attribute("by", roomJid).build());
        Element reflected = Element.builder("message", Namespaces.CLIENT).attribute("from", from).attribute("type", "groupchat")
                .attribute("id", s.id()).children(children).build();
        String stanzaId = History.stanzaId(reflected, roomJid);
        if (hasSubject && !hasBody) {
            Element before = room.subject();
            room.subject(reflected);
            if (room.config().persistent()) {
                awaitWrite(room, s, stanzaId, persist(room, true), () -> {
                    if (room.subject() == reflected) {
                        room.subject(before);
                    }
                });
            }
        } else if (hasBody) {
            int chars = reflected.toString().length();
            History.Entry entry = new History.Entry(reflected, clock.instant(), chars);
            room.history().add(entry);
            if (room.config().persistent()) {
                // Durable before anyone sees it: a crash after the reflection cannot lose what clients saw.
                awaitWrite(room, s, stanzaId, store.appendHistory(room.jid(), entry, room.config().historyLength()),
                        () -> room.history().remove(entry));
            }
        }
        // The reflected element is what every occupant gets, less the address.
        Stanza unaddressed = Stanza.create(reflected);
        for (Occupant other : room.occupants()) {
            Room.messageTo(out, unaddressed, other);
        }
    }

    // ---- what a room sends waits for its writes ----

    /**
     * A write the room's later output waits for: a persistent room's groupchat message or subject
     * goes to nobody before it is stored, and what the room sends after it (to anyone) waits
     * behind it, so each room's order holds while other rooms go on.
     */
    private static final class Write {
        final Stanza request;
        final String stanzaId;
        final Runnable undo;
        boolean done;
        Throwable failure;

        Write(Stanza request, String stanzaId, Runnable undo) {
            this.request = request;
            this.stanzaId = stanzaId;
            this.undo = undo;
        }
    }

    private void emit(Stanza s) {
        Room r = current;
        if (r != null && r.held() != null) {
            r.held().add(s);
        } else {
            sink.accept(s);
        }
    }

    private void awaitWrite(Room room, Stanza request, String stanzaId, CompletionStage<Void> write, Runnable undo) {
        Write w = new Write(request, stanzaId, undo);
        room.hold(w);
        write.whenComplete((v, e) -> inService.accept(() -> {
            w.done = true;
            w.failure = e;
            flush(room);
        }));
    }

    /**
     * Sends what waited up to the first write still in progress. A write that failed takes its
     * message back: out of the history, out of everything waiting (the occupants' copies and any
     * joiner's history), and the sender is told nobody got it.
     */
    private void flush(Room room) {
        java.util.ArrayDeque<Object> held = room.held();
        if (held == null) {
            return;
        }
        while (!held.isEmpty()) {
            Object head = held.peekFirst();
            if (head instanceof Write w) {
                if (!w.done) {
                    return;
                }
                held.pollFirst();
                if (w.failure != null) {
                    w.undo.run();
                    String roomJid = room.jid().toString();
                    held.removeIf(o -> o instanceof Stanza st && w.stanzaId.equals(History.stanzaId(st.element(), roomJid)));
                    sink.accept(w.request.errorReply(StanzaErrorCondition.RESOURCE_CONSTRAINT,
                            "the room could not store your message, so nobody got it; try again"));
                }
            } else {
                sink.accept((Stanza) held.pollFirst());
            }
        }
        room.release();
    }

    /**
     * Sends everything still waiting for a write, stored or not (the bundle is stopping and the
     * writes did not finish in time); returns how many stanzas that was.
     */
    int releaseAll() {
        int released = 0;
        for (Room room : rooms.values()) {
            java.util.ArrayDeque<Object> held = room.held();
            if (held != null) {
                for (Object o : held) {
                    if (o instanceof Stanza st) {
                        sink.accept(st);
                        released++;
                    }
                }
                room.release();
            }
        }
        return released;
    }

    /** An occupant past their message allowance gets resource-constraint (type wait) and the message goes nowhere. */
    private boolean tooFast(Stanza s, Occupant o) {
        MucSettings current = settings;
        if (o.takeMessage(clock.millis(), current.messageBurst(), current.messagesPerSecond())) {
            return false;
        }
        out.accept(s.errorReply(StanzaErrorCondition.RESOURCE_CONSTRAINT, "you are sending messages too fast: at most "
                + current.messagesPerSecond() + " a second after a burst of " + current.messageBurst()));
        return true;
    }

    private void privateMessage(Stanza s, Room room, String nick) {
        Occupant o = room == null ? null : room.bySession(s.from());
        Occupant target = room == null ? null : room.byNick(nick);
        if (s.isError()) {
            if (o != null && target != null) {
                out.accept(Stanza.create(s.element().withAttribute("from", room.occupantJid(o)).withAttribute("to", target.jid().toString())));
            }
            return;
        }
        if (room == null) {
            out.accept(s.errorReply(StanzaErrorCondition.ITEM_NOT_FOUND, "no such room"));
        } else if (o == null) {
            out.accept(s.errorReply(StanzaErrorCondition.NOT_ACCEPTABLE, "only occupants may send private messages in the room"));
        } else if ("groupchat".equals(s.type())) {
            out.accept(s.errorReply(StanzaErrorCondition.BAD_REQUEST, "a private message is not of type groupchat"));
        } else if (target == null) {
            out.accept(s.errorReply(StanzaErrorCondition.ITEM_NOT_FOUND, "no occupant is named " + nick));
        } else if (tooFast(s, o)) {
            return;
        } else {
            List<Node> children = new ArrayList<>();
            for (Node n : s.element().children()) {
                if (!(n instanceof Element e && e.namespace().equals(Muc.OCCUPANT_ID))) {
                    children.add(n);
                }
            }
            children.add(room.occupantIdElement(o));
            children.add(Element.empty("x", Muc.USER)); // XEP-0045 section 7.5: marks it as a private message in a room
            Room.messageTo(out, room.occupantJid(o), target, s.type(), s.id(), children); // every device of the occupant
        }
    }

    // ---- iq ----

    private void occupantIq(Stanza s, Room room, String nick) {
        Occupant o = room == null ? null : room.bySession(s.from());
        Occupant target = room == null ? null : room.byNick(nick);
        if (!s.isIqRequest()) {
            if (o != null && target != null) {
                // The answer goes to the device that asked: its request left with the session in the id.
                EntityFullJid asker = target.jid();
                String id = s.id();
                if (id != null && id.startsWith(IQ_ID_PREFIX)) {
                    int dot = id.indexOf('.', IQ_ID_PREFIX.length());
                    if (dot > 0) {
                        String resource = decode(id.substring(IQ_ID_PREFIX.length(), dot));
                        for (EntityFullJid session : target.sessions()) {
                            if (session.getResourcepart().toString().equals(resource)) {
                                asker = session;
                                id = id.substring(dot + 1);
                            }
                        }
                    }
                }
                out.accept(Stanza.create(s.element().withAttribute("from", room.occupantJid(o)).withAttribute("to", asker.toString())
                        .withAttribute("id", id)));
            }
            return;
        }
        if (room == null) {
            out.accept(s.errorReply(StanzaErrorCondition.ITEM_NOT_FOUND, "no such room"));
        } else if (o == null && isDisco(s.payload())) {
            // XEP-0045 section 6.6: "If a non-occupant attempts to send a disco request to an address of the form
            // <room@service/nick>, a MUC service MUST return a <bad-request/> error".
            out.accept(s.errorReply(StanzaErrorCondition.BAD_REQUEST, "only occupants may query occupants"));
        } else if (o == null) {
            out.accept(s.errorReply(StanzaErrorCondition.NOT_ACCEPTABLE, "only occupants may address occupants"));
        } else if (target == null) {
            out.accept(s.errorReply(StanzaErrorCondition.ITEM_NOT_FOUND, "no occupant is named " + nick));
        } else if (target == o && s.payload() != null && s.payload().is("ping", Muc.PING)) {
            out.accept(s.resultReply(null)); // XEP-0410: the client learns it is still in the room
        } else {
            // To the target's primary session (an iq has one answer). A request from one of several devices carries
            // the asking session in its id, so that the answer finds it.
            Element forwarded = s.element().withAttribute("from", room.occupantJid(o)).withAttribute("to", target.jid().toString());
            if (o.sessionCount() > 1 && s.id() != null) {
                forwarded = forwarded.withAttribute("id", IQ_ID_PREFIX
                        + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                                ((EntityFullJid) s.from()).getResourcepart().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        + "." + s.id());
            }
            out.accept(Stanza.create(forwarded));
        }
    }

    private static boolean isDisco(Element payload) {
        return payload != null && (payload.is("query", Muc.DISCO_INFO) || payload.is("query", Muc.DISCO_ITEMS));
    }

    /** Marks an iq id the room rewrote to remember which of an occupant's sessions asked. */
    private static final String IQ_ID_PREFIX = "muc-session.";

    private static String decode(String base64) {
        try {
            return new String(java.util.Base64.getUrlDecoder().decode(base64), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private void roomIq(Stanza s, Room room) {
        if (!s.isIqRequest()) {
            return;
        }
        Element q = s.payload();
        if (room == null) {
            out.accept(s.errorReply(StanzaErrorCondition.ITEM_NOT_FOUND, "no such room"));
            return;
        }
        if (q == null) {
            out.accept(s.errorReply(StanzaErrorCondition.BAD_REQUEST, null));
        } else if (q.is("query", Muc.DISCO_INFO) || q.is("query", Muc.DISCO_ITEMS)) {
            if (!"get".equals(s.type())) {
                out.accept(s.errorReply(StanzaErrorCondition.BAD_REQUEST, null));
            } else if (q.is("query", Muc.DISCO_INFO) && Registration.ROOMUSER_NODE.equals(q.attribute("node"))) {
                out.accept(s.resultReply(registration.reservedNick(room, s.from().asBareJid())));
            } else if (q.attribute("node") != null) {
                out.accept(s.errorReply(StanzaErrorCondition.ITEM_NOT_FOUND, null));
            } else if (q.is("query", Muc.DISCO_INFO)) {
                out.accept(s.resultReply(roomInfo(room)));
            } else {
                out.accept(s.resultReply(roomItems(room, s.from())));
            }
        } else if (q.is("query", Muc.OWNER)) {
            owner(s, room, q);
        } else if (q.is("query", Registration.REGISTER) && ("get".equals(s.type()) || "set".equals(s.type()))) {
            registration.handle(s, room, q);
        } else if (q.is("query", Muc.ADMIN) && ("get".equals(s.type()) || "set".equals(s.type()))) {
            administration.handle(s, room, q);
        } else if (q.is("ping", Muc.PING) && "get".equals(s.type())) {
            out.accept(s.resultReply(null));
        } else if (q.is("moderate", Muc.MODERATE) && "set".equals(s.type())) {
            moderate(s, room, q);
        } else {
            out.accept(s.errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, null));
        }
    }

    /**
     * XEP-0425: a moderator retracts a groupchat message by the stanza id the room gave it. Every
     * occupant is told (a XEP-0424 retraction naming the moderator), and the history keeps a
     * tombstone in its place, so that those who join later do not get the message.
     */
    private void moderate(Stanza s, Room room, Element q) {
        Occupant moderator = room.bySession(s.from());
        String id = q.attribute("id");
        if (moderator == null || moderator.role() != Role.MODERATOR) {
            out.accept(s.errorReply(StanzaErrorCondition.FORBIDDEN, "only moderators may retract others' messages"));
            return;
        }
        if (id == null || id.isBlank() || q.child("retract", Muc.RETRACT) == null) {
            out.accept(s.errorReply(StanzaErrorCondition.BAD_REQUEST, "say which message (its stanza id) and retract"));
            return;
        }
        String roomJid = room.jid().toString();
        History.Entry entry = room.history().byStanzaId(roomJid, id);
        if (entry == null) {
            out.accept(s.errorReply(StanzaErrorCondition.ITEM_NOT_FOUND, "no message of the room's history has this stanza id"));
            return;
        }
        Element moderated = Element.builder("moderated", Muc.MODERATE).attribute("by", room.occupantJid(moderator))
                .child(room.occupantIdElement(moderator)).build();
        String reason = q.childText("reason");
        Element.Builder retract = Element.builder("retract", Muc.RETRACT).attribute("id", id).child(moderated);
        Element.Builder retracted = Element.builder("retracted", Muc.RETRACT).attribute("stamp", clock.instant().toString()).child(moderated);
        if (reason != null) {
            retract.child(Element.builder("reason", Muc.RETRACT).text(reason).build());
            retracted.child(Element.builder("reason", Muc.RETRACT).text(reason).build());
        }
        // The tombstone: who said it and its ids stay, what was said goes.
        List<Node> kept = new ArrayList<>();
        for (Element e : entry.message().elements()) {
            if (e.namespace().equals(Muc.OCCUPANT_ID) || e.namespace().equals(Muc.STANZA_ID)) {
                kept.add(e);
            }
        }
        kept.add(retracted.build());
        Element said = entry.message();
        Element.Builder tombstone = Element.builder("message", Namespaces.CLIENT);
        for (int i = 0; i < said.attributeCount(); i++) {
            tombstone.attribute(said.attributeName(i), said.attributeValue(i));
        }
        Element stone = tombstone.children(kept).build();
        room.history().replace(entry, new History.Entry(stone, entry.at(), stone.toString().length()));
        if (room.config().persistent()) {
            persist(room, true);
        }
        List<Node> announcement = List.of(retract.build(),
                Element.builder("body", Namespaces.CLIENT).text("This message was retracted by a moderator.").build(),
                Element.empty("fallback", "urn:xmpp:fallback:0").withAttribute("for", Muc.RETRACT),
                Element.empty("store", "urn:xmpp:hints"));
        String announcementId = UUID.randomUUID().toString();
        for (Occupant other : room.occupants()) {
            Room.messageTo(out, roomJid, other, "groupchat", announcementId, announcement);
        }
        out.accept(s.resultReply(null));
    }

    /** XEP-0045 section 6.4: the room's identity, its features and the muc#roominfo form. */
    private Element roomInfo(Room room) {
        RoomConfig c = room.config();
        Element.Builder q = Element.builder("query", Muc.DISCO_INFO)
                .child(Element.builder("identity", Muc.DISCO_INFO).attribute("category", "conference").attribute("type", "text")
                        .attribute("name", displayName(room)).build())
                .child(feature(Muc.MUC)).child(feature(Muc.DISCO_INFO)).child(feature(Muc.DISCO_ITEMS))
                .child(feature(Muc.OCCUPANT_ID)).child(feature(Muc.STANZA_ID)).child(feature(Muc.MODERATE))
                .child(feature(Registration.REGISTER))
                .child(feature(c.publicRoom() ? "muc_public" : "muc_hidden"))
                .child(feature(c.membersOnly() ? "muc_membersonly" : "muc_open"))
                .child(feature(c.moderated() ? "muc_moderated" : "muc_unmoderated"))
                .child(feature(c.nonAnonymous() ? "muc_nonanonymous" : "muc_semianonymous"))
                .child(feature(c.passwordProtected() ? "muc_passwordprotected" : "muc_unsecured"))
                .child(feature(c.persistent() ? "muc_persistent" : "muc_temporary"));
        Element subject = room.subject();
        String subjectText = subject == null ? "" : subject.childText("subject");
        q.child(Element.builder("x", Muc.DATA).attribute("type", "result")
                .child(Muc.field("FORM_TYPE", "hidden", null, Muc.ROOMINFO))
                .child(Muc.field("muc#roominfo_description", null, "Description", c.description()))
                .child(Muc.field("muc#roominfo_subject", null, "Subject", subjectText == null ? "" : subjectText))
                .child(Muc.field("muc#roominfo_occupants", null, "Number of occupants", Integer.toString(room.size())))
                .child(Muc.field("muc#roomconfig_roomname", null, "Name", c.name()))
                .child(Muc.field("muc#maxhistoryfetch", null, "Messages of history kept", Integer.toString(c.historyLength())))
                .child(Muc.field("muc#roomconfig_changesubject", "boolean", "Occupants may change the subject",
                        c.changeSubject() ? "1" : "0"))
                .build());
        return q.build();
    }

    /** XEP-0045 section 6.5: the occupants' room JIDs, to occupants, or to anyone when the room is public. */
    private static Element roomItems(Room room, Jid asker) {
        Element.Builder q = Element.builder("query", Muc.DISCO_ITEMS);
        if (room.config().publicRoom() || room.bySession(asker) != null) {
            for (Occupant o : room.occupants()) {
                q.child(Element.builder("item", Muc.DISCO_ITEMS).attribute("jid", room.occupantJid(o)).build());
            }
        }
        return q.build();
    }

    /** XEP-0045 section 10: the owner gets and submits the configuration form, or cancels a new room. */
    private void owner(Stanza s, Room room, Element q) {
        if (room.affiliation(s.from().asBareJid()) != Affiliation.OWNER) {
            out.accept(s.errorReply(StanzaErrorCondition.FORBIDDEN, "only an owner may configure the room"));
            return;
        }
        if ("get".equals(s.type())) {
            out.accept(s.resultReply(Element.builder("query", Muc.OWNER).child(forms.configForm(room.config())).build()));
            return;
        }
        Element destroy = q.child("destroy", Muc.OWNER);
        if (destroy != null) {
            // XEP-0045 section 10.9: the owner's alternate venue and reason, told to each occupant.
            Element.Builder notice = Element.builder("destroy", Muc.USER);
            if (destroy.attribute("jid") != null) {
                notice.attribute("jid", destroy.attribute("jid"));
            }
            for (Element e : destroy.elements()) {
                if (e.name().equals("reason") || e.name().equals("password")) {
                    notice.child(Element.builder(e.name(), Muc.USER).text(e.text()).build());
                }
            }
            boolean wasPersistent = room.config().persistent();
            destroy(room, notice.build(), false);
            answerWhenStored(s, wasPersistent ? store.delete(room.jid()) : CompletableFuture.completedFuture(null));
            return;
        }
        Element x = q.child("x", Muc.DATA);
        if (x == null) {
            out.accept(s.errorReply(StanzaErrorCondition.BAD_REQUEST, "expected a jabber:x:data form"));
        } else if ("cancel".equals(x.attribute("type"))) {
            if (room.locked()) {
                destroy(room, null, true); // XEP-0045 section 10.1.3: cancelling the first configuration destroys the new room
            }
            out.accept(s.resultReply(null));
        } else if ("submit".equals(x.attribute("type"))) {
            RoomConfig changed;
            try {
                changed = forms.apply(room.config(), x);
            } catch (IllegalArgumentException e) {
                out.accept(s.errorReply(StanzaErrorCondition.BAD_REQUEST, e.getMessage()));
                return;
            }
            RoomConfig before = room.config();
            if (changed.persistent() && !before.persistent() && !settings.persistentRoomCreators().allows(s.from().asBareJid())) {
                out.accept(s.errorReply(StanzaErrorCondition.NOT_ALLOWED, "making rooms persistent is restricted"));
                return;
            }
            room.config(changed);
            boolean wasLocked = room.locked();
            room.unlock();
            answerWhenStored(s, persist(room, before.persistent()));
            if (!wasLocked) {
                announceConfigChange(room, before, changed);
            }
            if (room.isEmpty() && !changed.persistent()) {
                rooms.remove(room.jid());
            }
        } else {
            out.accept(s.errorReply(StanzaErrorCondition.BAD_REQUEST, "a configuration form is submitted or cancelled"));
        }
    }

    /** XEP-0045 section 10.2.1: occupants hear that the configuration changed, and how privacy changed. */
    private void announceConfigChange(Room room, RoomConfig before, RoomConfig after) {
        List<Node> x = new ArrayList<>();
        Element.Builder user = Element.builder("x", Muc.USER).child(Muc.status(Muc.CONFIG_CHANGED));
        if (before.nonAnonymous() != after.nonAnonymous()) {
            user.child(Muc.status(after.nonAnonymous() ? Muc.NOW_NON_ANONYMOUS : Muc.NOW_SEMI_ANONYMOUS));
        }
        x.add(user.build());
        for (Occupant o : room.occupants()) {
            Room.messageTo(out, room.jid().toString(), o, "groupchat", null, x);
        }
    }

    /** Everyone leaves with a destroy notice (XEP-0045 section 10.9), pointed at another room when one is given. */
    void destroy(Room room, Element destroy) {
        current = room; // an operator's destroy comes after what the room is still sending
        try {
            destroy(room, destroy, true);
        } finally {
            current = null;
        }
    }

    /**
     * @param destroy the muc#user destroy element (an alternate venue, a reason), or null for a bare notice
     * @param forget false when the service only closes the room (it moves to another domain) and storage keeps it
     */
    void destroy(Room room, Element destroy, boolean forget) {
        Element notice = destroy == null ? Element.empty("destroy", Muc.USER) : destroy;
        for (Occupant o : List.copyOf(room.occupants())) {
            o.role(Role.NONE);
            room.presence(o, o, true, null, List.of(), List.of(), List.of(notice)).forEach(out);
            room.remove(o);
        }
        rooms.remove(room.jid());
        if (forget && room.config().persistent()) {
            store.delete(room.jid());
        }
    }

    /** Rooms that exist now, for the handoff. */
    Collection<Room> allRooms() {
        return rooms.values();
    }

    Instant now() {
        return clock.instant();
    }
}
