package org.parley.router.internal;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Localpart;
import org.jxmpp.jid.parts.Resourcepart;
import org.jxmpp.stringprep.XmppStringprepException;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslService;
import org.parley.api.auth.SaslStep;
import org.parley.api.connection.ClientConnection;
import org.parley.api.connection.StreamHandler;
import org.parley.api.connection.StreamHeader;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.api.stanza.StanzaException;
import org.parley.api.stanza.StreamErrorCondition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client stream, from the first header to the end of the connection: STARTTLS, SASL and
 * resource binding (RFC 6120 sections 4 to 7), then stanzas. Once bound it is the user's
 * {@link Session}.
 *
 * <p>The transport calls in one event at a time. SASL steps complete asynchronously (storage and
 * PBKDF2 run elsewhere); while one is outstanding, further events wait in a small queue so the
 * stream is still processed strictly in order. All state is guarded by {@code this}.
 */
final class ClientStream implements StreamHandler, Session, SaslContext {
    private static final Logger LOG = LoggerFactory.getLogger(ClientStream.class);

    private enum State { AWAIT_HEADER, NEGOTIATING, AUTHENTICATED, BOUND, CLOSED }

    private final StreamRouter router;
    private final ClientConnection connection;
    private State state = State.AWAIT_HEADER;
    private boolean authenticated;
    private boolean bound;
    private SaslNegotiation sasl;
    private String saslMechanism;
    private int failedAuthAttempts;
    /** Events that arrived while a SASL step was outstanding; null when none are waiting. */
    private ArrayDeque<Runnable> waiting;
    private boolean busy;
    private ScheduledFuture<?> authDeadline;

    private String username;
    private volatile EntityFullJid jid;
    private volatile boolean available;
    private volatile int priority;

    ClientStream(StreamRouter router, ClientConnection connection) {
        this.router = router;
        this.connection = connection;
        this.authDeadline = router.timer().schedule(this::authTimedOut, router.config().authTimeoutSeconds(), TimeUnit.SECONDS);
    }

    // ---- StreamHandler: events from the transport ----

    @Override
    public synchronized void streamOpened(StreamHeader header) {
        if (defer(() -> streamOpened(header))) {
            return;
        }
        DomainBareJid domain = router.domain();
        if (!Namespaces.CLIENT.equals(header.defaultNamespace())) {
            fail(StreamErrorCondition.INVALID_NAMESPACE, "the default namespace must be jabber:client");
            return;
        }
        if (header.to() != null && !domain.toString().equals(normalizeDomain(header.to()))) {
            fail(StreamErrorCondition.HOST_UNKNOWN, "this server serves " + domain);
            return;
        }
        if (header.version() == null || !header.version().startsWith("1.")) {
            fail(StreamErrorCondition.UNSUPPORTED_VERSION, "XMPP 1.0 streams only");
            return;
        }
        connection.openStream(domain.toString(), authenticated ? jidString() : header.from(), "1.0", "en", features());
        state = authenticated ? State.AUTHENTICATED : State.NEGOTIATING;
    }

    /**
     * Refuses at its start tag a top-level element this stream never accepts, with
     * unsupported-stanza-type (RFC 6120 section 4.9.3.24): only stanzas, the STARTTLS and SASL
     * elements before authentication (sections 5 and 6) and a stream error are read to their end.
     * Whether an accepted element is acceptable now (a stanza before TLS, for one) is still
     * decided by {@link #element}, with the condition it has always given.
     */
    @Override
    public synchronized StreamErrorCondition refusalOfTopLevelElement(String namespace, String localName) {
        boolean accepted = switch (namespace) {
            case Namespaces.CLIENT -> localName.equals("message") || localName.equals("presence") || localName.equals("iq");
            case Namespaces.TLS -> !authenticated && localName.equals("starttls");
            case Namespaces.SASL -> !authenticated && (localName.equals("auth") || localName.equals("response") || localName.equals("abort"));
            // either party may end the stream with an error (section 4.9.1.1)
            case Namespaces.STREAM -> localName.equals("error");
            default -> false;
        };
        return accepted ? null : StreamErrorCondition.UNSUPPORTED_STANZA_TYPE;
    }

    @Override
    public synchronized void element(Element element) {
        if (defer(() -> element(element))) {
            return;
        }
        switch (state) {
            case NEGOTIATING -> negotiate(element);
            case AUTHENTICATED -> beforeBind(element);
            case BOUND -> stanza(element);
            case AWAIT_HEADER, CLOSED -> {
            }
        }
    }

    @Override
    public synchronized void streamClosed() {
        if (defer(this::streamClosed)) {
            return;
        }
        connection.close();
    }

