package org.parley.itests;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smackx.iqversion.packet.Version;
import org.jivesoftware.smackx.ping.packet.Ping;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/** Small stanza helpers shared by the Smack tests. */
public final class Xmpp {
    public static final DomainBareJid SERVER = JidCreate.domainBareFromOrThrowUnchecked(ParleyServer.DOMAIN);

    private Xmpp() {
    }

    public static Message chat(XMPPConnection from, Jid to, String body) {
        return from.getStanzaFactory().buildMessageStanza().to(to).ofType(Message.Type.chat).setBody(body).build();
    }

    public static Presence available(XMPPConnection from, int priority) {
        return from.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.available).setPriority(priority).build();
    }

    /**
     * An XEP-0199 ping to the server, answered with a result or an exception (never swallowed, unlike
     * PingManager, which counts an error reply as "reachable"). Since a server handles a connection's
     * stanzas in order, a returned ping also means everything sent before it was processed.
     */
    public static IQ pingServer(XMPPConnection connection) throws Exception {
        return connection.sendIqRequestAndWaitForResponse(new Ping(connection, SERVER));
    }

    /**
     * An XEP-0092 software version query to the server, sent as it is. (Smack's VersionManager
     * first asks XEP-0030 service discovery whether the server supports the namespace.)
     */
    public static Version serverVersion(XMPPConnection connection) throws Exception {
        return connection.sendIqRequestAndWaitForResponse(
                Version.builder(connection).to(SERVER).ofType(IQ.Type.get).build());
    }

    /** An iq get with an empty payload in a namespace no server implements. */
    public static final class UnknownIq extends IQ {
        public static final String NAMESPACE = "urn:example:parley-itests:unknown";

        public UnknownIq(Jid to) {
            super("query", NAMESPACE);
            setType(Type.get);
            setTo(to);
        }

        @Override
        protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
            xml.setEmptyElement();
            return xml;
        }
    }
}
