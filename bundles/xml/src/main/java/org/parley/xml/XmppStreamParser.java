package org.parley.xml;

import com.fasterxml.aalto.AsyncByteArrayFeeder;
import com.fasterxml.aalto.AsyncXMLStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import javax.xml.stream.Location;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import org.parley.api.connection.StreamHeader;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.StreamErrorCondition;
import org.parley.xml.internal.Aalto;
import org.parley.xml.internal.ElementAssembler;
import org.parley.xml.internal.Escaper;
import org.parley.xml.internal.Utf8;

/**
 * Parses one received XMPP stream (RFC 6120 section 4) without blocking. Bytes are pushed in as
 * they arrive, split anywhere (even inside a UTF-8 sequence); the stream header, each complete
 * top-level element and the end of the stream are reported to a {@link Listener} from inside
 * {@link #feed}.
 *
 * <p>Not thread-safe: one parser per connection, used by one thread at a time. Listener methods
 * may call {@link #reset()} (after STARTTLS or SASL success) or {@link #compact()}; bytes of the
 * same {@code feed} call that follow the element being reported then go to the new stream. They
 * must not call {@link #feed}.
 *
 * <p>Refused (RFC 6120 section 11), each with the condition named: a DOCTYPE, comment, processing
 * instruction or entity reference other than the predefined ones and character references
 * ({@code restricted-xml}; entities are never expanded); XML that is not well-formed, ill-formed
 * UTF-8 included ({@code not-well-formed}); character data outside top-level elements other than white space
 * ({@code bad-format}); an encoding other than UTF-8 ({@code unsupported-encoding}); an undeclared
 * prefix ({@code bad-namespace-prefix}); a stream header not qualified by the stream namespace or
 * declaring it as the content namespace ({@code invalid-namespace}); a second stream header inside
 * the stream, as soon as its start tag arrives ({@code unsupported-stanza-type}); exceeding a {@link Limits}
 * value ({@code policy-violation}). After a refusal the parser is dead: every later {@code feed}
 * throws the same exception.
 *
 * <p>Memory: the aalto reader holds several KiB of buffers. {@link #compact()} drops it while the
 * stream is between top-level elements; the next {@code feed} makes a new reader and restores the
 * stream's namespace context by parsing a copy of the stream's open tag (without reporting it).
 */
public final class XmppStreamParser {

    /**
     * Limits on what a peer may send; exceeding one is a {@code policy-violation}.
     *
     * @param maxStanzaBytes the most bytes one top-level element may take, counted from the first
     *     byte of its start tag to the last of its end tag (also the most bytes any other pending
     *     construct between top-level elements may take)
     * @param maxDepth the deepest element nesting inside a top-level element, which counts as 1
     * @param maxAttributes the most attributes of one element, namespace declarations included
     * @param maxStreamHeaderBytes the most bytes from the start of a stream up to the end of its
     *     {@code <stream:stream>} open tag, XML declaration included
     */
    public record Limits(int maxStanzaBytes, int maxDepth, int maxAttributes, int maxStreamHeaderBytes) {
        /** 256 KiB stanzas, depth 64, 64 attributes, 4 KiB stream headers. */
        public static final Limits DEFAULT = new Limits(262_144, 64, 64, 4096);

        public Limits {
            if (maxStanzaBytes < 1 || maxDepth < 1 || maxAttributes < 1 || maxStreamHeaderBytes < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
        }
    }

    /** Receives the events of one stream; called from inside {@link #feed}. */
    public interface Listener {
        /** A stream header arrived: the first one, or the first after {@link #reset()}. */
        void streamOpened(StreamHeader header);

        /**
         * The start tag of a top-level element arrived; its attributes are not parsed yet and its
         * content has not been read. Throwing refuses the element at once: the parser dies with
         * that exception, so an element that could only be refused at its end tag is not read up
         * to it (a client that never sends the end tag would otherwise hold the stream).
         *
         * <p>The default accepts every element.
         *
         * @param namespace the element's namespace URI, empty when it has none
         * @param localName the element's local name
         * @throws XmlStreamException to refuse the element, with the stream error to close with
         */
        default void topLevelElementStarted(String namespace, String localName) throws XmlStreamException {
        }

