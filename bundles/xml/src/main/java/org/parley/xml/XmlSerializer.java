package org.parley.xml;

import java.nio.charset.StandardCharsets;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Node;
import org.parley.api.stanza.Text;
import org.parley.xml.internal.Escaper;

/**
 * Writes the server's side of a stream: the stream header and close tag, and top-level elements
 * in the context of a stream opened by {@link #streamHeader}. There the default namespace is the
 * stream's content namespace ({@code jabber:client} for clients, {@code jabber:server} for other
 * servers, {@code jabber:component:accept} for external components) and the prefix {@code stream}
 * is bound to the stream namespace, so a message is written {@code <message ...>} and stream
 * features {@code <stream:features>}.
 *
 * <p>Stanzas are {@code jabber:client} in the element model whatever stream they came from or go
 * to ({@link Namespaces#CLIENT}): an element in that namespace is written in the stream's content
 * namespace, so one stanza object is routed unchanged between client, server and component
 * streams.
 *
 * <p>Namespaces: an element declares {@code xmlns='...'} only where its namespace differs from
 * the default in scope (children inherit); elements in the stream namespace always use the
 * {@code stream} prefix. An attribute in Clark notation {@code {uri}local} is written with a prefix
 * ({@code ns0}, {@code ns1}, ...) declared on the same element; {@code xml:} attributes are written
 * as they are. Attribute values are single-quoted.
 *
 * <p>Escaping: text escapes {@code & < >}, attribute values also {@code " '}; CR in text and CR,
 * LF and tab in attribute values become character references so that they survive a parse, and
 * characters XML 1.0 cannot carry become U+FFFD. For normalised elements (no adjacent or empty text
 * nodes) parsing the output gives back an equal element.
 *
 * <p>Element and attribute names are written unchecked, except that attribute names that would
 * change namespace bindings ({@code xmlns}, {@code xmlns:...}, or a prefix other than {@code xml})
 * are refused with an IllegalArgumentException.
 */
public final class XmlSerializer {
    private static final String STREAM_CLOSE = "</stream:stream>";
    /** The namespace of xmlns attributes (XML Namespaces section 3), which cannot be bound to a prefix. */
    private static final String XMLNS_NAMESPACE = "http://www.w3.org/2000/xmlns/";

    private XmlSerializer() {
    }

    /**
     * The response stream header, with the XML declaration. Null arguments are left out.
     *
     * @return {@code <?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='...' to='...' id='...' version='...' xml:lang='...'>}
     */
    public static String streamHeader(String from, String to, String id, String version, String lang) {
        return streamHeader(Namespaces.CLIENT, from, to, id, version, lang);
    }

    /**
     * The response stream header of a stream whose content namespace is {@code contentNamespace}
     * ({@link Namespaces#SERVER} for server-to-server, {@link Namespaces#COMPONENT_ACCEPT} for
     * components). Null arguments are left out.
     *
     * @since 1.1
     */
    public static String streamHeader(String contentNamespace, String from, String to, String id, String version, String lang) {
        StringBuilder out = new StringBuilder(256);
        out.append("<?xml version='1.0'?><stream:stream xmlns='");
        Escaper.attribute(contentNamespace, out);
        out.append("' xmlns:stream='").append(Namespaces.STREAM).append('\'');
        headerAttribute(out, "from", from);
        headerAttribute(out, "to", to);
        headerAttribute(out, "id", id);
        headerAttribute(out, "version", version);
        headerAttribute(out, "xml:lang", lang);
        return out.append('>').toString();
    }

    /** {@code </stream:stream>} */
    public static String streamClose() {
        return STREAM_CLOSE;
    }

    /** Appends a top-level element of a client stream. */
    public static void write(Element element, StringBuilder out) {
        writeElement(element, Namespaces.CLIENT, Namespaces.CLIENT, out);
    }

    /**
     * Appends a top-level element of a stream whose content namespace is {@code contentNamespace};
     * stanzas ({@link Namespaces#CLIENT} in the model) are written in it.
     *
     * @since 1.1
     */
    public static void write(Element element, String contentNamespace, StringBuilder out) {
        writeElement(element, contentNamespace, contentNamespace, out);
    }

    /**
     * A top-level element of the stream, as UTF-8. A transport that encodes into its own buffers
     * avoids the intermediate string by using {@link #write} with a reused builder.
     *
     * <p>Copies of one stanza that differ in a single attribute (a fan-out: a group chat message
     * made once and addressed to each recipient with {@code withTo}, so the copies share their
     * children) are serialized once: later copies get the bytes of an earlier one with their own
     * attribute value spliced in, which are exactly the bytes serializing the copy gives.
     */
    public static byte[] toBytes(Element element) {
        return SplicedCopies.toBytes(element);
    }

