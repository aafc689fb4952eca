package org.parley.api.stanza;

/** XML namespaces of the core protocol. */
public final class Namespaces {
    public static final String CLIENT = "jabber:client";
    public static final String STREAM = "http://etherx.jabber.org/streams";
    public static final String STREAMS_ERROR = "urn:ietf:params:xml:ns:xmpp-streams";
    public static final String STANZAS_ERROR = "urn:ietf:params:xml:ns:xmpp-stanzas";
    public static final String TLS = "urn:ietf:params:xml:ns:xmpp-tls";
    public static final String SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
    public static final String BIND = "urn:ietf:params:xml:ns:xmpp-bind";
    /** RFC 3921 session establishment; advertised as optional for old clients. */
    public static final String SESSION = "urn:ietf:params:xml:ns:xmpp-session";
    public static final String XML = "http://www.w3.org/XML/1998/namespace";

    private Namespaces() {
    }
}