        /** A complete top-level element arrived. */
        void element(Element element);

        /** The peer closed its stream with {@code </stream:stream>}. */
        void streamClosed();
    }

    private static final byte HEADER = 0; // expecting a stream header
    private static final byte OPEN = 1; // inside the stream
    private static final byte CLOSED = 2; // after the stream's end tag

    /**
     * A reader is replaced at the first top-level boundary after it has taken this many bytes of
     * markup (everything but character data). An aalto reader keeps every element and attribute
     * name it has seen in its own name table, so a long-lived stream sending ever-new names would
     * otherwise grow that table without bound. Character data never enters that table: counting
     * it renewed the reader every four messages of a flood of 16 KiB bodies, and each new reader
     * grew its text buffer again from 500 characters, a fifth of all the server allocated.
     */
    private static final long RENEW_AFTER_MARKUP_BYTES = 64 * 1024;
    /** ...and after this many bytes of anything, so that no reader's other buffers live for good. */
    private static final long RENEW_AFTER_BYTES = 1024 * 1024;
    /**
     * ...and after a text longer than this: aalto's text buffer grows to the longest text it has
     * read and keeps that size while the reader lives, which a busy stream's reader would otherwise
     * do for a megabyte (a 16 KiB body leaves it at 18,000 characters, 36 KB).
     */
    private static final int RENEW_AFTER_TEXT_CHARS = 32 * 1024;

    private final Limits limits;
    private final Listener listener;
    /** Null before the first feed, after compact(), reset() or a failure. */
    private AsyncXMLStreamReader<AsyncByteArrayFeeder> reader;
    /** The top-level element being built; null until the first one and after compact(). */
    private ElementAssembler assembler;
    /** The stream open tag's prefix, then (prefix, URI) pairs of its namespace declarations; null before the header. */
    private String[] streamContext;
    /**
     * The stream's content namespace when it is another stanza namespace than jabber:client
     * (a server-to-server or component stream): elements in it are read into jabber:client, the
     * element model's one stanza namespace. Null on client streams.
     */
    private String stanzaNamespace;
    private XmlStreamException failure;
    /** Bytes given to the current reader, including the open tag that primed it. */
    private long fed;
    /** Characters of character data the current reader has reported (see RENEW_AFTER_MARKUP_BYTES). */
    private long textChars;
    /** The current reader has read a text longer than RENEW_AFTER_TEXT_CHARS. */
    private boolean longTextRead;
    /** Readers made so far, for the tests of when one is renewed. */
    private int readersOpened;
    /** The reader offset where the current top-level unit (element, white space, pending markup) started. */
    private long unitStart;
    private byte phase;
    /** Before the stream header: the last byte of the previous piece was '<'. */
    private boolean prologLt;
    /** The first bytes of a UTF-8 sequence the last feed ended with (see characterBoundary), and their count in the top byte; 0 when none. */
    private int heldUtf8;
    /** Where the UTF-8 check of every byte received stands (see {@link Utf8#check}). */
    private int utf8State = Utf8.BETWEEN_CHARACTERS;

    /**
     * Reads back one element that {@link XmlSerializer#toXml} wrote (data a bundle stored), with the
     * same rules as a received stream: entities are never expanded, and limits apply.
     *
     * @param contentNamespace the default namespace the element was written in ({@code jabber:client} for stanzas)
     * @throws IllegalArgumentException when the text is not exactly one well-formed element
     * @since 1.2
     */
    public static Element parseElement(String xml, String contentNamespace) {
        Element[] parsed = new Element[1];
        XmppStreamParser parser = new XmppStreamParser(Limits.DEFAULT, new Listener() {
            @Override
            public void streamOpened(StreamHeader header) {
            }

            @Override
            public void element(Element element) {
                if (parsed[0] != null) {
                    throw new IllegalArgumentException("more than one element");
                }
                parsed[0] = element;
            }

            @Override
            public void streamClosed() {
            }
        });
        byte[] open = ("<stream:stream xmlns='" + contentNamespace + "' xmlns:stream='" + Namespaces.STREAM + "'>")
                .getBytes(StandardCharsets.UTF_8);
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        try {
            parser.feed(open, 0, open.length);
            parser.feed(bytes, 0, bytes.length);
        } catch (XmlStreamException e) {
            throw new IllegalArgumentException("not well-formed: " + e.getMessage(), e);
        }
        if (parsed[0] == null) {
            throw new IllegalArgumentException("incomplete: no whole element");
        }
        return parsed[0];
    }

