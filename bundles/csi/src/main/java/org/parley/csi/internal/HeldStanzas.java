package org.parley.csi.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jxmpp.jid.Jid;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;

/**
 * What waits for one inactive client: presence updates and chat states, which a phone in a pocket
 * does not need the moment they happen. Only the latest presence and the latest chat state of each
 * sender are kept (an older one would only be replaced on the screen), in the order of their
 * latest arrival.
 *
 * <p>Not thread-safe: its owner locks.
 */
final class HeldStanzas {
    static final String CHAT_STATES = "http://jabber.org/protocol/chatstates";

    /** Keyed by kind and sender: a newer one replaces an older one and moves to the end. */
    private final LinkedHashMap<String, Stanza> held = new LinkedHashMap<>();

    /**
     * True for what can wait: presence that is not about subscriptions, and messages that carry
     * only a chat state (no body). Everything else (a message, an iq, a subscription request, an
     * error) is urgent, and takes everything held with it, in order before it.
     */
    static boolean canWait(Stanza stanza) {
        return switch (stanza.kind()) {
            case PRESENCE -> stanza.type() == null || "unavailable".equals(stanza.type());
            case MESSAGE -> !stanza.isError() && isChatStateOnly(stanza.element());
            case IQ -> false;
        };
    }

    private static boolean isChatStateOnly(Element message) {
        boolean state = false;
        for (Element child : message.elements()) {
            if (child.namespace().equals(CHAT_STATES)) {
                state = true;
            } else if (!child.name().equals("thread")) {
                return false;
            }
        }
        return state;
    }

    void hold(Stanza stanza) {
        Jid from = stanza.from();
        String key = stanza.kind().xmlName() + " " + (from == null ? "" : from.toString());
        held.remove(key);
        held.put(key, stanza);
    }

    int size() {
        return held.size();
    }

    /** Everything held, in order; nothing is held afterwards. */
    List<Stanza> takeAll() {
        List<Stanza> all = new ArrayList<>(held.values());
        held.clear();
        return all;
    }

    /** For the state handoff: what is held, in order, without taking it. */
    List<Stanza> view() {
        List<Stanza> all = new ArrayList<>(held.size());
        for (Iterator<Map.Entry<String, Stanza>> i = held.entrySet().iterator(); i.hasNext();) {
            all.add(i.next().getValue());
        }
        return all;
    }
}
