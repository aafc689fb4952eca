package org.parley.components.internal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.parley.api.connection.StreamHeader;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaException;
import org.parley.api.stanza.StreamErrorCondition;
import org.parley.xml.XmlSerializer;
import org.parley.xml.XmlStreamException;
import org.parley.xml.XmppStreamParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One component connection (XEP-0114): the stream header naming the component's domain, the
 * handshake, then stanzas both ways. Parser events come from the connection's I/O thread, one at
 * a time; {@link #send} comes from routing's threads.
 *
 * <p>What the component sends is checked before routing sees it: each stanza's {@code from} must
 * be the component's domain or a JID at it ({@code invalid-from} otherwise; a component speaks
 * for its own domain only), {@code to} and {@code from} must be present ({@code
 * improper-addressing}), a stanza over the size limit closes the stream ({@code
 * policy-violation}, by the parser), and past the rate limit the server stops reading until the
 * component is back under it.
 */
final class ComponentStream implements XmppStreamParser.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ComponentStream.class);

    /** CLOSING: the server closed its side and still reads (and routes) until the component closes its own. */
    /** Unread bytes past which the component counts as not reading (its connection is closed, its stanzas held). */
    static final long MAX_UNREAD_BYTES = 16L * 1024 * 1024;

    private enum State { HEADER, HANDSHAKE, READY, CLOSING, CLOSED }

    private final Wire wire;
    private final ComponentHost host;
    private final String streamId;
    private final XmppStreamParser parser;
    private volatile State state = State.HEADER;
    private volatile boolean headerSent;
    private ExternalComponent component;
    /** Stanzas the component may still send now (a token bucket holding up to one second's worth). */
    private double tokens;
    private long refilledAt;
    private volatile boolean readingSuspended;

    ComponentStream(Wire wire, ComponentHost host, String streamId) {
        this.wire = wire;
        this.host = host;
        this.streamId = streamId;
        ComponentSettings s = host.settings();
        this.parser = new XmppStreamParser(new XmppStreamParser.Limits(s.maxStanzaBytes(), 64, 64, 4096), this);
        this.tokens = s.maxStanzasPerSecond();
        this.refilledAt = host.nanoTime();
    }

    String streamId() {
        return streamId;
    }

    /** Bytes from the socket, in order, from the I/O thread. */
    void received(byte[] bytes, int off, int len) {
        if (state == State.CLOSED) {
            return;
        }
        try {
            parser.feed(bytes, off, len);
        } catch (XmlStreamException e) {
            LOG.debug("Component stream {} from {} refused: {}", streamId, wire.remote(), e.getMessage());
            closeWithError(e.condition(), e.condition() == StreamErrorCondition.POLICY_VIOLATION ? e.getMessage() : null);
        }
    }

    @Override
    public void streamOpened(StreamHeader header) {
        if (!Namespaces.COMPONENT_ACCEPT.equals(header.defaultNamespace())) {
            closeWithError(StreamErrorCondition.INVALID_NAMESPACE, "this port accepts " + Namespaces.COMPONENT_ACCEPT + " streams only");
            return;
        }
        DomainBareJid domain = null;
        try {
            domain = header.to() == null ? null : JidCreate.domainBareFrom(header.to());
        } catch (XmppStringprepException | IllegalArgumentException e) {
            // answered as unknown below
        }
        ExternalComponent configured = domain == null ? null : host.component(domain);
        if (configured == null) {
            if (host.shouldLogRefusal(wire.remote().getAddress(), "host-unknown")) {
                LOG.warn("Refused a component stream from {}: '{}' is not a configured component domain (logged once per "
                        + "address and interval)", wire.remote(), header.to());
            }
            closeWithError(StreamErrorCondition.HOST_UNKNOWN, "no component is configured for that domain");
            return;
        }
        component = configured;
        writeText(XmlSerializer.streamHeader(Namespaces.COMPONENT_ACCEPT, configured.domain().toString(), null, streamId, null, null));
        headerSent = true;
        state = State.HANDSHAKE;
    }

    @Override
    public void topLevelElementStarted(String namespace, String localName) throws XmlStreamException {
        if (state == State.HANDSHAKE && !"handshake".equals(localName)) {
            throw new XmlStreamException(StreamErrorCondition.NOT_AUTHORIZED, "a stanza before the handshake");
        }
        if (state == State.READY && (!Namespaces.CLIENT.equals(namespace) || Stanza.kindOf(Element.empty(localName, namespace)) == null)) {
            throw new XmlStreamException(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, "not a stanza: " + localName);
        }
    }

    @Override
    public void element(Element element) {
        switch (state) {
            case HANDSHAKE -> handshake(element);
            case READY, CLOSING -> stanza(element);
            default -> {
                // closed meanwhile: what follows is not read
            }
        }
    }

    private void handshake(Element element) {
        if (!Handshake.matches(streamId, component.secret(), element.text())) {
            if (host.shouldLogRefusal(wire.remote().getAddress(), "not-authorized")) {
                LOG.warn("Refused component {} from {}: wrong handshake (wrong secret; logged once per address and interval)",
                        component.domain(), wire.remote());
            }
            closeWithError(StreamErrorCondition.NOT_AUTHORIZED, "wrong handshake");
            return;
        }
        state = State.READY;
        writeText("<handshake/>");
        ComponentStream replaced = component.attach(this);
        if (replaced == this) {
            closeWithError(StreamErrorCondition.HOST_GONE, "the component is no longer configured");
            return;
        }
        if (replaced != null) {
            LOG.info("Component {} connected again from {}: its previous connection from {} is closed with conflict",
                    component.domain(), wire.remote(), replaced.wire.remote());
            ExternalComponent.closeReplaced(replaced);
        } else {
            LOG.info("Component {} connected from {}", component.domain(), wire.remote());
        }
    }

    private void stanza(Element element) {
        Stanza stanza;
        try {
            stanza = Stanza.of(element);
        } catch (StanzaException e) {
            // RFC 6120 section 8.3.1, built by hand: the addresses may be what could not be parsed
            if (!"error".equals(element.attribute("type"))) {
                Element.Builder reply = Element.builder(element.name(), Namespaces.CLIENT).attribute("type", "error");
                if (element.attribute("id") != null) {
                    reply.attribute("id", element.attribute("id"));
                }
                if (element.attribute("to") != null) {
                    reply.attribute("from", element.attribute("to"));
                }
                if (element.attribute("from") != null) {
                    reply.attribute("to", element.attribute("from"));
                }
                reply.child(Element.builder("error", Namespaces.CLIENT).attribute("type", e.condition().defaultType().xmlName())
                        .child(Element.empty(e.condition().xmlName(), Namespaces.STANZAS_ERROR)).build());
                wire.write(XmlSerializer.toBytes(reply.build(), Namespaces.COMPONENT_ACCEPT));
            }
            spendToken();
            return;
        }
        if (stanza.from() == null || stanza.to() == null) {
            closeWithError(StreamErrorCondition.IMPROPER_ADDRESSING, "a component's stanza needs 'from' and 'to'");
            return;
        }
        if (!stanza.from().asDomainBareJid().equals(component.domain())) {
            LOG.warn("Component {} sent a stanza from {}: closed with invalid-from", component.domain(), stanza.from());
            closeWithError(StreamErrorCondition.INVALID_FROM, "'from' must be " + component.domain() + " or a JID at it");
            return;
        }
        host.route(stanza);
        spendToken();
    }

    /** The rate limit: past it, reading stops until the bucket holds a stanza again. */
    private void spendToken() {
        int rate = host.settings().maxStanzasPerSecond();
        long now = host.nanoTime();
        tokens = Math.min(rate, tokens + (now - refilledAt) * rate / 1e9);
        refilledAt = now;
        tokens -= 1;
        if (tokens < 0 && !readingSuspended) {
            readingSuspended = true;
            wire.suspendReading();
            long waitNanos = (long) Math.ceil(-tokens * 1e9 / rate) + 1;
            host.timer().schedule(this::resume, waitNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void resume() {
        readingSuspended = false; // on the timer thread; the I/O thread reads nothing meanwhile
        if (state != State.CLOSED) {
            wire.resumeReading();
        }
    }

    @Override
    public void streamClosed() {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.CLOSING) {
            state = State.CLOSED;
            wire.closeAfterWrites();
            return;
        }
        state = State.CLOSED;
        detach();
        writeText(XmlSerializer.streamClose());
        wire.closeAfterWrites();
    }

    /** The socket is gone. */
    void disconnected() {
        state = State.CLOSED;
        detach();
    }

    /**
     * A stanza routing gives the component.
     *
     * @return false, writing nothing, when the component has left more than {@link #MAX_UNREAD_BYTES}
     *     unread: a component that stopped reading must not fill the server's memory
     */
    boolean send(Stanza stanza) {
        if (wire.pendingWriteBytes() > MAX_UNREAD_BYTES) {
            return false;
        }
        sendAnyway(stanza);
        return true;
    }

    /** Writes whatever the component has left unread (what was held for it, when it connects). */
    void sendAnyway(Stanza stanza) {
        wire.write(XmlSerializer.toBytes(stanza.element(), Namespaces.COMPONENT_ACCEPT));
    }

    /**
     * Ends the stream the way RFC 6120 section 4.4 closes one, for this bundle's stop: the server
     * sends its {@code </stream:stream>} and goes on reading, so a stanza the component sent before
     * it saw the close is still routed, not dropped with the socket; the socket closes when the
     * component closes its stream (or when the bundle stops waiting). The component reconnects to
     * the successor; routing and the successor hold what is meant for it meanwhile.
     */
    void closeGracefully() {
        synchronized (this) {
            if (state != State.READY) {
                if (state != State.CLOSED && state != State.CLOSING) {
                    state = State.CLOSED;
                    wire.closeAfterWrites();
                }
                return;
            }
            state = State.CLOSING;
        }
        writeText(XmlSerializer.streamClose());
    }

    /** Sends a stream error and closes (RFC 6120 section 4.9); a header first if none was sent. */
    void closeWithError(StreamErrorCondition condition, String text) {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            if (state == State.CLOSING) {
                state = State.CLOSED; // our stream is already closed: no error can follow it
                wire.closeAfterWrites();
                return;
            }
            state = State.CLOSED;
        }
        detach();
        StringBuilder out = new StringBuilder(256);
        if (!headerSent) {
            headerSent = true;
            out.append(XmlSerializer.streamHeader(Namespaces.COMPONENT_ACCEPT, null, null, streamId, null, null));
        }
        out.append(XmlSerializer.toXml(condition.toElement(text))).append(XmlSerializer.streamClose());
        writeText(out.toString());
        wire.closeAfterWrites();
    }

    private void detach() {
        ExternalComponent c = component;
        if (c != null) {
            c.detach(this);
        }
    }

    private void writeText(String text) {
        wire.write(text.getBytes(StandardCharsets.UTF_8));
    }
}
