package org.parley.session.internal;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.parley.api.connection.ClientConnection;
import org.parley.api.connection.StreamHandler;
import org.parley.api.server.StateHandoff;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StreamErrorCondition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the core's state across its own upgrade. The outgoing version, once the transport has
 * stopped feeding it and routing has stopped delivering to it, lets every stream and session
 * finish what it was doing, then deposits a snapshot of them (JDK and api values only) with the
 * {@link StateHandoff}. The successor restores the sessions into its table at once (so routing,
 * which held stanzas meanwhile, can deliver to them) and continues each stream when the transport
 * re-attaches its connection.
 *
 * <p>The snapshot format is versioned and read tolerantly: unknown keys are ignored, so an older
 * core can take a newer one's snapshot of the same format version. An entry that cannot be read
 * costs only that stream: it is logged and its connection closed with system-shutdown, so its
 * client reconnects; every other stream continues.
 */
final class CoreHandoff {
    private static final Logger LOG = LoggerFactory.getLogger(CoreHandoff.class);
    /** The key the snapshot is deposited under: the component's name. */
    static final String KEY = SessionCore.class.getName();
    static final int FORMAT = 1;
    /** How long a restored session waits for its connection before it is treated as lost. */
    private static final long REATTACH_WAIT_MILLIS = 60_000;

    private final StreamServices services;
    private final StateHandoff handoff;
    /** Restored streams waiting for the transport to re-attach their connection, by connection id. */
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();

    private record Waiting(ClientStream.State stream, ClientSession session) {
    }

    CoreHandoff(StreamServices services, StateHandoff handoff) {
        this.services = services;
        this.handoff = handoff;
    }

    // ---- the outgoing core ----

