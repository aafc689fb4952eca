package org.parley.session.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.parley.api.connection.ClientConnection;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StreamErrorCondition;
import org.parley.concurrent.SerialExecutor;

/**
 * A bound session's way out: every stanza and every stream-level element sent to the client after
 * binding goes through here, one write at a time and in order, so a stanza routed by one thread
 * and a stream management answer written by another never overtake each other. Serialization
 * and encryption happen on the thread that writes, never on an I/O thread: a one-to-one message
 * is written by the sender's session thread when this session is idle (no hand-off), a fan-out
 * beyond a few recipients by each recipient's own executor on the shared pool.
 *
 * <p>With stream management (XEP-0198) it counts the stanzas sent, keeps those the client has not
 * acknowledged, asks for acknowledgements, trims on {@code <a h/>}, and replays on resumption.
 * All of its state is confined to its ordered executor.
 */
final class Outbound {
    /** Deliveries the current session step may still write on its own thread. */
    private static final ThreadLocal<int[]> INLINE = ThreadLocal.withInitial(() -> new int[1]);
    /** How many deliveries one step writes itself before it leaves the rest to the recipients' executors. */
    static final int INLINE_PER_STEP = 4;
    /** An ack is requested this long after the first unacknowledged stanza, or at once every this many. */
    private static final long ACK_REQUEST_DELAY_MILLIS = 1000;
    private static final int ACK_REQUEST_EVERY = 32;

    private final SerialExecutor lane;
    private final ClientSession session;

    // confined to the lane
    private ClientConnection connection;
    private boolean ended;
    private boolean closing;
    private ArrayDeque<Stanza> unacked;
    /** unacked's size for other threads (monitoring), written on the lane after each change. */
    private volatile int unackedCount;
    private long sent;
    private long acked;
    private boolean ackRequested;
    private ScheduledFuture<?> ackTimer;
    /** Writes kept while a handed-over session waits for the transport to re-attach its connection; else null. */
    private ArrayDeque<Element> held;
    /** Receipts awaiting an acknowledgement (XEP-0198), oldest first, by the count of stanzas kept before them; else null. */
    private ArrayDeque<SmReceipt> smReceipts;
    /** Stanzas kept for acknowledgement since enable, and acknowledged, without wrapping (unlike sent/acked). */
    private long keptTotal;
    private long ackedTotal;
    /** Receipts of stanzas written without stream management and not yet followed by a receipt ping; else null. */
    private List<CompletableFuture<Boolean>> unpinged;
    /** Receipts that the outstanding receipt ping answers; null when no ping is outstanding. */
    private List<CompletableFuture<Boolean>> pinged;
    private String pingId;
    private int pings;
    private boolean pingQueued;

    Outbound(ClientSession session, ClientConnection connection) {
        this.session = session;
        this.connection = connection;
        this.lane = new SerialExecutor(session.services().pool(), this);
    }

    /** Lets the calling thread write up to {@code n} deliveries itself (set at the start of each session step). */
    static void allowInline(int n) {
        INLINE.get()[0] = n;
    }

    /** Ids of the receipt pings (XEP-0199) this queue sends; the answers are taken by {@link #isReceiptPingAnswer}. */
    static final String RECEIPT_PING_PREFIX = "parley-receipt-";
    private static final String PING_NAMESPACE = "urn:xmpp:ping";

    // ---- any thread ----

    void deliver(Stanza stanza) {
        deliver(stanza, null);
    }

    /** See {@link org.parley.api.session.Session#deliverWithReceipt}. */
    CompletionStage<Boolean> deliverWithReceipt(Stanza stanza) {
        CompletableFuture<Boolean> receipt = new CompletableFuture<>();
        deliver(stanza, receipt);
        return receipt;
    }

