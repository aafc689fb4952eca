package org.parley.muc.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.parley.api.stanza.Element;

/** The namespaces of XEP-0045 and its neighbours, and the small elements every part builds. */
final class Muc {
    static final String MUC = "http://jabber.org/protocol/muc";
    static final String USER = MUC + "#user";
    static final String ADMIN = MUC + "#admin";
    static final String OWNER = MUC + "#owner";
    static final String ROOMINFO = MUC + "#roominfo";
    static final String ROOMCONFIG = MUC + "#roomconfig";
    static final String DATA = "jabber:x:data";
    static final String DISCO_INFO = "http://jabber.org/protocol/disco#info";
    static final String DISCO_ITEMS = "http://jabber.org/protocol/disco#items";
    static final String DELAY = "urn:xmpp:delay";
    static final String PING = "urn:xmpp:ping";
    static final String OCCUPANT_ID = "urn:xmpp:occupant-id:0";
    /** XEP-0359: the id the room gives each groupchat message, by which clients refer to it. */
    static final String STANZA_ID = "urn:xmpp:sid:0";
    /** XEP-0425 0.3 and the XEP-0424 retraction it sends. */
    static final String MODERATE = "urn:xmpp:message-moderate:1";
    static final String RETRACT = "urn:xmpp:message-retract:1";

    /** XEP-0045 section 15.6 status codes this service sends. */
    static final int NON_ANONYMOUS = 100;
    static final int CONFIG_CHANGED = 104;
    static final int SELF = 110;
    static final int NOW_NON_ANONYMOUS = 172;
    static final int NOW_SEMI_ANONYMOUS = 173;
    static final int CREATED = 201;
    static final int NICK_CHANGED = 303;
    static final int REMOVED_ON_ERROR = 333;

    private Muc() {
    }

    /** A XEP-0203 delay stamp: when the room received a message it hands out later. */
    static Element delay(String from, Instant at) {
        return Element.builder("delay", DELAY).attribute("from", from)
                .attribute("stamp", at.truncatedTo(ChronoUnit.MILLIS).toString()).build();
    }

    static Element status(int code) {
        return Element.builder("status", USER).attribute("code", Integer.toString(code)).build();
    }

    /** A data form field with one value or none. */
    static Element field(String var, String type, String label, String value) {
        Element.Builder f = Element.builder("field", DATA).attribute("var", var);
        if (type != null) {
            f.attribute("type", type);
        }
        if (label != null) {
            f.attribute("label", label);
        }
        if (value != null) {
            f.child(Element.builder("value", DATA).text(value).build());
        }
        return f.build();
    }
}