    /** Deposits the state of every stream and session; their connections stay open for the successor. */
    void handOver() {
        long started = System.nanoTime();
        // Streams without a session are in the core's set; bound ones are reached through their sessions.
        Set<ClientStream> live = new LinkedHashSet<>(services.streams());
        Collection<Session> bound = services.sessions().all();
        List<ClientSession> sessions = new ArrayList<>(bound.size());
        for (Session s : bound) {
            ClientSession session = (ClientSession) s;
            sessions.add(session);
            if (!(session.stream().connection() instanceof AbsentConnection)) {
                live.add(session.stream());
            }
        }
        List<ClientStream> streams = new ArrayList<>(live);
        // Nothing new comes in from here on; what is queued or in progress runs to its end.
        for (ClientStream stream : streams) {
            stream.handingOver();
        }
        for (ClientSession session : sessions) {
            session.stream().handingOver();
            session.handedOver();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(services.settings().get().graceMillis() + 1000);
        int busy = awaitIdle(streams, sessions, deadline);
        if (busy > 0) {
            LOG.warn("{} stream(s) were still busy when the session core handed over its state; they continue from where they stood", busy);
        }
        Map<String, Object> snapshot = new HashMap<>();
        snapshot.put("format", FORMAT);
        List<Object> streamEntries = new ArrayList<>(streams.size());
        for (ClientStream stream : streams) {
            streamEntries.add(write(stream.connection().id(), stream.state()));
        }
        // Streams taken over from a predecessor whose connection the transport has not re-attached yet.
        for (Map.Entry<String, Waiting> w : waiting.entrySet()) {
            streamEntries.add(write(w.getKey(), w.getValue().stream()));
        }
        List<Object> sessionEntries = new ArrayList<>(sessions.size());
        for (ClientSession session : sessions) {
            sessionEntries.add(write(session.stream().connection().id(), session.state(session.outbound().stateOnLane())));
        }
        snapshot.put("streams", streamEntries);
        snapshot.put("sessions", sessionEntries);
        snapshot.put("traffic", services.traffic().snapshot(services.router().held())); // added within format 1: an older core ignores it
        try {
            handoff.deposit(KEY, snapshot);
            LOG.info("Handed over {} stream(s) and {} session(s) to the next session core ({} ms)", streamEntries.size(), sessions.size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } catch (RuntimeException e) {
            LOG.error("Cannot hand over the session state; the connections will be closed when no successor takes them", e);
        }
    }

    private static int awaitIdle(List<ClientStream> streams, List<ClientSession> sessions, long deadline) {
        while (true) {
            int busy = 0;
            for (ClientStream s : streams) {
                if (!s.isIdle()) {
                    busy++;
                }
            }
            for (ClientSession s : sessions) {
                if (!s.outbound().isIdle() || !s.stream().isIdle()) {
                    busy++;
                }
            }
            if (busy == 0 || System.nanoTime() > deadline) {
                return busy;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return busy;
            }
        }
    }

    /** The server is stopping: streams without a session are closed (sessions are closed by the caller). */
    void closeUnbound() {
        for (ClientStream stream : new ArrayList<>(services.streams())) {
            stream.closeSession(StreamErrorCondition.SYSTEM_SHUTDOWN, "The server is stopping");
        }
    }

    // ---- the incoming core ----

    /** Takes the predecessor's state, if it left one: sessions go into the table at once. */
    void restore() {
        Optional<Map<String, Object>> taken = handoff.take(KEY);
        if (taken.isEmpty()) {
            return;
        }
        Map<String, Object> snapshot = taken.get();
        Object format = snapshot.get("format");
        if (!(format instanceof Integer f) || f != FORMAT) {
            LOG.error("The state handed over by the previous session core has format {}, this core reads {}: it is ignored, "
                    + "and its connections are closed for their clients to reconnect", format, FORMAT);
            return;
        }
        if (snapshot.get("traffic") instanceof Map<?, ?> counted) {
            services.traffic().restore(counted);
        }
        Map<String, ClientSession> byId = new HashMap<>();
        int sessionCount = 0;
        for (Object entry : list(snapshot, "sessions")) {
            try {
                Read r = new Read(entry);
                ClientSession session = restoreSession(r);
                byId.put(session.id(), session);
                sessionCount++;
            } catch (RuntimeException e) {
                LOG.error("A session handed over by the previous core cannot be read ({}); its client will reconnect", e.getMessage());
            }
        }
        int streamCount = 0;
        for (Object entry : list(snapshot, "streams")) {
            try {
                Read r = new Read(entry);
                String connection = r.string("connection");
                ClientStream.State state = streamState(r);
                ClientSession session = state.sessionId() == null ? null : byId.get(state.sessionId());
                waiting.put(connection, new Waiting(state, session));
                streamCount++;
            } catch (RuntimeException e) {
                LOG.error("A stream handed over by the previous core cannot be read ({}); its client will reconnect", e.getMessage());
            }
        }
        LOG.info("Took over {} stream(s) and {} session(s) from the previous session core", streamCount, sessionCount);
        services.timer().schedule(this::giveUpWaiting, REATTACH_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    private ClientSession restoreSession(Read r) {
        EntityFullJid jid;
        try {
            jid = JidCreate.entityFullFrom(r.string("jid"));
        } catch (XmppStringprepException e) {
            throw new IllegalArgumentException("jid: " + e.getMessage(), e);
        }
        String connection = r.string("connection");
        InetSocketAddress remote = r.has("remoteHost")
                ? InetSocketAddress.createUnresolved(r.string("remoteHost"), r.integer("remotePort")) : null;
        boolean secure = r.bool("secure");
        ClientStream placeholder = new ClientStream(services, new AbsentConnection(connection, remote, secure));
        ClientSession session = new ClientSession(services, placeholder, r.string("id"), jid, r.number("boundAt"),
                r.optionalString("mechanism"), null);
        Set<Jid> directed = new HashSet<>();
        for (Object d : r.list("directed")) {
            try {
                directed.add(JidCreate.from((String) d));
            } catch (XmppStringprepException | ClassCastException e) {
                throw new IllegalArgumentException("directed: " + d, e);
            }
        }
        Element presence = r.optionalElement("presence");
        List<Stanza> unacked = new ArrayList<>();
        for (Object e : r.list("unacked")) {
            unacked.add(Stanza.create((Element) e));
        }
        session.restore(new ClientSession.State(session.id(), jid.toString(), r.number("boundAt"), r.optionalString("mechanism"),
                r.bool("available"), r.integer("priority"), presence == null ? null : Stanza.create(presence), directed,
                r.bool("detached"), r.number("handled"), r.optionalString("resumptionId"), r.number("resumptionRemainingMillis"),
                remote, secure, new Outbound.State(r.bool("smEnabled"), r.number("smSent"), r.number("smAcked"), unacked)));
        Session replaced = services.sessions().bind(session);
        if (replaced != null) {
            LOG.warn("Two handed-over sessions had the JID {}; the older one is dropped", jid);
        }
        return session;
    }

    private static ClientStream.State streamState(Read r) {
        return new ClientStream.State(ClientStream.Phase.valueOf(r.string("phase")), r.bool("authenticated"),
                r.optionalString("username"), r.optionalString("mechanism"), r.integer("failedAuthAttempts"),
                r.number("authDeadlineAt"), r.bool("saslInterrupted"), r.bool("ending"), r.optionalString("sessionId"));
    }

    /** The transport re-attaches a connection the predecessor ran. */
    StreamHandler reattach(ClientConnection connection) {
        Waiting w = waiting.remove(connection.id());
        if (w == null) {
            LOG.warn("The transport re-attached connection {}, of which no state was handed over: it is closed", connection.id());
            return null;
        }
        if (w.stream().phase() == ClientStream.Phase.CLOSED) {
            return null;
        }
        if (w.stream().sessionId() != null && w.session() == null) {
            LOG.warn("Connection {} had a session that could not be taken over: it is closed, and its client reconnects", connection.id());
            return null;
        }
        ClientStream stream = new ClientStream(services, connection);
        services.streams().add(stream);
        stream.restore(w.stream(), w.session());
        return stream;
    }

    /** Sessions whose connection the transport never re-attached lost it (it closed meanwhile). */
    private void giveUpWaiting() {
        for (String id : List.copyOf(waiting.keySet())) {
            Waiting w = waiting.remove(id);
            if (w != null && w.session() != null) {
                ClientSession session = w.session();
                session.stream().runOnExecutor(session::connectionLost);
            }
        }
    }

    // ---- the format ----

    private static Map<String, Object> write(String connection, ClientStream.State s) {
        Map<String, Object> m = new HashMap<>();
        m.put("connection", connection);
        m.put("phase", s.phase().name());
        m.put("authenticated", s.authenticated());
        putIfNotNull(m, "username", s.username());
        putIfNotNull(m, "mechanism", s.mechanism());
        m.put("failedAuthAttempts", s.failedAuthAttempts());
        m.put("authDeadlineAt", s.authDeadlineAt());
        m.put("saslInterrupted", s.saslInterrupted());
        m.put("ending", s.ending());
        putIfNotNull(m, "sessionId", s.sessionId());
        return m;
    }

    private static Map<String, Object> write(String connection, ClientSession.State s) {
        Map<String, Object> m = new HashMap<>();
        m.put("connection", connection);
        m.put("id", s.id());
        m.put("jid", s.jid());
        m.put("boundAt", s.boundAt());
        putIfNotNull(m, "mechanism", s.mechanism());
        m.put("available", s.available());
        m.put("priority", s.priority());
        if (s.presence() != null) {
            m.put("presence", s.presence().element());
        }
        List<String> directed = new ArrayList<>();
        for (Jid j : s.directed()) {
            directed.add(j.toString());
        }
        m.put("directed", directed);
        m.put("detached", s.detached());
        m.put("handled", s.handled());
        putIfNotNull(m, "resumptionId", s.resumptionId());
        m.put("resumptionRemainingMillis", s.resumptionRemainingMillis());
        if (s.remoteAddress() != null) {
            m.put("remoteHost", s.remoteAddress().getHostString());
            m.put("remotePort", s.remoteAddress().getPort());
        }
        m.put("secure", s.secure());
        m.put("smEnabled", s.outbound().enabled());
        m.put("smSent", s.outbound().sent());
        m.put("smAcked", s.outbound().acked());
        List<Element> unacked = new ArrayList<>();
        for (Stanza u : s.outbound().unacked()) {
            unacked.add(u.element());
        }
        m.put("unacked", unacked);
        return m;
    }

    private static void putIfNotNull(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    private static List<?> list(Map<String, Object> m, String key) {
        return m.get(key) instanceof List<?> l ? l : List.of();
    }

    /** Typed reads of one entry; a missing or mistyped value names its key. */
    private static final class Read {
        private final Map<?, ?> m;

        Read(Object entry) {
            if (!(entry instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("an entry is not a map");
            }
            this.m = map;
        }

        boolean has(String key) {
            return m.get(key) != null;
        }

        String string(String key) {
            if (m.get(key) instanceof String s) {
                return s;
            }
            throw new IllegalArgumentException("'" + key + "' is missing or not text");
        }

        String optionalString(String key) {
            return m.get(key) == null ? null : string(key);
        }

        long number(String key) {
            if (m.get(key) instanceof Number n) {
                return n.longValue();
            }
            throw new IllegalArgumentException("'" + key + "' is missing or not a number");
        }

        int integer(String key) {
            return (int) number(key);
        }

        boolean bool(String key) {
            if (m.get(key) instanceof Boolean b) {
                return b;
            }
            throw new IllegalArgumentException("'" + key + "' is missing or not true/false");
        }

        List<?> list(String key) {
            Object v = m.get(key);
            if (v == null) {
                return List.of();
            }
            if (v instanceof List<?> l) {
                return l;
            }
            throw new IllegalArgumentException("'" + key + "' is not a list");
        }

        Element optionalElement(String key) {
            Object v = m.get(key);
            if (v == null || v instanceof Element) {
                return (Element) v;
            }
            throw new IllegalArgumentException("'" + key + "' is not an element");
        }
    }
}