    private void deliver(Stanza stanza, CompletableFuture<Boolean> receipt) {
        SerialExecutor.Step write = () -> {
            write(stanza, receipt);
            return null;
        };
        int[] budget = INLINE.get();
        boolean queued;
        if (budget[0] > 0) {
            budget[0]--;
            queued = lane.runOrSubmit(write);
        } else {
            queued = lane.submit(write);
        }
        if (!queued) {
            session.late(stanza);
            if (receipt != null) {
                receipt.complete(false);
            }
        }
    }

    /** True when the client's iq answers one of this queue's receipt pings: the core takes it, routing never sees it. */
    static boolean isReceiptPingAnswer(Stanza iq) {
        String id = iq.id();
        return iq.kind() == Stanza.Kind.IQ && !iq.isIqRequest() && id != null && id.startsWith(RECEIPT_PING_PREFIX);
    }

    /** The client answered a receipt ping (a result, or an error: either proves it read what came before). */
    void receiptPingAnswered(String id) {
        lane.execute(() -> {
            if (pingId == null || !pingId.equals(id)) {
                return; // an old ping's late answer, or a client making one up: proves nothing
            }
            List<CompletableFuture<Boolean>> answered = pinged;
            pinged = null;
            pingId = null;
            answered.forEach(r -> r.complete(true));
            sendReceiptPing();
        });
    }

    /** A stream-level element (not counted by stream management), in order with the stanzas. */
    void send(Element element) {
        lane.execute(() -> sendOnLane(element));
    }

