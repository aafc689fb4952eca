package org.parley.mailhook.internal;

import java.time.Instant;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.parley.api.offline.OfflineMessageStored;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaException;

/** Stored-message events as the offline bundle publishes them. */
final class Events {
    private Events() {
    }

    static OfflineMessageStored stored(String to, String from, String body, int waiting, Instant at) {
        try {
            Stanza message = Stanza.of(Element.builder("message", Namespaces.CLIENT).attribute("to", to).attribute("from", from)
                    .attribute("type", "chat").textChild("body", body).build());
            return new OfflineMessageStored(JidCreate.entityBareFrom(to), JidCreate.from(from), message, at, waiting);
        } catch (XmppStringprepException | StanzaException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
