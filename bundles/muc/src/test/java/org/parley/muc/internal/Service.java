package org.parley.muc.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Node;
import org.parley.api.stanza.Stanza;

/** A MUC service on conference.example.org with a clock the test moves, and what it sent. */
final class Service {
    static final String DOMAIN = "conference.example.org";
    final List<Stanza> sent = new ArrayList<>();
    Instant now = Instant.parse("2026-11-29T10:00:00Z");
    final MucService muc;
    final MemoryRoomStore store;

    Service() {
        this(MucSettings.DEFAULTS);
    }

    Service(MucSettings settings) {
        this(settings, new MemoryRoomStore());
    }

    Service(MucSettings settings, MemoryRoomStore store) {
        this.store = store;
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
        muc = new MucService(JidCreate.domainBareFromOrThrowUnchecked(DOMAIN), settings, clock, store, sent::add);
    }

    void tick(Duration d) {
        now = now.plus(d);
    }

    /** Sends a stanza to the service and returns what it sent in answer (and forgets it). */
    List<Stanza> send(Element e) {
        sent.clear();
        try {
            muc.receive(Stanza.of(e));
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
        List<Stanza> out = List.copyOf(sent);
        sent.clear();
        return out;
    }

    static Element presence(String from, String to, Node... children) {
        Element.Builder b = Element.builder("presence", Namespaces.CLIENT).attribute("from", from).attribute("to", to);
        for (Node n : children) {
            b.child(n);
        }
        return b.build();
    }

    static Element join(String from, String to) {
        return presence(from, to, Element.empty("x", Muc.MUC));
    }

    static Element leave(String from, String to) {
        return presence(from, to).withAttribute("type", "unavailable");
    }

    static Element message(String from, String to, String type, String body) {
        Element.Builder b = Element.builder("message", Namespaces.CLIENT).attribute("from", from).attribute("to", to).attribute("id", "m1");
        if (type != null) {
            b.attribute("type", type);
        }
        if (body != null) {
            b.textChild("body", body);
        }
        return b.build();
    }

    static Element iq(String from, String to, String type, Element payload) {
        return Element.builder("iq", Namespaces.CLIENT).attribute("from", from).attribute("to", to).attribute("type", type)
                .attribute("id", "q1").child(payload).build();
    }

    /** A submitted form field with one value. */
    static Element field(String var, String value) {
        return Element.builder("field", Muc.DATA).attribute("var", var).child(Element.builder("value", Muc.DATA).text(value).build()).build();
    }

    static Element submit(Element... fields) {
        Element.Builder x = Element.builder("x", Muc.DATA).attribute("type", "submit");
        for (Element f : fields) {
            x.child(f);
        }
        return Element.builder("query", Muc.OWNER).child(x.build()).build();
    }

    /** Creates and unlocks room@conference.example.org with the owner's nickname, as Pidgin's "accept defaults" does. */
    void instantRoom(String owner, String room, String nick) {
        send(join(owner, room + "@" + DOMAIN + "/" + nick));
        List<Stanza> r = send(iq(owner, room + "@" + DOMAIN, "set", submit()));
        if (r.size() != 1 || !"result".equals(r.get(0).type())) {
            throw new AssertionError("not unlocked: " + r);
        }
    }

    static List<Stanza> to(List<Stanza> stanzas, String to) {
        return stanzas.stream().filter(s -> s.to().toString().equals(to)).toList();
    }

    static List<Stanza> where(List<Stanza> stanzas, Predicate<Stanza> p) {
        return stanzas.stream().filter(p).toList();
    }

    static List<Integer> statuses(Stanza s) {
        Element x = s.element().child("x", Muc.USER);
        List<Integer> codes = new ArrayList<>();
        if (x != null) {
            for (Element st : x.elements()) {
                if (st.is("status", Muc.USER)) {
                    codes.add(Integer.parseInt(st.attribute("code")));
                }
            }
        }
        return codes;
    }

    static Element item(Stanza s) {
        Element x = s.element().child("x", Muc.USER);
        return x == null ? null : x.child("item", Muc.USER);
    }
}
