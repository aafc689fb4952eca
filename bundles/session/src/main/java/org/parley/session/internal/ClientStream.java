package org.parley.session.internal;

import java.net.InetSocketAddress;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Localpart;
import org.jxmpp.jid.parts.Resourcepart;
import org.jxmpp.stringprep.XmppStringprepException;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslMechanism;
import org.parley.api.auth.SaslNegotiation;
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
import org.parley.api.stream.StreamContext;
import org.parley.api.stream.StreamFeature;
import org.parley.concurrent.SerialExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client stream, from its first header to the end of its connection: STARTTLS, SASL and
 * resource binding (RFC 6120 sections 4 to 7), stream management (XEP-0198), the nonzas of
 * contributed stream features, and then the stanzas, which its {@link ClientSession} processes.
 *
 * <p>The transport's events (on an I/O thread) only queue work on this stream's ordered executor;
 * everything else runs there, one step at a time, so the state below needs no lock, and a step
 * that waits for something (a SASL step, routing) holds back the stream's next elements without
 * holding a thread. When more elements wait than {@code maxPendingElements}, reading from the
 * connection is suspended until they are processed.
 */
final class ClientStream implements StreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ClientStream.class);

    /** Where the stream stands; see {@link #restore}. */
    enum Phase { AWAIT_HEADER, NEGOTIATING, AUTHENTICATED, BOUND, CLOSED }

    private final StreamServices services;
    private final ClientConnection connection;
    private final SerialExecutor executor;
    private final ReadingBackpressure backpressure;

    // confined to the executor
    private Phase phase = Phase.AWAIT_HEADER;
    /** Volatile: read on the I/O thread at each top-level start tag ({@link #refusalOfTopLevelElement}). */
    private volatile boolean authenticated;
    private String username;
    private String mechanism;
    private SaslExchange sasl;
    private int failedAuthAttempts;
    private ScheduledFuture<?> authDeadline;
    private long authDeadlineAt;
    private ClientSession session;
    /** The server ended the stream (error, conflict) or the client closed it: the session ends, it does not wait to be resumed. */
    private boolean ending;
    /** Its state went to the core's successor: a step that completes late must not act on the connection. */
    private volatile boolean stale;

    ClientStream(StreamServices services, ClientConnection connection) {
        this.services = services;
        this.connection = connection;
        this.executor = new SerialExecutor(services.pool(), this);
        this.backpressure = new ReadingBackpressure(connection) {
            @Override
            int backlog() {
                return executor.backlog();
            }

            @Override
            int maxPending() {
                // the field, not the constructor's parameter: a captured copy would cost a field per stream
                return ClientStream.this.services.settings().get().maxPendingElements();
            }
        };
    }

    /** Starts the clock for authentication; a new connection only. */
    void startAuthDeadline() {
        scheduleAuthDeadline(System.currentTimeMillis() + services.settings().get().authTimeoutSeconds() * 1000L);
    }

    private void scheduleAuthDeadline(long at) {
        authDeadlineAt = at;
        authDeadline = services.timer().schedule(() -> runOnExecutor(() -> {
            if (phase != Phase.BOUND && phase != Phase.CLOSED) {
                fail(StreamErrorCondition.CONNECTION_TIMEOUT, "authentication took too long");
            }
        }), Math.max(0, at - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    }

    private void cancelAuthDeadline() {
        if (authDeadline != null) {
            authDeadline.cancel(false);
            authDeadline = null;
        }
    }

    // ---- events from the transport (I/O thread): queued ----

    @Override
    public void streamOpened(StreamHeader header) {
        enqueue(() -> {
            opened(header);
            return null;
        });
    }

    @Override
    public void element(Element element) {
        enqueue(() -> received(element));
    }

    @Override
    public void streamClosed() {
        enqueue(() -> {
            closedByPeer();
            return null;
        });
    }

    @Override
    public void disconnected() {
        enqueue(() -> {
            lost();
            return null;
        });
    }

    /**
     * Refuses at its start tag, on the I/O thread, a top-level element this stream never accepts,
     * with unsupported-stanza-type (RFC 6120 section 4.9.3.24): read to their end are only stanzas,
     * the STARTTLS and SASL elements before authentication (sections 5 and 6), stream management
     * (XEP-0198), the namespaces of contributed stream features, and a stream error. Whether an
     * accepted element is acceptable now (a stanza before TLS, say) is decided when it is complete,
     * with the condition it has always got.
     */
    @Override
    public StreamErrorCondition refusalOfTopLevelElement(String namespace, String localName) {
        boolean accepted = switch (namespace) {
            case Namespaces.CLIENT -> localName.equals("message") || localName.equals("presence") || localName.equals("iq");
            case Namespaces.TLS -> !authenticated && localName.equals("starttls");
            case Namespaces.SASL -> !authenticated && (localName.equals("auth") || localName.equals("response") || localName.equals("abort"));
            case Namespaces.SM -> true;
            // either party may end the stream with an error (section 4.9.1.1)
            case Namespaces.STREAM -> localName.equals("error");
            default -> services.features().claims(namespace);
        };
        return accepted ? null : StreamErrorCondition.UNSUPPORTED_STANZA_TYPE;
    }

    private void enqueue(SerialExecutor.Step step) {
        if (!executor.submit(() -> {
            Outbound.allowInline(Outbound.INLINE_PER_STEP);
            try {
                return step.run();
            } finally {
                backpressure.stepDone();
            }
        })) {
            return; // retired: another stream took this one's session over
        }
        backpressure.queued();
    }

    /** Runs an action in order with the stream's events (timers, other threads). */
    void runOnExecutor(Runnable action) {
        executor.execute(action);
    }

    // ---- the stream header ----

    private void opened(StreamHeader header) {
        if (phase != Phase.AWAIT_HEADER) {
            return;
        }
        DomainBareJid domain = services.domain().get();
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
        if (!authenticated) {
            // Before TLS on the STARTTLS port: a refused network costs no handshake. Checked again
            // after TLS, so a rule that changed in between is in force.
            String refusal = services.access().refusal(connection.remoteAddress());
            if (refusal != null) {
                fail(StreamErrorCondition.POLICY_VIOLATION, refusal);
                return;
            }
        }
        connection.openStream(domain.toString(), authenticated ? username + "@" + domain : header.from(), "1.0", "en", features());
        phase = authenticated ? Phase.AUTHENTICATED : Phase.NEGOTIATING;
    }

    private static String normalizeDomain(String to) {
        try {
            return JidCreate.domainBareFrom(to).toString();
        } catch (XmppStringprepException | IllegalArgumentException e) {
            return to;
        }
    }

    private Element features() {
        Element.Builder features = Element.builder("features", Namespaces.STREAM);
        if (authenticated) {
            features.child(Element.empty("bind", Namespaces.BIND));
            features.child(Element.builder("session", Namespaces.SESSION).child(Element.empty("optional", Namespaces.SESSION)).build());
            features.child(Element.empty("sm", Namespaces.SM));
        } else {
            boolean tlsRequired = services.settings().get().requireTls();
            if (!connection.isSecure() && connection.canStartTls()) {
                Element.Builder starttls = Element.builder("starttls", Namespaces.TLS);
                if (tlsRequired) {
                    starttls.child(Element.empty("required", Namespaces.TLS));
                }
                features.child(starttls.build());
            }
            if (connection.isSecure() || !tlsRequired) {
                Element.Builder list = Element.builder("mechanisms", Namespaces.SASL);
                for (String m : services.mechanisms().offered(saslExchange())) {
                    list.child(Element.builder("mechanism", Namespaces.SASL).text(m).build());
                }
                features.child(list.build());
            }
        }
        services.features().advertise(new FeatureView(), features);
        return features.build();
    }

    // ---- top-level elements ----

    private CompletionStage<?> received(Element element) {
        return switch (phase) {
            case NEGOTIATING -> negotiate(element);
            case AUTHENTICATED -> beforeBind(element);
            case BOUND -> bound(element);
            case AWAIT_HEADER, CLOSED -> null;
        };
    }

    private CompletionStage<?> negotiate(Element element) {
        String ns = element.namespace();
        if (Namespaces.TLS.equals(ns) && element.name().equals("starttls")) {
            if (connection.isSecure() || !connection.canStartTls()) {
                connection.send(Element.empty("failure", Namespaces.TLS));
                connection.close();
                phase = Phase.CLOSED;
                return null;
            }
            phase = Phase.AWAIT_HEADER;
            connection.startTls(Element.empty("proceed", Namespaces.TLS));
            return null;
        }
        if (Namespaces.SASL.equals(ns)) {
            return sasl(element);
        }
        if (services.features().claims(ns)) {
            return feature(element);
        }
        boolean mayCarryStanzas = connection.isSecure() || !services.settings().get().requireTls();
        if (mayCarryStanzas && Namespaces.CLIENT.equals(ns) && element.name().equals("iq")) {
            String type = element.attribute("type");
            List<Element> payload = element.elements();
            if (("get".equals(type) || "set".equals(type)) && payload.size() == 1
                    && services.features().answersIq(payload.get(0).namespace())) {
                return unauthenticatedIq(element, payload.get(0).namespace());
            }
        }
        if (!connection.isSecure() && services.settings().get().requireTls()) {
            fail(StreamErrorCondition.POLICY_VIOLATION, "start TLS first");
        } else {
            fail(StreamErrorCondition.NOT_AUTHORIZED, "authenticate first");
        }
        return null;
    }

    private CompletionStage<?> beforeBind(Element element) {
        String ns = element.namespace();
        if (Namespaces.CLIENT.equals(ns) && element.name().equals("iq")) {
            Element bind = element.child("bind", Namespaces.BIND);
            if (bind != null && "set".equals(element.attribute("type")) && element.attribute("id") != null) {
                bind(element, bind);
                return null;
            }
        }
        if (Namespaces.SM.equals(ns)) {
            if (element.name().equals("resume")) {
                return resume(element);
            }
            // XEP-0198 section 3: enable (and acking) only after binding a resource
            smFailed(StanzaErrorCondition.UNEXPECTED_REQUEST, "bind a resource first");
            return null;
        }
        if (services.features().claims(ns)) {
            return feature(element);
        }
        fail(StreamErrorCondition.NOT_AUTHORIZED, "bind a resource first");
        return null;
    }

    private CompletionStage<?> bound(Element element) {
        String ns = element.namespace();
        if (Namespaces.CLIENT.equals(ns)) {
            Stanza.Kind kind = Stanza.kindOf(element);
            if (kind != null) {
                return stanza(element);
            }
        } else if (Namespaces.SM.equals(ns)) {
            return streamManagement(element);
        } else if (services.features().claims(ns)) {
            return feature(element);
        }
        fail(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, element.name() + " in " + element.namespace());
        return null;
    }

    private CompletionStage<?> stanza(Element element) {
        Stanza stanza;
        try {
            stanza = Stanza.of(element);
        } catch (StanzaException e) {
            replyError(element, e.condition(), e.getMessage());
            return session.receiveRefused();
        }
        return session.receive(stanza);
    }

    /** Answers a stanza that is not a valid one with a stanza error (never an error to an error). */
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
        session.deliver(Stanza.create(reply.build()));
    }

    // ---- iqs before authentication (UnauthenticatedIqHandler) ----

    private CompletionStage<?> unauthenticatedIq(Element iq, String ns) {
        return services.features().iqHandlerOf(ns).thenCompose(handler -> {
            if (handler == null) {
                // its bundle left and no successor came within the grace period
                sendIqError(iq, StanzaErrorCondition.SERVICE_UNAVAILABLE, null);
                return CompletableFuture.completedFuture(null);
            }
            CompletionStage<Void> done;
            try {
                done = handler.handleIq(iq, new FeatureView());
            } catch (RuntimeException e) {
                done = CompletableFuture.failedFuture(e);
            }
            return done == null ? CompletableFuture.completedFuture(null) : done;
        }).exceptionally(e -> {
            LOG.error("The handler of {} before authentication failed on an iq from {}", ns, connection.remoteAddress(), e);
            sendIqError(iq, StanzaErrorCondition.INTERNAL_SERVER_ERROR, null);
            return null;
        });
    }

    /** An error answer on a stream that has no session yet, so no address. */
    private void sendIqError(Element iq, StanzaErrorCondition condition, String text) {
        Element.Builder reply = Element.builder("iq", Namespaces.CLIENT).attribute("type", "error");
        if (iq.attribute("id") != null) {
            reply.attribute("id", iq.attribute("id"));
        }
        Element.Builder error = Element.builder("error", Namespaces.CLIENT).attribute("type", condition.defaultType().xmlName())
                .child(Element.empty(condition.xmlName(), Namespaces.STANZAS_ERROR));
        if (text != null) {
            error.child(Element.builder("text", Namespaces.STANZAS_ERROR).attribute("xml:lang", "en").text(text).build());
        }
        send(reply.child(error.build()).build());
    }

    // ---- contributed stream features ----

    private CompletionStage<?> feature(Element element) {
        String ns = element.namespace();
        return services.features().handlerOf(ns).thenCompose(feature -> {
            if (feature == null) {
                fail(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, element.name() + " in " + ns);
                return CompletableFuture.completedFuture(null);
            }
            return handleFeature(feature, element);
        }).exceptionally(e -> {
            LOG.error("Stream feature for {} failed on <{}/> from {}", ns, element.name(), connection.remoteAddress(), e);
            fail(StreamErrorCondition.INTERNAL_SERVER_ERROR, null);
            return null;
        });
    }

    private CompletionStage<Void> handleFeature(StreamFeature feature, Element element) {
        try {
            CompletionStage<Void> done = feature.handle(element, new FeatureView());
            return done == null ? CompletableFuture.completedFuture(null) : done;
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A contributed feature's view of this stream. */
    private final class FeatureView implements StreamContext {
        @Override
        public String connectionId() {
            return connection.id();
        }

        @Override
        public boolean isSecure() {
            return connection.isSecure();
        }

        @Override
        public String username() {
            return authenticated ? username : null;
        }

        @Override
        public Session session() {
            return session;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return connection.remoteAddress();
        }

        @Override
        public void send(Element element) {
            ClientStream.this.send(element);
        }

        @Override
        public void close(StreamErrorCondition condition, String text) {
            runOnExecutor(() -> fail(condition, text));
        }
    }

    // ---- SASL ----

    private SaslExchange saslExchange() {
        if (sasl == null) {
            sasl = new SaslExchange(services, connection);
        }
        return sasl;
    }

    private CompletionStage<?> sasl(Element element) {
        switch (element.name()) {
            case "auth" -> {
                if (!connection.isSecure() && services.settings().get().requireTls()) {
                    saslFailure(SaslFailure.ENCRYPTION_REQUIRED, "start TLS first");
                    return null;
                }
                SaslExchange exchange = saslExchange();
                String name = element.attribute("mechanism");
                if (name == null) {
                    saslFailure(services.mechanisms().isEmpty() ? SaslFailure.TEMPORARY_AUTH_FAILURE : SaslFailure.INVALID_MECHANISM, null);
                    return null;
                }
                CompletionStage<SaslMechanism> found = services.mechanisms().find(name, exchange);
                CompletableFuture<SaslMechanism> now = found.toCompletableFuture();
                if (now.isDone() && !now.isCompletedExceptionally()) {
                    return startSasl(name, now.join(), exchange, element);
                }
                // Its bundle is being replaced: the executor waits for the successor, as for a stream feature.
                return found.thenCompose(m -> {
                    CompletionStage<?> step = phase == Phase.CLOSED || stale ? null : startSasl(name, m, exchange, element);
                    return step == null ? CompletableFuture.completedFuture(null) : step;
                });
            }
            case "response" -> {
                if (sasl == null || sasl.negotiation() == null) {
                    saslFailure(SaslFailure.MALFORMED_REQUEST, "no authentication in progress");
                    return null;
                }
                return evaluate(element.text());
            }
            case "abort" -> {
                saslExchange().reset();
                saslFailure(SaslFailure.ABORTED, null);
                return null;
            }
            default -> {
                fail(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, null);
                return null;
            }
        }
    }

    /** Starts the mechanism the client picked (null: none of that name is offered) and runs its first step. */
    private CompletionStage<?> startSasl(String name, SaslMechanism mechanism, SaslExchange exchange, Element element) {
        if (mechanism == null) {
            saslFailure(services.mechanisms().isEmpty() ? SaslFailure.TEMPORARY_AUTH_FAILURE : SaslFailure.INVALID_MECHANISM, null);
            return null;
        }
        SaslNegotiation negotiation;
        try {
            negotiation = mechanism.start(exchange);
        } catch (RuntimeException e) {
            LOG.error("SASL mechanism {} failed to start", name, e);
            saslFailure(SaslFailure.TEMPORARY_AUTH_FAILURE, null);
            return null;
        }
        exchange.start(name, negotiation);
        return evaluate(element.text());
    }

    /** Decodes the base64 payload ("=" is an empty response, RFC 6120 section 6.4.2) and runs one SASL step. */
    private CompletionStage<?> evaluate(String base64) {
        byte[] response;
        String text = base64.trim();
        try {
            response = text.equals("=") || text.isEmpty() ? new byte[0] : Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            sasl.reset();
            saslFailure(SaslFailure.INCORRECT_ENCODING, null);
            return null;
        }
        CompletionStage<SaslStep> step;
        try {
            step = sasl.negotiation().evaluate(response);
        } catch (RuntimeException e) {
            LOG.error("SASL mechanism {} failed", sasl.mechanism(), e);
            sasl.reset();
            saslFailure(SaslFailure.TEMPORARY_AUTH_FAILURE, null);
            return null;
        }
        // The executor waits for this stage: the stream's next elements stay queued meanwhile.
        return step.handle((s, error) -> {
            saslStepDone(s, error);
            return null;
        });
    }

    private void saslStepDone(SaslStep step, Throwable error) {
        if (phase == Phase.CLOSED || stale) {
            return;
        }
        if (error != null) {
            LOG.error("SASL mechanism {} failed", sasl.mechanism(), error);
            sasl.reset();
            saslFailure(SaslFailure.TEMPORARY_AUTH_FAILURE, null);
        } else if (step instanceof SaslStep.Challenge c) {
            // An empty challenge is sent as "=" (RFC 6120 section 6.4.2: present, but no data).
            connection.send(Element.builder("challenge", Namespaces.SASL)
                    .text(c.data() == null || c.data().length == 0 ? "=" : base64(c.data())).build());
        } else if (step instanceof SaslStep.Success s) {
            services.traffic().login();
            authenticated = true;
            username = s.username();
            mechanism = sasl.mechanism();
            sasl = null;
            phase = Phase.AWAIT_HEADER;
            // No additional data means an empty <success/> (RFC 6120 section 6.3.10); "=" would be
            // read as data, and a client doing PLAIN (which has none) may take it as a challenge.
            connection.sendAndResetStream(Element.builder("success", Namespaces.SASL).text(base64(s.additionalData())).build());
        } else if (step instanceof SaslStep.Failure f) {
            sasl.reset();
            saslFailure(f.condition(), f.text());
        }
    }

    private void saslFailure(SaslFailure condition, String text) {
        Element.Builder failure = Element.builder("failure", Namespaces.SASL).child(Element.empty(condition.xmlName(), Namespaces.SASL));
        if (text != null && !text.isEmpty()) {
            failure.child(Element.builder("text", Namespaces.SASL).attribute("xml:lang", "en").text(text).build());
        }
        connection.send(failure.build());
        if (condition != SaslFailure.ABORTED) {
            services.traffic().failed(condition);
        }
        if (condition != SaslFailure.ABORTED && ++failedAuthAttempts >= services.settings().get().maxAuthAttempts()) {
            fail(StreamErrorCondition.POLICY_VIOLATION, "too many failed authentication attempts");
        }
    }

    /** The base64 text of SASL data; nothing for none. */
    private static String base64(byte[] data) {
        return data == null || data.length == 0 ? "" : Base64.getEncoder().encodeToString(data);
    }

    // ---- resource binding ----

    private void bind(Element iq, Element bind) {
        String requested = bind.childText("resource");
        Resourcepart resource;
        try {
            resource = requested == null || requested.isBlank()
                    ? Resourcepart.from(UUID.randomUUID().toString().substring(0, 13))
                    : Resourcepart.from(requested);
        } catch (XmppStringprepException | IllegalArgumentException e) {
            connection.send(Stanza.create(iq).errorReply(StanzaErrorCondition.BAD_REQUEST, "the resource is not a valid resourcepart").element());
            return;
        }
        EntityFullJid full;
        try {
            full = JidCreate.entityFullFrom(Localpart.from(username), services.domain().get(), resource);
        } catch (XmppStringprepException | IllegalArgumentException e) {
            connection.send(Stanza.create(iq).errorReply(StanzaErrorCondition.BAD_REQUEST, "cannot form a JID: " + e.getMessage()).element());
            return;
        }
        cancelAuthDeadline();
        session = new ClientSession(services, this, connection.id(), full, System.currentTimeMillis(), mechanism, connection);
        phase = Phase.BOUND;
        services.streams().remove(this); // from now on the session table reaches this stream
        // The result goes out before anything routed to the new session: both go through its outbound queue.
        session.outbound().send(Element.builder("iq", Namespaces.CLIENT).attribute("type", "result").attribute("id", iq.attribute("id"))
                .child(Element.builder("bind", Namespaces.BIND).textChild("jid", full.toString()).build()).build());
        Session replaced = services.sessions().bind(session);
        if (replaced != null) {
            replaced.close(StreamErrorCondition.CONFLICT, "Replaced by new connection");
        }
        LOG.debug("Bound {} from {}", full, connection.remoteAddress());
        services.lifecycle().bound(session);
    }

    // ---- stream management (XEP-0198) ----

    private CompletionStage<?> streamManagement(Element element) {
        switch (element.name()) {
            case "enable" -> {
                if (session.isStreamManagementEnabled()) {
                    smFailed(StanzaErrorCondition.UNEXPECTED_REQUEST, "stream management is enabled already");
                    return null;
                }
                String resume = element.attribute("resume");
                boolean resumable = "true".equals(resume) || "1".equals(resume);
                int max = services.settings().get().resumptionTimeoutSeconds();
                return session.enableStreamManagement(resumable, id -> {
                    Element.Builder enabled = Element.builder("enabled", Namespaces.SM);
                    if (id != null) {
                        enabled.attribute("id", id).attribute("resume", "true").attribute("max", Integer.toString(max));
                    }
                    return enabled.build();
                });
            }
            case "r" -> {
                if (!session.isStreamManagementEnabled()) {
                    smFailed(StanzaErrorCondition.UNEXPECTED_REQUEST, "stream management is not enabled");
                    return null;
                }
                send(Element.builder("a", Namespaces.SM).attribute("h", Long.toString(session.handled())).build());
                return null;
            }
            case "a" -> {
                long h = SmCounter.parse(element.attribute("h"));
                if (h < 0) {
                    fail(StreamErrorCondition.BAD_FORMAT, "<a/> needs an 'h' attribute: an unsigned 32-bit number");
                    return null;
                }
                if (!session.isStreamManagementEnabled()) {
                    smFailed(StanzaErrorCondition.UNEXPECTED_REQUEST, "stream management is not enabled");
                    return null;
                }
                Outbound out = session.outbound();
                return out.run(() -> {
                    if (!out.acknowledgeOnLane(h)) {
                        handledCountTooHigh(h, out.sentOnLane());
                    }
                });
            }
            case "resume" -> {
                smFailed(StanzaErrorCondition.UNEXPECTED_REQUEST, "a resource is bound already");
                return null;
            }
            default -> {
                fail(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, element.name() + " in " + Namespaces.SM);
                return null;
            }
        }
    }

    /** XEP-0198 section 5 (the h check): the client acknowledged more than it was sent. Runs on the outbound executor. */
    private void handledCountTooHigh(long h, long sent) {
        ending = true;
        phase = Phase.CLOSED;
        connection.send(Element.builder("error", Namespaces.STREAM)
                .child(Element.empty("undefined-condition", Namespaces.STREAMS_ERROR))
                .child(Element.builder("handled-count-too-high", Namespaces.SM).attribute("h", Long.toString(h))
                        .attribute("send-count", Long.toString(sent)).build())
                .child(Element.builder("text", Namespaces.STREAMS_ERROR).attribute("xml:lang", "en")
                        .text("You acknowledged " + h + " stanzas, but I only sent you " + sent + " so far.").build())
                .build());
        connection.close();
    }

    private CompletionStage<?> resume(Element element) {
        String previd = element.attribute("previd");
        long h = SmCounter.parse(element.attribute("h"));
        if (previd == null || h < 0) {
            smFailed(StanzaErrorCondition.BAD_REQUEST, "resume needs 'previd' and 'h'");
            return null;
        }
        ClientSession previous = services.resumptions().find(previd);
        // Another account's id is answered as an unknown one: an id must not reveal that it exists.
        if (previous == null || previous.isEnded() || !previous.bareJid().getLocalpart().toString().equals(username)) {
            smFailed(StanzaErrorCondition.ITEM_NOT_FOUND, "no session to resume with that id; it may have timed out");
            return null;
        }
        Outbound out = previous.outbound();
        CompletableFuture<Boolean> within = new CompletableFuture<>();
        out.run(() -> within.complete(out.acknowledgesNoMoreThanSentOnLane(h)));
        return within.thenCompose(ok -> {
            if (!ok) {
                return out.run(() -> handledCountTooHigh(h, out.sentOnLane()));
            }
            cancelAuthDeadline();
            session = previous;
            phase = Phase.BOUND;
            services.streams().remove(this); // reached through its session from now on
            return previous.resumeOn(this, connection, h);
        });
    }

    private void smFailed(StanzaErrorCondition condition, String text) {
        Element.Builder failed = Element.builder("failed", Namespaces.SM)
                .child(Element.empty(condition.xmlName(), Namespaces.STANZAS_ERROR));
        if (session != null && session.isStreamManagementEnabled()) {
            failed.attribute("h", Long.toString(session.handled()));
        }
        if (text != null) {
            failed.child(Element.builder("text", Namespaces.STANZAS_ERROR).attribute("xml:lang", "en").text(text).build());
        }
        send(failed.build());
    }

    // ---- the end of the stream ----

    /** Sends a stream-level element: directly before binding, through the session's outbound queue after. */
    private void send(Element element) {
        if (session != null) {
            session.outbound().send(element);
        } else {
            connection.send(element);
        }
    }

    /** Ends the stream with an error; a bound session ends with it (no resumption). */
    void fail(StreamErrorCondition condition, String text) {
        if (phase == Phase.CLOSED && ending) {
            return;
        }
        phase = Phase.CLOSED;
        ending = true;
        if (session != null) {
            session.outbound().close(condition, text);
        } else if (condition == null) {
            connection.close();
        } else {
            connection.closeWithError(condition, text);
        }
    }

    /** Session.close from any thread: a detached session has no stream to close and ends at once. */
    void closeSession(StreamErrorCondition condition, String text) {
        runOnExecutor(() -> {
            if (session != null && session.isDetached() && session.stream() == this) {
                session.end("closed by the server");
            } else {
                fail(condition, text);
            }
        });
    }

    /** The client closed its stream: a clean end, so the session ends too (XEP-0198 section 5: no resumption). */
    private void closedByPeer() {
        ending = true;
        phase = Phase.CLOSED;
        if (session != null && session.stream() == this) {
            // Our closing tag first: ending the session closes its outbound queue behind it.
            session.outbound().close(null, null);
            session.end("closed by the client");
        } else {
            connection.close();
        }
    }

    /** The connection is gone. */
    private void lost() {
        phase = Phase.CLOSED;
        services.streams().remove(this);
        cancelAuthDeadline();
        sasl = null;
        if (session == null || session.stream() != this) {
            return;
        }
        if (ending) {
            session.end("stream closed");
        } else {
            session.connectionLost();
        }
    }

    /**
     * Another stream resumed this one's session: what is queued here runs first, then this stream
     * takes nothing more and its connection, if still open, is closed with a conflict error.
     *
     * @return a stage completing when this stream has stopped touching the session
     */
    CompletionStage<Void> retire() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean queued = executor.execute(() -> {
            phase = Phase.CLOSED;
            ending = true;
            services.streams().remove(this);
            executor.close();
            done.complete(null);
        });
        if (!queued) {
            done.complete(null);
        }
        return done.thenRun(() -> connection.closeWithError(StreamErrorCondition.CONFLICT, "the session was resumed on another connection"));
    }

    ClientConnection connection() {
        return connection;
    }

    // ---- state handoff: read and written while the executor is idle and closed ----

    /** What a successor needs to continue this stream; see {@link CoreHandoff}. */
    record State(Phase phase, boolean authenticated, String username, String mechanism, int failedAuthAttempts,
            long authDeadlineAt, boolean saslInterrupted, boolean ending, String sessionId) {
    }

    /** True when nothing is queued or running on this stream. */
    boolean isIdle() {
        return executor.isIdle();
    }

    /** Takes nothing more: the core is handing over; what is queued still runs. */
    void handingOver() {
        executor.close();
    }

    /** The state for the successor; from now on this object leaves the connection alone. */
    State state() {
        stale = true;
        boolean saslInProgress = sasl != null && sasl.negotiation() != null;
        return new State(phase, authenticated, username, mechanism, failedAuthAttempts, authDeadline == null ? 0 : authDeadlineAt,
                saslInProgress, ending, session == null ? null : session.id());
    }

    /**
     * Continues a stream a predecessor ran: its negotiation state, and the session it had bound or
     * resumed. An interrupted SASL exchange (its mechanism object stayed with the predecessor) is
     * answered with temporary-auth-failure, so the client tries again on the same stream.
     */
    void restore(State state, ClientSession bound) {
        phase = state.phase();
        authenticated = state.authenticated();
        username = state.username();
        mechanism = state.mechanism();
        failedAuthAttempts = state.failedAuthAttempts();
        ending = state.ending();
        if (state.authDeadlineAt() > 0 && phase != Phase.BOUND && phase != Phase.CLOSED) {
            scheduleAuthDeadline(state.authDeadlineAt());
        }
        if (bound != null) {
            session = bound;
            bound.adopt(this);
        }
        if (state.saslInterrupted() && phase == Phase.NEGOTIATING) {
            runOnExecutor(() -> saslFailure(SaslFailure.TEMPORARY_AUTH_FAILURE, "the server was upgraded; authenticate again"));
        }
    }

    @Override
    public String toString() {
        return "stream " + connection.id() + (session == null ? "" : " " + session.jid());
    }
}
