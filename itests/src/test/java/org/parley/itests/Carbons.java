package org.parley.itests;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;

/** Message carbons (XEP-0280) on the wire, for tests: Smack's own manager lives in a module the itests do not use. */
final class Carbons {
    static final String NAMESPACE = "urn:xmpp:carbons:2";
    static final String FORWARD = "urn:xmpp:forward:0";

    /** A copy as a client sees it: sent or received, and the forwarded original's from, to and body. */
    record Copy(String direction, String from, String to, String body) {
    }

    private Carbons() {
    }

    static void enable(XMPPTCPConnection c) throws Exception {
        c.sendIqRequestAndWaitForResponse(new RawIq(IQ.Type.set, null, "enable", NAMESPACE, Map.of(), ""));
    }

    static void disable(XMPPTCPConnection c) throws Exception {
        c.sendIqRequestAndWaitForResponse(new RawIq(IQ.Type.set, null, "disable", NAMESPACE, Map.of(), ""));
    }

    /** Collects the carbon copies a connection receives, in order; only from its own account (XEP-0280 section 11). */
    static List<Copy> collect(XMPPTCPConnection c) {
        List<Copy> copies = new CopyOnWriteArrayList<>();
        c.addSyncStanzaListener(s -> {
            Message m = (Message) s;
            for (String direction : List.of("sent", "received")) {
                if (m.getExtensionElement(direction, NAMESPACE) instanceof StandardExtensionElement e) {
                    StandardExtensionElement original = e.getFirstElement("forwarded", FORWARD).getFirstElement("message", "jabber:client");
                    StandardExtensionElement body = original.getFirstElement("body", "jabber:client");
                    copies.add(new Copy(direction, original.getAttributeValue("from"), original.getAttributeValue("to"),
                            body == null ? null : body.getText()));
                }
            }
        }, s -> s instanceof Message m && m.getFrom() != null && m.getFrom().equals(c.getUser().asBareJid()));
        return copies;
    }
}