    @Override
    public void disconnected() {
        boolean wasBound;
        boolean wasAvailable;
        synchronized (this) {
            wasBound = bound;
            wasAvailable = available;
            state = State.CLOSED;
            available = false;
            waiting = null;
            if (authDeadline != null) {
                authDeadline.cancel(false);
            }
        }
        if (wasBound && router.sessions().unbind(this) && wasAvailable) {
            // RFC 6121 section 4.5.3: the server sends unavailable presence on the user's behalf.
            Element unavailable = Element.builder("presence", Namespaces.CLIENT)
                    .attribute("from", jid.toString()).attribute("type", "unavailable").build();
            router.delivery().routeFrom(Stanza.create(unavailable), this);
        }
    }

    /** While a SASL step is outstanding, queue the event; true when queued. */
    private boolean defer(Runnable event) {
        if (!busy) {
            return false;
        }
        if (waiting == null) {
            waiting = new ArrayDeque<>(2);
        }
        waiting.add(event);
        return true;
    }

    // ---- negotiation ----

    private Element features() {
        Element.Builder features = Element.builder("features", Namespaces.STREAM);
        if (authenticated) {
            features.child(Element.empty("bind", Namespaces.BIND));
            features.child(Element.builder("session", Namespaces.SESSION).child(Element.empty("optional", Namespaces.SESSION)).build());
            return features.build();
        }
        boolean tlsRequired = router.config().requireTls();
        if (!connection.isSecure() && connection.canStartTls()) {
            Element.Builder starttls = Element.builder("starttls", Namespaces.TLS);
            if (tlsRequired) {
                starttls.child(Element.empty("required", Namespaces.TLS));
            }
            features.child(starttls.build());
        }
        if (connection.isSecure() || !tlsRequired) {
            SaslService service = router.sasl();
            List<String> mechanisms = service == null ? List.of() : service.mechanisms(this);
            Element.Builder list = Element.builder("mechanisms", Namespaces.SASL);
            for (String m : mechanisms) {
                list.child(Element.builder("mechanism", Namespaces.SASL).text(m).build());
            }
            features.child(list.build());
        }
        return features.build();
    }

    private void negotiate(Element element) {
        String ns = element.namespace();
        if (Namespaces.TLS.equals(ns) && element.name().equals("starttls")) {
            if (connection.isSecure() || !connection.canStartTls()) {
                connection.send(Element.empty("failure", Namespaces.TLS));
                connection.close();
                return;
            }
            state = State.AWAIT_HEADER;
            connection.startTls(Element.empty("proceed", Namespaces.TLS));
            return;
        }
        if (Namespaces.SASL.equals(ns)) {
            sasl(element);
            return;
        }
        if (!connection.isSecure() && router.config().requireTls()) {
            fail(StreamErrorCondition.POLICY_VIOLATION, "start TLS first");
        } else {
            fail(StreamErrorCondition.NOT_AUTHORIZED, "authenticate first");
        }
    }

    private void sasl(Element element) {
        switch (element.name()) {
            case "auth" -> {
                if (!connection.isSecure() && router.config().requireTls()) {
                    saslFailure(SaslFailure.ENCRYPTION_REQUIRED, "start TLS first");
                    return;
                }
                SaslService service = router.sasl();
                String mechanism = element.attribute("mechanism");
                SaslNegotiation negotiation = service == null || mechanism == null ? null : service.start(mechanism, this);
                if (negotiation == null) {
                    saslFailure(service == null ? SaslFailure.TEMPORARY_AUTH_FAILURE : SaslFailure.INVALID_MECHANISM, null);
                    return;
                }
                sasl = negotiation;
                saslMechanism = mechanism;
                evaluate(element.text());
            }
            case "response" -> {
                if (sasl == null) {
                    saslFailure(SaslFailure.MALFORMED_REQUEST, "no authentication in progress");
                    return;
                }
                evaluate(element.text());
            }
            case "abort" -> {
                sasl = null;
                saslFailure(SaslFailure.ABORTED, null);
            }
            default -> fail(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, null);
        }
    }

    /** Decodes the base64 payload ("=" is an empty response, RFC 6120 section 6.4.2) and runs one SASL step. */
    private void evaluate(String base64) {
        byte[] response;
        String text = base64.trim();
        try {
            response = text.equals("=") || text.isEmpty() ? new byte[0] : Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            sasl = null;
            saslFailure(SaslFailure.INCORRECT_ENCODING, null);
            return;
        }
        busy = true;
        CompletionStage<SaslStep> step;
        try {
            step = sasl.evaluate(response);
        } catch (RuntimeException e) {
            LOG.error("SASL mechanism {} failed", saslMechanism, e);
            busy = false;
            sasl = null;
            saslFailure(SaslFailure.TEMPORARY_AUTH_FAILURE, null);
            return;
        }
        step.whenComplete(this::saslStepDone);
    }