    public XmppStreamParser(Limits limits, Listener listener) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Parses the next bytes of the stream and reports what they complete.
     *
     * @throws XmlStreamException when the stream breaks a rule; the parser is then dead
     */
    public void feed(byte[] buf, int off, int len) throws XmlStreamException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (failure != null) {
            throw failure;
        }
        int end = off + len;
        // Every byte is checked before aalto sees any of them (it decodes overlong forms and
        // encoded surrogates as if they were characters), so nothing of a read that carries
        // ill-formed UTF-8 is reported.
        int checked = Utf8.check(buf, off, end, utf8State);
        if (checked < 0) {
            XmlStreamException e = illFormedUtf8(buf, off, ~checked);
            die(e);
            throw e;
        }
        utf8State = checked;
        try {
            int p = off;
            if (heldUtf8 != 0) {
                p = completeHeldCharacter(buf, p, end);
            }
            feedPieces(buf, p, end);
        } catch (XmlStreamException e) {
            die(e);
            throw e;
        } catch (RuntimeException e) {
            // A listener failed in the middle of a piece: where the stream stands is unknown.
            die(new XmlStreamException(StreamErrorCondition.INTERNAL_SERVER_ERROR, "stream listener failed", e));
            throw e;
        }
    }

    /**
     * Expects a new stream header next (RFC 6120 sections 5.4.3.3 and 6.4.6: after STARTTLS and
     * after SASL success both sides start new streams). A dead parser stays dead.
     */
    public void reset() {
        dropReader();
        assembler = null;
        streamContext = null;
        stanzaNamespace = null;
        phase = HEADER;
        prologLt = false;
        if (heldUtf8 != 0) {
            // The start of a character is dropped: its continuation bytes, if they come, are stray.
            // (A reset from a listener inside feed never gets here: bytes are only held at its end.)
            heldUtf8 = 0;
            utf8State = Utf8.BETWEEN_CHARACTERS;
        }
    }

    /**
     * Releases every buffer the parser can while the connection is idle. Works when the stream is
     * between top-level elements with no partial markup pending; otherwise does nothing.
     *
     * @return true when the parser now holds no reader (it was released or there was none)
     */
    public boolean compact() {
        if (reader != null) {
            // unitStart == fed: every byte fed belongs to a completed top-level event
            if (phase != OPEN || unitStart != fed || heldUtf8 != 0) {
                return false;
            }
            dropReader();
        }
        assembler = null;
        return true;
    }

    /** Gives {@code buf[p, end)} to the reader in pieces that respect the limits and UTF-8 sequences. */
    private void feedPieces(byte[] buf, int p, int end) throws XmlStreamException {
        while (p < end) {
            AsyncXMLStreamReader<AsyncByteArrayFeeder> r = reader != null ? reader : openReader();
            // aalto buffers a token until it ends: never giving it more than one byte past the
            // current limit means an oversized stanza or header is refused before it is held.
            long room = Math.max(1, limit() - (fed - unitStart) + 1);
            int q = p + (int) Math.min(end - p, room);
            int cut = characterBoundary(buf, p, q);
            if (cut == p) {
                // buf[p, q) is the beginning of one character
                int whole = p + sequenceLength(buf[p]);
                if (whole > end) {
                    hold(buf, p, end);
                    return;
                }
                cut = whole; // less room than one character: take it whole, at most 3 bytes past the limit
            }
            p = drain(r, buf, p, cut - p);
        }
    }

