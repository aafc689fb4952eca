package org.parley.itests;

import java.util.Map;
import org.jivesoftware.smack.packet.IQ;
import org.jxmpp.jid.Jid;

/**
 * An iq whose payload is written as given: for requests a well-behaved client library refuses to
 * build (two roster items in one set, a malformed JID, a subscription value a client must not set).
 */
public final class RawIq extends IQ {
    private final Map<String, String> attributes;
    private final String inner;

    public RawIq(Type type, Jid to, String element, String namespace, Map<String, String> attributes, String inner) {
        super(element, namespace);
        setType(type);
        setTo(to);
        this.attributes = attributes;
        this.inner = inner;
    }

    @Override
    protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
        attributes.forEach(xml::attribute);
        if (inner.isEmpty()) {
            xml.setEmptyElement();
            return xml;
        }
        xml.rightAngleBracket();
        xml.append(inner);
        return xml;
    }
}