    private synchronized void saslStepDone(SaslStep step, Throwable error) {
        busy = false;
        if (state == State.CLOSED) {
            return;
        }
        if (error != null) {
            LOG.error("SASL mechanism {} failed", saslMechanism, error);
            sasl = null;
            saslFailure(SaslFailure.TEMPORARY_AUTH_FAILURE, null);
        } else if (step instanceof SaslStep.Challenge c) {
            // An empty challenge is sent as "=" (RFC 6120 section 6.4.2: present, but no data).
            connection.send(Element.builder("challenge", Namespaces.SASL).text(c.data() == null || c.data().length == 0 ? "=" : base64(c.data())).build());
        } else if (step instanceof SaslStep.Success s) {
            sasl = null;
            authenticated = true;
            username = s.username();
            state = State.AWAIT_HEADER;
            // No additional data means an empty <success/> (RFC 6120 section 6.3.10); "=" would be
            // read as data, and a client doing PLAIN (which has none) may take it as a challenge.
            connection.sendAndResetStream(Element.builder("success", Namespaces.SASL).text(base64(s.additionalData())).build());
        } else if (step instanceof SaslStep.Failure f) {
            sasl = null;
            saslFailure(f.condition(), f.text());
        }
        drainWaiting();
    }

    private void drainWaiting() {
        while (!busy && waiting != null && !waiting.isEmpty()) {
            waiting.poll().run();
        }
        if (waiting != null && waiting.isEmpty()) {
            waiting = null;
        }
    }

    private void saslFailure(SaslFailure condition, String text) {
        Element.Builder failure = Element.builder("failure", Namespaces.SASL).child(Element.empty(condition.xmlName(), Namespaces.SASL));
        if (text != null && !text.isEmpty()) {
            failure.child(Element.builder("text", Namespaces.SASL).attribute("xml:lang", "en").text(text).build());
        }
        connection.send(failure.build());
        if (condition != SaslFailure.ABORTED && ++failedAuthAttempts >= router.config().maxAuthAttempts()) {
            fail(StreamErrorCondition.POLICY_VIOLATION, "too many failed authentication attempts");
        }
    }

    /** The base64 text of SASL data; nothing for none. */
    private static String base64(byte[] data) {
        return data == null || data.length == 0 ? "" : Base64.getEncoder().encodeToString(data);
    }

    // ---- resource binding ----

    private void beforeBind(Element element) {
        Stanza.Kind kind = Stanza.kindOf(element);
        if (kind == Stanza.Kind.IQ) {
            Element bind = element.child("bind", Namespaces.BIND);
            if (bind != null && "set".equals(element.attribute("type")) && element.attribute("id") != null) {
                bind(element, bind);
                return;
            }
        }
        fail(StreamErrorCondition.NOT_AUTHORIZED, "bind a resource first");
    }

    private void bind(Element iq, Element bind) {
        String requested = bind.childText("resource");
        Resourcepart resource;
        try {
            resource = requested == null || requested.isBlank()
                    ? Resourcepart.from(UUID.randomUUID().toString().substring(0, 13))
                    : Resourcepart.from(requested);
        } catch (XmppStringprepException e) {
            sendIqError(iq, StanzaErrorCondition.BAD_REQUEST, "the resource is not a valid resourcepart");
            return;
        }
        EntityFullJid full;
        try {
            full = JidCreate.entityFullFrom(Localpart.from(username), router.domain(), resource);
        } catch (XmppStringprepException e) {
            sendIqError(iq, StanzaErrorCondition.BAD_REQUEST, "cannot form a JID: " + e.getMessage());
            return;
        }
        jid = full;
        state = State.BOUND;
        bound = true;
        if (authDeadline != null) {
            authDeadline.cancel(false);
            authDeadline = null;
        }
        Session replaced = router.sessions().bind(this);
        if (replaced != null) {
            replaced.close(StreamErrorCondition.CONFLICT, "Replaced by new connection");
        }
        Element result = Element.builder("iq", Namespaces.CLIENT).attribute("type", "result").attribute("id", iq.attribute("id"))
                .child(Element.builder("bind", Namespaces.BIND).textChild("jid", full.toString()).build()).build();
        connection.send(result);
        LOG.debug("Bound {} from {}", full, connection.remoteAddress());
    }