    /**
     * Completes the character whose first bytes the previous feed ended with, from the first
     * bytes of this one, and parses it.
     *
     * @return the index of the first byte after the character
     */
    private int completeHeldCharacter(byte[] buf, int p, int end) throws XmlStreamException {
        int count = heldUtf8 >>> 24;
        byte[] character = new byte[sequenceLength((byte) heldUtf8)];
        for (int i = 0; i < count; i++) {
            character[i] = (byte) (heldUtf8 >>> (8 * i));
        }
        int taken = Math.min(character.length - count, end - p);
        System.arraycopy(buf, p, character, count, taken);
        heldUtf8 = 0;
        if (count + taken < character.length) {
            hold(character, 0, count + taken);
        } else {
            feedPieces(character, 0, character.length);
        }
        return p + taken;
    }

    /** Keeps the 1 to 3 bytes of an incomplete UTF-8 sequence, packed with their count. */
    private void hold(byte[] buf, int from, int to) {
        int held = (to - from) << 24;
        for (int i = from; i < to; i++) {
            held |= (buf[i] & 0xFF) << (8 * (i - from));
        }
        heldUtf8 = held;
    }

    /**
     * Where a piece {@code buf[p, q)} should end so that it does not end inside a UTF-8 sequence:
     * {@code q}, or the start of the incomplete sequence at its end. aalto 1.4.0 decodes a
     * supplementary character split across pieces inside an attribute value wrongly (its
     * handleAttrValuePending subtracts 0x10000 twice), so pieces never split a character.
     */
    private static int characterBoundary(byte[] buf, int p, int q) {
        for (int i = q - 1; i >= p && i >= q - 3; i--) {
            if ((buf[i] & 0xC0) != 0x80) {
                // not a continuation byte: the last sequence starts here
                return i + sequenceLength(buf[i]) > q ? i : q;
            }
        }
        return q; // no lead byte in the last three: not UTF-8, which feed refused before
    }

    /** The length of the UTF-8 sequence a byte starts: 1 for ASCII and for bytes that cannot start one. */
    private static int sequenceLength(byte lead) {
        int b = lead & 0xFF;
        if (b < 0xC0) {
            return 1;
        }
        if (b < 0xE0) {
            return 2;
        }
        if (b < 0xF0) {
            return 3;
        }
        return b < 0xF8 ? 4 : 1;
    }

    private AsyncXMLStreamReader<AsyncByteArrayFeeder> openReader() throws XmlStreamException {
        AsyncXMLStreamReader<AsyncByteArrayFeeder> r = Aalto.newReader();
        readersOpened++;
        reader = r;
        fed = 0;
        unitStart = 0;
        textChars = 0;
        longTextRead = false;
        if (phase != HEADER) {
            prime(r);
        }
        return r;
    }

    /** Gives a new reader the stream's namespace context: a copy of the stream's open tag. */
    private void prime(AsyncXMLStreamReader<AsyncByteArrayFeeder> r) throws XmlStreamException {
        StringBuilder tag = new StringBuilder(128).append('<');
        if (!streamContext[0].isEmpty()) {
            tag.append(streamContext[0]).append(':');
        }
        tag.append("stream");
        for (int i = 1; i < streamContext.length; i += 2) {
            tag.append(" xmlns");
            if (!streamContext[i].isEmpty()) {
                tag.append(':').append(streamContext[i]);
            }
            tag.append("='");
            Escaper.attribute(streamContext[i + 1], tag);
            tag.append('\'');
        }
        byte[] bytes = tag.append('>').toString().getBytes(StandardCharsets.UTF_8);
        try {
            r.getInputFeeder().feedInput(bytes, 0, bytes.length);
            while (r.next() != AsyncXMLStreamReader.EVENT_INCOMPLETE) {
                // START_DOCUMENT, then the stream's START_ELEMENT: already reported for this stream
            }
        } catch (XMLStreamException e) {
            throw new XmlStreamException(StreamErrorCondition.INTERNAL_SERVER_ERROR, "cannot restore the stream context", e);
        }
        fed = bytes.length;
        unitStart = fed;
    }

