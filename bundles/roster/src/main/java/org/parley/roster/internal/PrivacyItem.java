package org.parley.roster.internal;

import java.util.Locale;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * One rule of a privacy list (XEP-0016 section 2.1): whom it matches (a JID, a roster group, a
 * subscription state, or everyone), what it does (allow or deny), where it stands (order), and which
 * stanzas it covers (a mask of {@link #MESSAGE}, {@link #IQ}, {@link #PRESENCE_IN},
 * {@link #PRESENCE_OUT}; 0 for all stanzas, subscriptions and probes included).
 *
 * @param type what the value names, or null for the fall-through item
 * @param value the JID (as jxmpp prepares it), group name or subscription state; null for fall-through
 * @param jid the value parsed, for a JID item (else null): matched for every stanza, so parsed once
 */
record PrivacyItem(Type type, String value, Jid jid, boolean allow, long order, int kinds) {
    static final int MESSAGE = 1;
    static final int IQ = 2;
    static final int PRESENCE_IN = 4;
    static final int PRESENCE_OUT = 8;
    /** A stanza none of the four child elements names (outgoing messages and iq, subscriptions, probes): only "all" items cover it. */
    static final int OTHER = 0;
    /** order is an xs:unsignedInt. */
    static final long MAX_ORDER = 4_294_967_295L;
    /** The width of the value column. */
    static final int MAX_VALUE = 3071;

    enum Type {
        JID, GROUP, SUBSCRIPTION;

        String xmlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static PrivacyItem of(Type type, String value, boolean allow, long order, int kinds) {
        return new PrivacyItem(type, value, type == Type.JID ? JidCreate.fromOrThrowUnchecked(value) : null, allow, order, kinds);
    }

    /** A block of the blocking command (XEP-0191): deny everything to and from one JID. */
    static PrivacyItem block(Jid jid, long order) {
        return new PrivacyItem(Type.JID, jid.toString(), jid, false, order, 0);
    }

    /** True for an item the block list shows: type jid, deny, every stanza. */
    boolean isBlock() {
        return type == Type.JID && !allow && kinds == 0;
    }

    boolean covers(int kind) {
        return kinds == 0 || (kinds & kind) != 0;
    }

    /**
     * Whether the item matches an entity, given the user's roster item for it (null when the entity
     * is not in the roster: subscription none, no groups).
     */
    boolean matches(Jid other, RosterItem rosterItem) {
        if (type == null) {
            return true;
        }
        return switch (type) {
            case JID -> jidMatches(jid, other);
            case GROUP -> rosterItem != null && rosterItem.groups().contains(value);
            case SUBSCRIPTION -> (rosterItem == null ? Subscription.NONE : rosterItem.subscription()).xmlName().equals(value);
        };
    }

    /** Section 2.1: full JID, bare JID, domain with resource, domain. */
    static boolean jidMatches(Jid item, Jid other) {
        if (other == null) {
            return false;
        }
        if (item.equals(other) || item.equals(other.asBareJid()) || item.equals(other.asDomainBareJid())) {
            return true;
        }
        return other.hasResource() && other.hasLocalpart()
                && item.equals(JidCreate.domainFullFrom(other.asDomainBareJid(), other.getResourceOrThrow()));
    }

    Element toElement() {
        Element.Builder b = Element.builder("item", Privacy.NAMESPACE);
        if (type != null) {
            b.attribute("type", type.xmlName()).attribute("value", value);
        }
        b.attribute("action", allow ? "allow" : "deny").attribute("order", Long.toString(order));
        if ((kinds & MESSAGE) != 0) {
            b.child(Element.empty("message", Privacy.NAMESPACE));
        }
        if ((kinds & IQ) != 0) {
            b.child(Element.empty("iq", Privacy.NAMESPACE));
        }
        if ((kinds & PRESENCE_IN) != 0) {
            b.child(Element.empty("presence-in", Privacy.NAMESPACE));
        }
        if ((kinds & PRESENCE_OUT) != 0) {
            b.child(Element.empty("presence-out", Privacy.NAMESPACE));
        }
        return b.build();
    }

    /**
     * Parses an {@code <item/>} of a list a client sets; a malformed one is refused with
     * {@code bad-request} ({@code jid-malformed} for a JID that is not one).
     */
    static PrivacyItem from(Element item) {
        String action = item.attribute("action");
        if (!"allow".equals(action) && !"deny".equals(action)) {
            throw refusal(StanzaErrorCondition.BAD_REQUEST, "an item's action is allow or deny");
        }
        long order = order(item.attribute("order"));
        String typeName = item.attribute("type");
        String value = item.attribute("value");
        Type type = null;
        if (typeName != null) {
            type = switch (typeName) {
                case "jid" -> Type.JID;
                case "group" -> Type.GROUP;
                case "subscription" -> Type.SUBSCRIPTION;
                default -> throw refusal(StanzaErrorCondition.BAD_REQUEST, "no item type '" + typeName + "'");
            };
            if (value == null) {
                throw refusal(StanzaErrorCondition.BAD_REQUEST, "an item of type " + typeName + " needs a value");
            }
            if (value.length() > MAX_VALUE) {
                throw refusal(StanzaErrorCondition.NOT_ACCEPTABLE, "an item's value has at most " + MAX_VALUE + " characters");
            }
            switch (type) {
                case JID -> {
                    try {
                        value = JidCreate.from(value).toString();
                    } catch (XmppStringprepException | IllegalArgumentException e) {
                        throw refusal(StanzaErrorCondition.JID_MALFORMED, "not a JID: " + value);
                    }
                }
                case SUBSCRIPTION -> {
                    if (!value.equals("none") && !value.equals("to") && !value.equals("from") && !value.equals("both")) {
                        throw refusal(StanzaErrorCondition.BAD_REQUEST, "a subscription is none, to, from or both");
                    }
                }
                case GROUP -> {
                    if (value.isEmpty()) {
                        throw refusal(StanzaErrorCondition.BAD_REQUEST, "a group has a name");
                    }
                }
            }
        } else if (value != null) {
            throw refusal(StanzaErrorCondition.BAD_REQUEST, "a fall-through item has no value");
        }
        int kinds = 0;
        for (Element child : item.elements()) {
            if (!Privacy.NAMESPACE.equals(child.namespace())) {
                continue;
            }
            kinds |= switch (child.name()) {
                case "message" -> MESSAGE;
                case "iq" -> IQ;
                case "presence-in" -> PRESENCE_IN;
                case "presence-out" -> PRESENCE_OUT;
                default -> throw refusal(StanzaErrorCondition.BAD_REQUEST, "no stanza kind <" + child.name() + "/>");
            };
        }
        return of(type, value, "allow".equals(action), order, kinds);
    }

    private static long order(String text) {
        if (text == null || text.isEmpty() || text.length() > 10) {
            throw refusal(StanzaErrorCondition.BAD_REQUEST, "an item's order is a number from 0 to " + MAX_ORDER);
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                throw refusal(StanzaErrorCondition.BAD_REQUEST, "an item's order is a number from 0 to " + MAX_ORDER);
            }
        }
        long order = Long.parseLong(text);
        if (order > MAX_ORDER) {
            throw refusal(StanzaErrorCondition.BAD_REQUEST, "an item's order is a number from 0 to " + MAX_ORDER);
        }
        return order;
    }

    private static RosterRefusal refusal(StanzaErrorCondition condition, String text) {
        return new RosterRefusal(condition, text);
    }
}