    private void sendIqError(Element iq, StanzaErrorCondition condition, String text) {
        try {
            connection.send(Stanza.of(iq).errorReply(condition, text).element());
        } catch (StanzaException e) {
            fail(StreamErrorCondition.BAD_FORMAT, e.getMessage());
        }
    }

    // ---- stanzas ----

    private void stanza(Element element) {
        Stanza.Kind kind = Stanza.kindOf(element);
        if (kind == null) {
            fail(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, element.name() + " in " + element.namespace());
            return;
        }
        Stanza stanza;
        try {
            stanza = Stanza.of(element);
        } catch (StanzaException e) {
            replyError(element, e.condition(), e.getMessage());
            return;
        }
        Jid from = stanza.from();
        if (from != null && !from.equals(jid) && !from.equals(jid.asEntityBareJid())) {
            fail(StreamErrorCondition.INVALID_FROM, "from must be your own address");
            return;
        }
        stanza = stanza.withFrom(jid);
        if (kind == Stanza.Kind.PRESENCE && stanza.to() == null) {
            recordPresence(stanza);
        }
        if (kind == Stanza.Kind.IQ && stanza.to() == null && stanza.isIqRequest()
                && stanza.payload() != null && stanza.payload().is("session", Namespaces.SESSION)) {
            // RFC 3921 session establishment: a no-op kept for old clients (RFC 6121 appendix E).
            deliver(stanza.resultReply(null));
            return;
        }
        router.delivery().routeFrom(stanza, this);
    }

    /** Answers a stanza that could not be parsed into a valid one with a stanza error (never an error to an error). */
    private void replyError(Element element, StanzaErrorCondition condition, String text) {
        if ("error".equals(element.attribute("type"))) {
            return;
        }
        Element.Builder reply = Element.builder(element.name(), Namespaces.CLIENT).attribute("type", "error");
        if (element.attribute("id") != null) {
            reply.attribute("id", element.attribute("id"));
        }
        reply.child(Element.builder("error", Namespaces.CLIENT).attribute("type", condition.defaultType().xmlName())
                .child(Element.empty(condition.xmlName(), Namespaces.STANZAS_ERROR))
                .child(Element.builder("text", Namespaces.STANZAS_ERROR).attribute("xml:lang", "en").text(text).build())
                .build());
        connection.send(reply.build());
    }

    /** RFC 6121 section 4.2 and 4.7: broadcast presence sets availability and priority. */
    private void recordPresence(Stanza presence) {
        String type = presence.type();
        if (type == null) {
            String p = presence.element().childText("priority");
            int value = 0;
            if (p != null) {
                try {
                    value = Math.max(-128, Math.min(127, Integer.parseInt(p.trim())));
                } catch (NumberFormatException e) {
                    value = 0;
                }
            }
            priority = value;
            available = true;
        } else if ("unavailable".equals(type)) {
            available = false;
        }
    }

    private void fail(StreamErrorCondition condition, String text) {
        state = State.CLOSED;
        connection.closeWithError(condition, text);
    }

    private void authTimedOut() {
        synchronized (this) {
            if (state != State.BOUND && state != State.CLOSED) {
                fail(StreamErrorCondition.CONNECTION_TIMEOUT, "authentication took too long");
            }
        }
    }

    private static String normalizeDomain(String to) {
        try {
            return JidCreate.domainBareFrom(to).toString();
        } catch (XmppStringprepException e) {
            return to;
        }
    }

    private String jidString() {
        EntityFullJid j = jid;
        if (j != null) {
            return j.toString();
        }
        return username + "@" + router.domain();
    }

    // ---- Session ----

    @Override
    public String id() {
        return connection.id();
    }

    @Override
    public EntityFullJid jid() {
        return jid;
    }

    @Override
    public EntityBareJid bareJid() {
        return jid.asEntityBareJid();
    }

    @Override
    public boolean isAvailable() {
        return available;
    }

    @Override
    public int priority() {
        return priority;
    }

    @Override
    public void deliver(Stanza stanza) {
        connection.send(stanza.element());
    }

    @Override
    public synchronized void close(StreamErrorCondition condition, String text) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (condition == null) {
            connection.close();
        } else {
            connection.closeWithError(condition, text);
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    @Override
    public boolean isSecure() {
        return connection.isSecure();
    }

    @Override
    public String authMechanism() {
        return saslMechanism;
    }

    // ---- SaslContext ----

    @Override
    public DomainBareJid domain() {
        return router.domain();
    }

    @Override
    public Optional<byte[]> channelBinding(String type) {
        return connection.channelBinding(type);
    }

    @Override
    public String toString() {
        return "stream " + connection.id() + (jid == null ? "" : " " + jid);
    }

}
