package org.parley.carbons.internal;

import java.util.ArrayList;
import java.util.List;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;

/** The rules of XEP-0280 as pure functions: which messages are copied, to whom, and how a copy looks. */
final class Carbons {
    static final String NAMESPACE = "urn:xmpp:carbons:2";
    static final String FORWARD = "urn:xmpp:forward:0";
    static final String HINTS = "urn:xmpp:hints";
    static final String MUC_USER = "http://jabber.org/protocol/muc#user";

    private Carbons() {
    }

    /**
     * Section 6.1: chat messages, and normal ones with a body, are copied; not groupchat, headline
     * or error, not one marked private or no-copy, not a private message in a room (to a full
     * JID, with the room's muc#user mark), and never a carbon itself (a forged one least of all).
     */
    static boolean eligible(Stanza message) {
        if (message.kind() != Stanza.Kind.MESSAGE || message.isError()) {
            return false;
        }
        String type = message.type();
        Element e = message.element();
        boolean chat = "chat".equals(type);
        boolean normalWithBody = (type == null || "normal".equals(type)) && e.child("body", Namespaces.CLIENT) != null;
        if (!chat && !normalWithBody) {
            return false;
        }
        if (e.child("private", NAMESPACE) != null || e.child("no-copy", HINTS) != null
                || e.child("sent", NAMESPACE) != null || e.child("received", NAMESPACE) != null) {
            return false;
        }
        return !(e.child("x", MUC_USER) != null && message.to() != null && message.to().hasResource());
    }

    /** The copy for one resource of the user: the original, forwarded inside {@code sent} or {@code received}. */
    static Stanza copy(String direction, Stanza original, EntityBareJid user, Jid to) {
        Element.Builder b = Element.builder("message", Namespaces.CLIENT).attribute("from", user.toString())
                .attribute("to", to.toString());
        if (original.type() != null) {
            b.attribute("type", original.type());
        }
        return Stanza.create(b.child(Element.builder(direction, NAMESPACE)
                .child(Element.builder("forwarded", FORWARD).child(original.element()).build()).build()).build());
    }

    /**
     * The sessions of the recipient's account that get the original itself, as routing chooses
     * them (RFC 6121 section 8.5): the addressed resource when it is there, else the available
     * ones of highest non-negative priority.
     */
    static List<Session> receivers(Stanza message, List<Session> sessions) {
        Jid to = message.to();
        if (to != null && to.hasResource()) {
            for (Session s : sessions) {
                if (s.jid().equals(to)) {
                    return List.of(s);
                }
            }
        }
        int best = Integer.MIN_VALUE;
        for (Session s : sessions) {
            if (s.isAvailable() && s.priority() >= 0 && s.priority() > best) {
                best = s.priority();
            }
        }
        List<Session> receivers = new ArrayList<>(1);
        for (Session s : sessions) {
            if (s.isAvailable() && s.priority() >= 0 && s.priority() == best) {
                receivers.add(s);
            }
        }
        return receivers;
    }
}