    /** Runs an action in order with the writes (stream management commands, resumption). */
    CompletionStage<Void> run(Runnable action) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean queued = lane.execute(() -> {
            try {
                action.run();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        if (!queued) {
            done.completeExceptionally(new IllegalStateException("the session has ended"));
        }
        return done;
    }

    /** Closes the stream after what is queued before it (a null condition closes it cleanly). */
    void close(StreamErrorCondition condition, String text) {
        lane.execute(() -> closeNow(condition, text));
    }

    boolean isIdle() {
        return lane.isIdle();
    }

    // ---- the lane ----

    private void write(Stanza stanza, CompletableFuture<Boolean> receipt) {
        if (ended) {
            session.late(stanza);
            if (receipt != null) {
                receipt.complete(false);
            }
            return;
        }
        if (unacked != null) {
            keptTotal++;
            if (receipt != null) {
                if (smReceipts == null) {
                    smReceipts = new ArrayDeque<>();
                }
                smReceipts.add(new SmReceipt(keptTotal, receipt));
            }
            if (unacked.size() >= session.services().settings().get().maxUnackedStanzas()) {
                // Keep it: the session ends, and what it holds goes to the undeliverable hook.
                unacked.add(stanza);
                unackedCount = unacked.size();
                sent = SmCounter.increment(sent);
                if (connection != null && !closing) {
                    closeNow(StreamErrorCondition.RESOURCE_CONSTRAINT, "too many unacknowledged stanzas ("
                            + unacked.size() + "); acknowledge what you receive (XEP-0198)");
                } else if (connection == null) {
                    session.resumptionOverflowed();
                }
                return;
            }
            unacked.add(stanza);
            unackedCount = unacked.size();
            sent = SmCounter.increment(sent);
        }
        if (connection != null && !closing) {
            connection.send(stanza.element());
            if (unacked != null) {
                requestAckSoon();
            }
        } else if (held != null) {
            held.add(stanza.element());
        } else if (unacked == null && receipt != null) {
            receipt.complete(false); // closing without stream management: it may never be read
            return;
        }
        if (unacked == null && receipt != null) {
            if (unpinged == null) {
                unpinged = new ArrayList<>(4);
            }
            unpinged.add(receipt);
            if (!pingQueued) {
                // After what is queued now, so that a burst of deliveries shares one ping.
                pingQueued = true;
                lane.execute(() -> {
                    pingQueued = false;
                    sendReceiptPing();
                });
            }
        }
    }

    /** Asks the client for a ping answer that proves it read the receipts' stanzas; one ping at a time. */
    private void sendReceiptPing() {
        if (pingId != null || unpinged == null || unpinged.isEmpty() || connection == null || closing) {
            return;
        }
        pinged = unpinged;
        unpinged = null;
        pingId = RECEIPT_PING_PREFIX + (++pings);
        Stanza ping = Stanza.create(Element.builder("iq", Namespaces.CLIENT).attribute("type", "get").attribute("id", pingId)
                .attribute("from", session.jid().getDomain().toString()).attribute("to", session.jid().toString())
                .child(Element.empty("ping", PING_NAMESPACE)).build());
        write(ping, null); // counted and kept like any stanza when stream management is on
    }

    /** Receipts given up on: the client may or may not have their stanzas. */
    private void failReceipts() {
        if (pinged != null) {
            pinged.forEach(r -> r.complete(false));
            pinged = null;
        }
        pingId = null;
        if (unpinged != null) {
            unpinged.forEach(r -> r.complete(false));
            unpinged = null;
        }
    }

    private void closeNow(StreamErrorCondition condition, String text) {
        if (closing || connection == null) {
            closing = true;
            return;
        }
        closing = true;
        if (condition == null) {
            connection.close();
        } else {
            connection.closeWithError(condition, text);
        }
    }

    /** Writes a stream-level element now (the caller is on the lane). */
    void sendOnLane(Element element) {
        if (connection != null && !closing) {
            connection.send(element);
        } else if (held != null) {
            held.add(element);
        }
    }

    /** Starts counting (XEP-0198 enable): from now on stanzas sent are kept until acknowledged. */
    void enableOnLane() {
        unacked = new ArrayDeque<>(2); // an idle session acknowledges everything: keep the empty queue small
        sent = 0;
        acked = 0;
    }

    /** Stanzas kept for acknowledgement now (any thread; see {@link org.parley.api.session.Session#unacknowledged}). */
    int unacknowledged() {
        return unackedCount;
    }

    boolean isEnabledOnLane() {
        return unacked != null;
    }

    /**
     * The client acknowledged {@code h} stanzas in all.
     *
     * @return false when h counts more stanzas than were sent (the caller ends the stream)
     */
    boolean acknowledgeOnLane(long h) {
        if (unacked == null) {
            return true;
        }
        long newly = SmCounter.distance(acked, h);
        if (newly > unacked.size()) {
            return false;
        }
        for (long i = 0; i < newly; i++) {
            unacked.poll();
        }
        unackedCount = unacked.size();
        acked = h;
        ackedTotal += newly;
        while (smReceipts != null && !smReceipts.isEmpty() && smReceipts.peek().kept() <= ackedTotal) {
            smReceipts.poll().receipt().complete(true);
        }
        ackRequested = false;
        if (!unacked.isEmpty()) {
            requestAckSoon();
        } else if (ackTimer != null) {
            ackTimer.cancel(false);
            ackTimer = null;
        }
        return true;
    }

    /** Stanzas sent since enable, modulo 2^32 (for the too-high check and its error). */
    long sentOnLane() {
        return sent;
    }

    /** True when h acknowledges no more than was sent. */
    boolean acknowledgesNoMoreThanSentOnLane(long h) {
        return unacked == null || SmCounter.distance(acked, h) <= unacked.size();
    }

    /** The connection is lost; stanzas wait in the unacknowledged queue for a resumption. */
    void detachOnLane() {
        connection = null;
        ackRequested = false;
        failReceipts(); // written before stream management was enabled: a resumption does not replay them
        if (ackTimer != null) {
            ackTimer.cancel(false);
            ackTimer = null;
        }
    }

    /**
     * A new connection takes over (XEP-0198 resumption): drops what the client acknowledged,
     * sends {@code resumed}, then everything still unacknowledged, in order.
     */
    void resumeOnLane(ClientConnection newConnection, long h, Element resumed) {
        acknowledgeOnLane(h);
        connection = newConnection;
        closing = false;
        newConnection.send(resumed);
        for (Stanza s : unacked) {
            newConnection.send(s.element());
        }
        if (!unacked.isEmpty()) {
            requestAck();
        }
    }

    /**
     * The transport re-attached this session's connection after a core upgrade: what was written
     * meanwhile goes out now, in order. Nothing is replayed: the connection never went away.
     */
    void attachOnLane(ClientConnection newConnection) {
        connection = newConnection;
        if (held != null) {
            for (Element e : held) {
                newConnection.send(e);
            }
            held = null;
        }
        if (unacked != null && !unacked.isEmpty()) {
            requestAckSoon();
        }
        sendReceiptPing(); // for receipts of what was held
    }

    /** Takes nothing more: the core is handing its state over; later deliveries are routed again. */
    void closeForHandoff() {
        lane.close();
    }

    /** The session ended: hands back what the client never acknowledged; later deliveries are late. */
    CompletionStage<List<Stanza>> end() {
        CompletableFuture<List<Stanza>> left = new CompletableFuture<>();
        boolean queued = lane.execute(() -> {
            ended = true;
            List<Stanza> unacknowledged = unacked == null ? List.of() : new ArrayList<>(unacked);
            unacked = null;
            unackedCount = 0;
            if (smReceipts != null) {
                smReceipts.forEach(r -> r.receipt().complete(false));
                smReceipts = null;
            }
            detachOnLane();
            left.complete(unacknowledged);
        });
        lane.close();
        if (!queued) {
            left.complete(List.of());
        }
        return left;
    }

    private void requestAckSoon() {
        if (ackRequested) {
            return;
        }
        if (unacked.size() % ACK_REQUEST_EVERY == 0) {
            requestAck();
        } else if (ackTimer == null) {
            ackTimer = session.services().timer().schedule(() -> lane.execute(() -> {
                ackTimer = null;
                if (unacked != null && !unacked.isEmpty()) {
                    requestAck();
                }
            }), ACK_REQUEST_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void requestAck() {
        if (connection != null && !closing && !ackRequested) {
            ackRequested = true;
            connection.send(Element.empty("r", Namespaces.SM));
        }
    }

    @Override
    public String toString() {
        return "outbound queue of " + session.jid();
    }

    // ---- state handoff (the lane is idle) ----

    record State(boolean enabled, long sent, long acked, List<Stanza> unacked) {
    }

    /** A receipt that an acknowledgement of the {@code kept}-th kept stanza completes. */
    private record SmReceipt(long kept, CompletableFuture<Boolean> receipt) {
    }

    /**
     * Read as the core hands over. Receipts are promises of this core version's objects and do not
     * travel: their holders learn that this session can no longer tell.
     */
    State stateOnLane() {
        IllegalStateException upgraded = new IllegalStateException("the session core was upgraded before the client acknowledged");
        if (smReceipts != null) {
            smReceipts.forEach(r -> r.receipt().completeExceptionally(upgraded));
            smReceipts = null;
        }
        if (pinged != null) {
            pinged.forEach(r -> r.completeExceptionally(upgraded));
            pinged = null;
        }
        if (unpinged != null) {
            unpinged.forEach(r -> r.completeExceptionally(upgraded));
            unpinged = null;
        }
        pingId = null;
        return new State(unacked != null, sent, acked, unacked == null ? List.of() : List.copyOf(unacked));
    }

    /**
     * Restores a handed-over queue (before anything runs on the lane).
     *
     * @param awaitingConnection true when the session had a connection, which the transport will re-attach
     */
    void restore(State state, boolean awaitingConnection) {
        connection = null;
        if (state.enabled()) {
            unacked = new ArrayDeque<>(state.unacked());
            unackedCount = unacked.size();
            sent = state.sent();
            acked = state.acked();
        }
        held = awaitingConnection ? new ArrayDeque<>() : null;
    }
}