    /** Serializes a top-level element of a client stream without looking for copies (see {@link SplicedCopies}). */
    static byte[] toBytesUncached(Element element) {
        return toXml(element).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Serializes a top-level element of a client stream and notes, in {@code span}, where the
     * value of its attribute {@code attributeIndex} begins and ends in the output.
     */
    static void writeMarking(Element element, int attributeIndex, int[] span, StringBuilder out) {
        writeElement(element, Namespaces.CLIENT, Namespaces.CLIENT, out, attributeIndex, span);
    }

    /** A top-level element of the stream, as a string. */
    public static String toXml(Element element) {
        // most stanzas fit without growing the builder
        StringBuilder out = new StringBuilder(512);
        write(element, out);
        return out.toString();
    }

    /** A top-level element of a stream with that content namespace, as UTF-8. @since 1.1 */
    public static byte[] toBytes(Element element, String contentNamespace) {
        StringBuilder out = new StringBuilder(512);
        write(element, contentNamespace, out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void headerAttribute(StringBuilder out, String name, String value) {
        if (value != null) {
            out.append(' ').append(name).append("='");
            Escaper.attribute(value, out);
            out.append('\'');
        }
    }

    /**
     * @param defaultNamespace the default namespace in scope where the element is written
     * @param stanzaNamespace what the model's stanza namespace (jabber:client) is written as
     */
    private static void writeElement(Element element, String defaultNamespace, String stanzaNamespace, StringBuilder out) {
        writeElement(element, defaultNamespace, stanzaNamespace, out, -1, null);
    }

    /** @param markIndex an attribute whose value's start and end in {@code out} go to {@code span}; -1 for none */
    private static void writeElement(Element element, String defaultNamespace, String stanzaNamespace, StringBuilder out,
            int markIndex, int[] span) {
        String namespace = element.namespace();
        if (stanzaNamespace != Namespaces.CLIENT && namespace.equals(Namespaces.CLIENT)) {
            namespace = stanzaNamespace; // not on client streams, the hot path: there the two are the same
        }
        String name = element.name();
        // The stream prefix is bound for the whole stream and never rebound here.
        boolean streamPrefix = namespace.equals(Namespaces.STREAM);
        out.append('<');
        if (streamPrefix) {
            out.append("stream:");
        }
        out.append(name);
        String childDefault = defaultNamespace;
        if (!streamPrefix && !namespace.equals(defaultNamespace)) {
            out.append(" xmlns='");
            Escaper.attribute(namespace, out);
            out.append('\'');
            childDefault = namespace;
        }
        int generatedPrefixes = 0;
        for (int i = 0, count = element.attributeCount(); i < count; i++) {
            String attribute = element.attributeName(i);
            out.append(' ');
            if (attribute.charAt(0) == '{') {
                generatedPrefixes = writeQualifiedName(attribute, generatedPrefixes, out);
            } else {
                checkPlainName(attribute);
                out.append(attribute);
            }
            out.append("='");
            if (i == markIndex) {
                span[0] = out.length();
                Escaper.attribute(element.attributeValue(i), out);
                span[1] = out.length();
            } else {
                Escaper.attribute(element.attributeValue(i), out);
            }
            out.append('\'');
        }
        var children = element.children();
        if (children.isEmpty()) {
            out.append("/>");
            return;
        }
        out.append('>');
        for (int i = 0, count = children.size(); i < count; i++) {
            Node child = children.get(i);
            if (child instanceof Text text) {
                Escaper.text(text.value(), out);
            } else {
                writeElement((Element) child, childDefault, stanzaNamespace, out);
            }
        }
        out.append("</");
        if (streamPrefix) {
            out.append("stream:");
        }
        out.append(name).append('>');
    }

    /**
     * Writes {@code {uri}local} as a prefixed name, declaring the prefix first; the caller then
     * writes the value.
     *
     * @return the number of prefixes generated on this element so far
     */
    private static int writeQualifiedName(String attribute, int generatedPrefixes, StringBuilder out) {
        int close = attribute.indexOf('}');
        if (close < 0 || close == attribute.length() - 1) {
            throw new IllegalArgumentException("malformed attribute name " + attribute);
        }
        if (close == 1) {
            // {}local: no namespace
            out.append(attribute, 2, attribute.length());
            return generatedPrefixes;
        }
        if (attribute.regionMatches(1, Namespaces.XML, 0, Namespaces.XML.length()) && close == Namespaces.XML.length() + 1) {
            // the xml prefix is bound by definition and may not be declared for another prefix
            out.append("xml:").append(attribute, close + 1, attribute.length());
            return generatedPrefixes;
        }
        if (attribute.regionMatches(1, XMLNS_NAMESPACE, 0, XMLNS_NAMESPACE.length()) && close == XMLNS_NAMESPACE.length() + 1) {
            throw new IllegalArgumentException("attribute " + attribute + ": namespace declarations are not attributes");
        }
        out.append("xmlns:ns").append(generatedPrefixes).append("='");
        Escaper.attribute(attribute.substring(1, close), out);
        out.append("' ns").append(generatedPrefixes).append(':').append(attribute, close + 1, attribute.length());
        return generatedPrefixes + 1;
    }

    private static void checkPlainName(String attribute) {
        int colon = attribute.indexOf(':');
        if ((colon >= 0 && !attribute.startsWith("xml:")) || attribute.equals("xmlns")) {
            throw new IllegalArgumentException("attribute " + attribute
                    + ": namespace declarations are not attributes; qualified attributes use {uri}local");
        }
    }
}