    /**
     * Gives {@code buf[p, p + n)} to the reader and handles the events it completes.
     *
     * @return the index up to which the bytes were consumed: {@code p + n}, or less when the reader
     *     was replaced on the way (a listener reset or compacted the parser, or it was renewed)
     */
    private int drain(AsyncXMLStreamReader<AsyncByteArrayFeeder> r, byte[] buf, int p, int n) throws XmlStreamException {
        long base = fed;
        try {
            r.getInputFeeder().feedInput(buf, p, n);
        } catch (XMLStreamException e) {
            // aalto refuses input only while earlier input is unread, which drain never leaves behind
            throw new XmlStreamException(StreamErrorCondition.INTERNAL_SERVER_ERROR, e.getMessage(), e);
        }
        fed = base + n;
        int event;
        while ((event = next(r, buf, p, base)) != AsyncXMLStreamReader.EVENT_INCOMPLETE) {
            handle(r, event, p);
            if (reader != r) {
                return p + (int) (offset(r, p) - base);
            }
        }
        if (phase == HEADER) {
            StreamErrorCondition refused = scanProlog(buf, p, p + n);
            if (refused != null) {
                throw prologError(refused);
            }
        }
        if (fed - unitStart > limit()) {
            throw new XmlStreamException(StreamErrorCondition.POLICY_VIOLATION, phase == HEADER
                    ? "stream header longer than " + limits.maxStreamHeaderBytes() + " bytes"
                    : "top-level element longer than " + limits.maxStanzaBytes() + " bytes");
        }
        return p + n;
    }

