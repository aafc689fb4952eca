package org.parley.api.stanza;

/** XML namespaces of the core protocol. */
public final class Namespaces {
    /**
     * The stanza namespace of the element model, whatever the stream: the parser reads stanzas of
     * a server-to-server ({@link #SERVER}) or component ({@link #COMPONENT_ACCEPT}) stream into
     * this namespace, and the serializer writes it as the namespace of the stream it writes to, so
     * routing and every handler see one namespace for all stanzas.
     */
    public static final String CLIENT = "jabber:client";
    /** The content namespace of server-to-server streams (RFC 6120 section 4.8.3). @since 1.1 */
    public static final String SERVER = "jabber:server";
    /** The content namespace of external component streams (XEP-0114). @since 1.1 */
    public static final String COMPONENT_ACCEPT = "jabber:component:accept";
    public static final String STREAM = "http://etherx.jabber.org/streams";
    public static final String STREAMS_ERROR = "urn:ietf:params:xml:ns:xmpp-streams";
    public static final String STANZAS_ERROR = "urn:ietf:params:xml:ns:xmpp-stanzas";
    public static final String TLS = "urn:ietf:params:xml:ns:xmpp-tls";
    public static final String SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
    public static final String BIND = "urn:ietf:params:xml:ns:xmpp-bind";
    /** RFC 3921 session establishment; advertised as optional for old clients. */
    public static final String SESSION = "urn:ietf:params:xml:ns:xmpp-session";
    public static final String XML = "http://www.w3.org/XML/1998/namespace";
    /** XEP-0198 stream management. @since 1.1 */
    public static final String SM = "urn:xmpp:sm:3";

    private Namespaces() {
    }
}
