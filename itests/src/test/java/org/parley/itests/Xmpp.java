package org.parley.itests;

import java.time.Duration;
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

    /**
     * Asks the server's version (XEP-0092, answered by the im bundle) until it is {@code expected}:
     * how a test sees that an upgrade of im took effect. Every answer must be a result.
     *
     * @throws AssertionError when it is not {@code expected} within {@code timeout}
     */
    public static String awaitServerVersion(XMPPConnection connection, String expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String version;
        do {
            version = serverVersion(connection).getVersion();
            if (expected.equals(version)) {
                return version;
            }
            if (!connection.isAuthenticated()) {
                throw new AssertionError("the client was logged out while waiting for version " + expected);
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the server still says version " + version + " after " + timeout.toSeconds() + " s, not " + expected);
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