    private int next(AsyncXMLStreamReader<AsyncByteArrayFeeder> r, byte[] buf, int p, long base) throws XmlStreamException {
        try {
            return r.next();
        } catch (XMLStreamException e) {
            StreamErrorCondition condition = Aalto.classify(e);
            if (phase == HEADER) {
                // aalto fails on some refused prolog content with a generic error (a DOCTYPE with
                // an internal subset, a UTF-16 byte order mark): look at the bytes it had read.
                StreamErrorCondition refused = scanProlog(buf, p, errorIndex(e, p, base));
                if (refused != null) {
                    throw prologError(refused);
                }
            }
            throw new XmlStreamException(condition, e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new XmlStreamException(StreamErrorCondition.NOT_WELL_FORMED, String.valueOf(e.getMessage()), e);
        }
    }

    private void handle(AsyncXMLStreamReader<AsyncByteArrayFeeder> r, int event, int p) throws XmlStreamException {
        switch (event) {
            case XMLStreamConstants.START_DOCUMENT -> checkDeclaration(r);
            case XMLStreamConstants.START_ELEMENT -> {
                if (phase == HEADER) {
                    openStream(r, p);
                } else {
                    startElement(r);
                }
            }
            case XMLStreamConstants.END_ELEMENT -> endElement(r, p);
            case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> characters(r, p);
            case XMLStreamConstants.COMMENT -> throw restricted("comment");
            case XMLStreamConstants.PROCESSING_INSTRUCTION -> throw restricted("processing instruction");
            case XMLStreamConstants.DTD -> throw restricted("DOCTYPE");
            case XMLStreamConstants.ENTITY_REFERENCE -> throw restricted("entity reference &" + r.getLocalName() + ';');
            default -> throw new XmlStreamException(StreamErrorCondition.NOT_WELL_FORMED, "unexpected XML event " + event);
        }
    }

    private void checkDeclaration(AsyncXMLStreamReader<AsyncByteArrayFeeder> r) throws XmlStreamException {
        String encoding = r.getCharacterEncodingScheme();
        if (encoding != null && !encoding.equalsIgnoreCase("UTF-8")) {
            throw new XmlStreamException(StreamErrorCondition.UNSUPPORTED_ENCODING, "encoding " + encoding + " declared; XMPP is UTF-8 only");
        }
        String version = r.getVersion();
        if (version != null && !version.equals("1.0")) {
            // XML 1.1 allows characters XML 1.0 parties (every XMPP client) cannot take
            throw new XmlStreamException(StreamErrorCondition.BAD_FORMAT, "XML version " + version + "; XMPP uses XML 1.0");
        }
    }

    private void openStream(AsyncXMLStreamReader<AsyncByteArrayFeeder> r, int p) throws XmlStreamException {
        String namespace = namespace(r.getNamespaceURI());
        if (!Namespaces.STREAM.equals(namespace)) {
            // RFC 6120 section 4.8.1
            throw new XmlStreamException(StreamErrorCondition.INVALID_NAMESPACE,
                    "first element <" + r.getLocalName() + "> is in namespace '" + namespace + "', not the stream namespace");
        }
        if (!"stream".equals(r.getLocalName())) {
            throw new XmlStreamException(StreamErrorCondition.NOT_WELL_FORMED,
                    "first element is <" + r.getLocalName() + ">, not a stream header");
        }
        long end = offset(r, p);
        if (end > limits.maxStreamHeaderBytes()) {
            throw new XmlStreamException(StreamErrorCondition.POLICY_VIOLATION,
                    "stream header longer than " + limits.maxStreamHeaderBytes() + " bytes");
        }
        checkAttributeCount(r);
        int declarations = r.getNamespaceCount();
        String[] context = new String[1 + 2 * declarations];
        context[0] = namespace(r.getPrefix());
        String contentNamespace = null;
        for (int i = 0; i < declarations; i++) {
            String prefix = namespace(r.getNamespacePrefix(i));
            String uri = namespace(r.getNamespaceURI(i));
            context[1 + 2 * i] = prefix;
            context[2 + 2 * i] = uri;
            if (prefix.isEmpty() && !uri.isEmpty()) {
                contentNamespace = uri;
            }
        }
        if (Namespaces.STREAM.equals(contentNamespace)) {
            // RFC 6120 section 4.8.2: the content namespace must differ from the stream namespace
            throw new XmlStreamException(StreamErrorCondition.INVALID_NAMESPACE, "the stream namespace is declared as the content namespace");
        }
        String to = null;
        String from = null;
        String version = null;
        String lang = null;
        String id = null;
        for (int i = 0, count = r.getAttributeCount(); i < count; i++) {
            String attributeNamespace = namespace(r.getAttributeNamespace(i));
            String name = r.getAttributeLocalName(i);
            String value = r.getAttributeValue(i);
            if (attributeNamespace.isEmpty()) {
                switch (name) {
                    case "to" -> to = value;
                    case "from" -> from = value;
                    case "version" -> version = value;
                    case "id" -> id = value;
                    default -> {
                        // not part of the stream header contract
                    }
                }
            } else if (Namespaces.XML.equals(attributeNamespace) && "lang".equals(name)) {
                lang = value;
            }
        }
        streamContext = context;
        stanzaNamespace = Namespaces.SERVER.equals(contentNamespace) || Namespaces.COMPONENT_ACCEPT.equals(contentNamespace)
                ? contentNamespace : null;
        phase = OPEN;
        unitStart = end;
        listener.streamOpened(new StreamHeader(to, from, version, lang, id, contentNamespace, namespace));
    }

    private void startElement(AsyncXMLStreamReader<AsyncByteArrayFeeder> r) throws XmlStreamException {
        if (assembler == null) {
            assembler = new ElementAssembler();
        }
        if (assembler.depth() >= limits.maxDepth()) {
            throw new XmlStreamException(StreamErrorCondition.POLICY_VIOLATION, "elements nested deeper than " + limits.maxDepth());
        }
        String namespace = namespace(r.getNamespaceURI());
        if (stanzaNamespace != null && namespace.equals(stanzaNamespace)) {
            namespace = Namespaces.CLIENT; // the model's one stanza namespace (see Namespaces.CLIENT)
        }
        if (assembler.depth() == 0) {
            topLevelStart(namespace, r.getLocalName());
        }
        checkAttributeCount(r);
        Element.Builder element = Element.builder(r.getLocalName(), namespace);
        for (int i = 0, count = r.getAttributeCount(); i < count; i++) {
            element.attribute(attributeName(r, i), r.getAttributeValue(i));
        }
        assembler.start(element);
    }

    /** Refuses a nested stream header, then lets the listener refuse what it never accepts. */
    private void topLevelStart(String namespace, String localName) throws XmlStreamException {
        if (Namespaces.STREAM.equals(namespace) && "stream".equals(localName)) {
            // A stream is opened once, by its first element (RFC 6120 section 4.2). Read on, the
            // header would be buffered as the start of an element that never ends and the stream
            // would stall; it is a first-level child no XMPP entity supports (section 4.9.3.24).
            throw new XmlStreamException(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, "a stream header inside the stream");
        }
        listener.topLevelElementStarted(namespace, localName);
    }

    private void endElement(AsyncXMLStreamReader<AsyncByteArrayFeeder> r, int p) throws XmlStreamException {
        if (assembler == null || assembler.depth() == 0) {
            // </stream:stream>
            phase = CLOSED;
            unitStart = offset(r, p);
            listener.streamClosed();
            return;
        }
        Element element = assembler.end();
        if (assembler.depth() == 0) {
            long end = offset(r, p);
            if (end - unitStart > limits.maxStanzaBytes()) {
                throw new XmlStreamException(StreamErrorCondition.POLICY_VIOLATION,
                        "top-level element of " + (end - unitStart) + " bytes; the limit is " + limits.maxStanzaBytes());
            }
            unitStart = end;
            renewIfWorn();
            listener.element(element);
        }
    }

    private void characters(AsyncXMLStreamReader<AsyncByteArrayFeeder> r, int p) throws XmlStreamException {
        boolean content = assembler != null && assembler.depth() > 0;
        char[] text = null;
        int start = 0;
        int length;
        try {
            if (content) {
                // As a String straight from aalto's segments: asking for the characters first made
                // a char[] of them when the text came in several segments, and then a String of that.
                String string = r.getText();
                length = string.length();
                assembler.text(string);
            } else {
                text = r.getTextCharacters();
                start = r.getTextStart();
                length = r.getTextLength();
            }
        } catch (RuntimeException e) {
            // aalto reads text lazily, so a character XML 1.0 does not allow (U+FFFE, U+FFFF, C0
            // controls, raw or as a reference) is found only here and thrown unchecked: without
            // this it escaped feed as an internal error and the stream was cut without a stream error.
            XMLStreamException cause = e.getCause() instanceof XMLStreamException x ? x : null;
            throw new XmlStreamException(cause == null ? StreamErrorCondition.NOT_WELL_FORMED : Aalto.classify(cause),
                    String.valueOf(cause == null ? e.getMessage() : cause.getMessage()), e);
        }
        textChars += length;
        if (length > RENEW_AFTER_TEXT_CHARS) {
            longTextRead = true;
        }
        if (content) {
            return;
        }
        for (int i = start, end = start + length; i < end; i++) {
            char c = text[i];
            if (c != ' ' && c != '\n' && c != '\t' && c != '\r') {
                throw new XmlStreamException(StreamErrorCondition.BAD_FORMAT, "character data outside of a top-level element");
            }
        }
        if (phase == OPEN) {
            // white space between top-level elements: a keepalive (RFC 6120 section 4.6.1)
            unitStart = offset(r, p);
            renewIfWorn();
        }
    }

    private void checkAttributeCount(AsyncXMLStreamReader<AsyncByteArrayFeeder> r) throws XmlStreamException {
        if (r.getAttributeCount() + r.getNamespaceCount() > limits.maxAttributes()) {
            throw new XmlStreamException(StreamErrorCondition.POLICY_VIOLATION,
                    "<" + r.getLocalName() + "> has more than " + limits.maxAttributes() + " attributes and namespace declarations");
        }
    }

    /** The attribute's name as the Element model spells it: local, {@code xml:local} or {@code {uri}local}. */
    private static String attributeName(AsyncXMLStreamReader<AsyncByteArrayFeeder> r, int index) {
        String local = r.getAttributeLocalName(index);
        String uri = r.getAttributeNamespace(index);
        if (uri == null || uri.isEmpty()) {
            return local;
        }
        if (Namespaces.XML.equals(uri)) {
            return "lang".equals(local) ? "xml:lang" : "xml:" + local;
        }
        return '{' + uri + '}' + local;
    }

    private void renewIfWorn() {
        if (fed - textChars > RENEW_AFTER_MARKUP_BYTES || fed > RENEW_AFTER_BYTES || longTextRead) {
            dropReader();
        }
    }

    /**
     * Drops the reader without closing it: closing would merge the names it has seen into the
     * factory's shared name table (see {@code Aalto}), which must not grow with what peers send.
     */
    private void dropReader() {
        reader = null;
        fed = 0;
        unitStart = 0;
        textChars = 0;
        longTextRead = false;
    }

    int readersOpened() {
        return readersOpened;
    }

    private void die(XmlStreamException e) {
        failure = e;
        reader = null;
        assembler = null;
        streamContext = null;
    }

    private long limit() {
        return phase == HEADER ? limits.maxStreamHeaderBytes() : limits.maxStanzaBytes();
    }

    /**
     * The reader offset just past the current event. aalto counts offsets as the bytes fed before
     * the current piece plus the index into that piece's array, so the piece's start is subtracted.
     */
    private static long offset(AsyncXMLStreamReader<AsyncByteArrayFeeder> r, int pieceStart) throws XmlStreamException {
        try {
            return r.getLocationInfo().getEndingByteOffset() - pieceStart;
        } catch (XMLStreamException e) {
            throw new XmlStreamException(StreamErrorCondition.INTERNAL_SERVER_ERROR, e.getMessage(), e);
        }
    }

    /** One past the index of the byte where aalto failed (a bound: the whole piece when unknown). */
    private int errorIndex(XMLStreamException e, int p, long base) {
        int end = p + (int) (fed - base);
        Location at = e.getLocation();
        if (at == null || at.getCharacterOffset() < 0) {
            return end;
        }
        long index = at.getCharacterOffset() - base + 1;
        return (int) Math.max(p, Math.min(end, index));
    }

    /**
     * Looks for what must not come before the stream header in {@code buf[from, to)}: {@code <!}
     * (a comment or a DOCTYPE) and bytes that never occur in UTF-8 (0x00, 0xFE, 0xFF: UTF-16 or
     * UTF-32, or their byte order marks).
     */
    private StreamErrorCondition scanProlog(byte[] buf, int from, int to) {
        boolean afterLt = prologLt;
        for (int i = from; i < to; i++) {
            byte b = buf[i];
            if (b == 0 || b == (byte) 0xFE || b == (byte) 0xFF) {
                return StreamErrorCondition.UNSUPPORTED_ENCODING;
            }
            if (b == '!' && afterLt) {
                return StreamErrorCondition.RESTRICTED_XML;
            }
            afterLt = b == '<';
        }
        prologLt = afterLt;
        return null;
    }

    /**
     * The refusal for ill-formed UTF-8 at {@code buf[at]}. XML 1.0 section 4.3.3 makes bytes that
     * are not legal in the entity's encoding a fatal error, that is a well-formedness error, hence
     * {@code not-well-formed} (RFC 6120 section 4.9.3.13; section 11.6 makes UTF-8 the only
     * encoding). Not {@code unsupported-encoding} (section 4.9.3.22), which is for a stream in
     * another encoding: that is what a UTF-16 or UTF-32 byte order mark at the start means.
     */
    private XmlStreamException illFormedUtf8(byte[] buf, int from, int at) {
        int b = buf[at] & 0xFF;
        if (phase == HEADER && fed + (at - from) < 4 && b >= 0xFE) {
            return prologError(StreamErrorCondition.UNSUPPORTED_ENCODING);
        }
        return new XmlStreamException(StreamErrorCondition.NOT_WELL_FORMED,
                String.format("ill-formed UTF-8 (RFC 3629): byte 0x%02X cannot come %s", b,
                        Utf8.inCharacter(utf8StateBefore(buf, from, at)) ? "inside this character" : "here"));
    }

    /** The UTF-8 state just before {@code buf[at]}: where the check of this read stood when it failed. */
    private int utf8StateBefore(byte[] buf, int from, int at) {
        return Utf8.check(buf, from, at, utf8State);
    }

    private static XmlStreamException prologError(StreamErrorCondition condition) {
        return new XmlStreamException(condition, condition == StreamErrorCondition.RESTRICTED_XML
                ? "comment or DOCTYPE before the stream header"
                : "the stream is not UTF-8");
    }

    private static XmlStreamException restricted(String what) {
        return new XmlStreamException(StreamErrorCondition.RESTRICTED_XML, what + " not allowed in XMPP (RFC 6120 section 11.1)");
    }

    private static String namespace(String uri) {
        return uri == null ? "" : uri;
    }
}
