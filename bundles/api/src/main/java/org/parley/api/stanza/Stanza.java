package org.parley.api.stanza;

import java.util.Objects;
import org.jxmpp.jid.Jid;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * A top-level message, presence or iq in the {@code jabber:client} namespace: the element plus
 * its parsed addressing. Immutable; the {@code with...} methods return copies.
 */
public final class Stanza {
    /** The three stanza kinds of RFC 6120 section 8. */
    public enum Kind {
        MESSAGE, PRESENCE, IQ;

        public String xmlName() {
            return switch (this) {
                case MESSAGE -> "message";
                case PRESENCE -> "presence";
                case IQ -> "iq";
            };
        }
    }

    private final Kind kind;
    private final Element element;
    private final Jid from;
    private final Jid to;

    private Stanza(Kind kind, Element element, Jid from, Jid to) {
        this.kind = kind;
        this.element = element;
        this.from = from;
        this.to = to;
    }

    /**
     * Reads a stanza from an element received on a client stream.
     *
     * @throws StanzaException {@code jid-malformed} for a bad address, {@code bad-request} for an
     *     element that is not a stanza or an iq without id or with a bad type
     */
    public static Stanza of(Element element) throws StanzaException {
        Kind kind = kindOf(element);
        if (kind == null) {
            throw new StanzaException(StanzaErrorCondition.BAD_REQUEST, "not a stanza: " + element.name());
        }
        if (kind == Kind.IQ) {
            String type = element.attribute("type");
            if (element.attribute("id") == null) {
                throw new StanzaException(StanzaErrorCondition.BAD_REQUEST, "iq without id");
            }
            if (!"get".equals(type) && !"set".equals(type) && !"result".equals(type) && !"error".equals(type)) {
                throw new StanzaException(StanzaErrorCondition.BAD_REQUEST, "iq type must be get, set, result or error");
            }
        }
        return new Stanza(kind, element, parseJid(element.attribute("from")), parseJid(element.attribute("to")));
    }

    /** The stanza kind of a top-level element, or null when it is no stanza. */
    public static Kind kindOf(Element element) {
        if (!Namespaces.CLIENT.equals(element.namespace())) {
            return null;
        }
        return switch (element.name()) {
            case "message" -> Kind.MESSAGE;
            case "presence" -> Kind.PRESENCE;
            case "iq" -> Kind.IQ;
            default -> null;
        };
    }

    private static Jid parseJid(String value) throws StanzaException {
        if (value == null) {
            return null;
        }
        try {
            return JidCache.parse(value);
        } catch (XmppStringprepException | IllegalArgumentException e) {
            throw new StanzaException(StanzaErrorCondition.JID_MALFORMED, "malformed address '" + value + "'");
        }
    }

    public Kind kind() {
        return kind;
    }

    public Element element() {
        return element;
    }

    /** The sender, or null when absent. */
    public Jid from() {
        return from;
    }

    /** The addressee, or null when absent (meaning the sender's own account or the server). */
    public Jid to() {
        return to;
    }

    public String id() {
        return element.attribute("id");
    }

    /** The type attribute, or null when absent ("normal" message, available presence). */
    public String type() {
        return element.attribute("type");
    }

    public boolean isIq() {
        return kind == Kind.IQ;
    }

    /** True for an iq of type get or set, which must be answered. */
    public boolean isIqRequest() {
        String type = type();
        return kind == Kind.IQ && ("get".equals(type) || "set".equals(type));
    }

    /** True for a stanza of type error, which must never be answered with another error. */
    public boolean isError() {
        return "error".equals(type());
    }

    /** The first child element (an iq's payload), or null. */
    public Element payload() {
        return element.firstElement();
    }

    public Stanza withFrom(Jid newFrom) {
        return new Stanza(kind, element.withAttribute("from", newFrom == null ? null : newFrom.toString()), newFrom, to);
    }

    public Stanza withTo(Jid newTo) {
        return new Stanza(kind, element.withAttribute("to", newTo == null ? null : newTo.toString()), from, newTo);
    }

    /**
     * A copy with one more child element, addressed as this one: the parsed addresses are kept,
     * not parsed again from the copied attributes (a stanza kept for a session's life would hold
     * a second copy of the session's address).
     */
    public Stanza withChild(Element child) {
        return new Stanza(kind, element.withChild(child), from, to);
    }

    /** A stanza built by the server itself; its addresses must be valid JIDs. */
    public static Stanza create(Element element) {
        try {
            return of(element);
        } catch (StanzaException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** An iq result answering this request, from its addressee to its sender, with an optional payload. */
    public Stanza resultReply(Element payload) {
        if (kind != Kind.IQ) {
            throw new IllegalStateException("only an iq has a result");
        }
        Element.Builder b = Element.builder("iq", Namespaces.CLIENT).attribute("type", "result").attribute("id", id());
        if (to != null) {
            b.attribute("from", to.toString());
        }
        if (from != null) {
            b.attribute("to", from.toString());
        }
        if (payload != null) {
            b.child(payload);
        }
        return new Stanza(Kind.IQ, b.build(), to, from);
    }

    /**
     * The error reply to this stanza per RFC 6120 section 8.3.1: same kind and id, addresses swapped,
     * type error, the original payload kept and the error element appended.
     */
    public Stanza errorReply(StanzaErrorCondition condition, String text) {
        Objects.requireNonNull(condition, "condition");
        Element.Builder b = Element.builder(element.name(), Namespaces.CLIENT).attribute("type", "error");
        if (id() != null) {
            b.attribute("id", id());
        }
        if (to != null) {
            b.attribute("from", to.toString());
        }
        if (from != null) {
            b.attribute("to", from.toString());
        }
        for (Node child : element.children()) {
            if (!(child instanceof Element e && e.is("error", Namespaces.CLIENT))) {
                b.child(child);
            }
        }
        Element.Builder error = Element.builder("error", Namespaces.CLIENT)
                .attribute("type", condition.defaultType().xmlName())
                .child(Element.empty(condition.xmlName(), Namespaces.STANZAS_ERROR));
        if (text != null && !text.isEmpty()) {
            error.child(Element.builder("text", Namespaces.STANZAS_ERROR).attribute("xml:lang", "en").text(text).build());
        }
        b.child(error.build());
        return new Stanza(kind, b.build(), to, from);
    }

    /** The error condition of a stanza of type error, or null. */
    public StanzaErrorCondition errorCondition() {
        Element error = element.child("error", Namespaces.CLIENT);
        if (error == null) {
            return null;
        }
        Element condition = error.firstChildIn(Namespaces.STANZAS_ERROR);
        return condition == null ? null : StanzaErrorCondition.fromXmlName(condition.name());
    }

    @Override
    public String toString() {
        return element.toString();
    }
}
