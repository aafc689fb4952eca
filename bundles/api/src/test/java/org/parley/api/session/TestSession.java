package org.parley.api.session;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StreamErrorCondition;

/**
 * A bound session for feature bundles' unit tests (in the api's test jar): it keeps what it is
 * delivered and how it was closed; its availability, presence and priority are set by the test,
 * and it gives delivery receipts that the test completes once asked to.
 */
public final class TestSession implements Session {
    public final List<Stanza> received = new CopyOnWriteArrayList<>();
    private final String id;
    private final EntityFullJid jid;
    private final Instant boundAt;
    private volatile boolean available;
    private volatile int priority;
    private volatile Stanza presence;
    private volatile boolean detached;
    private volatile int unacknowledged = -1;
    private volatile StreamErrorCondition closedWith;
    /** Receipts the test completes, in delivery order; null while this session gives none (as the api's default). */
    private volatile List<CompletableFuture<Boolean>> receipts;

    public TestSession(String fullJid) {
        this(fullJid, fullJid, Instant.EPOCH);
    }

    public TestSession(String id, String fullJid, Instant boundAt) {
        this.id = id;
        this.jid = JidCreate.entityFullFromOrThrowUnchecked(fullJid);
        this.boundAt = boundAt;
    }

    /** Available with this priority, no presence stanza kept. */
    public TestSession available(int newPriority) {
        available = true;
        priority = newPriority;
        return this;
    }

    /** Available with this last broadcast presence (null: unavailable again). */
    public TestSession presence(Stanza newPresence) {
        presence = newPresence;
        available = newPresence != null;
        return this;
    }

    /** What {@link #unacknowledged()} answers (-1, the api's default, until set). */
    public TestSession unacknowledged(int count) {
        unacknowledged = count;
        return this;
    }

    @Override
    public int unacknowledged() {
        return unacknowledged;
    }

    public TestSession detached(boolean isDetached) {
        detached = isDetached;
        return this;
    }

    /** From now on deliveries with a receipt give one that the test completes through {@link #receipts()}. */
    public TestSession givingReceipts() {
        receipts = new CopyOnWriteArrayList<>();
        return this;
    }

    public List<CompletableFuture<Boolean>> receipts() {
        return receipts;
    }

    /** What was delivered of this kind ({@code message}, {@code presence}, {@code iq}) and type (null: none). */
    public List<Stanza> received(String kind, String type) {
        return received.stream().filter(s -> s.kind().xmlName().equals(kind) && Objects.equals(type, s.type())).toList();
    }

    /** The bodies of the messages delivered, in order. */
    public List<String> bodies() {
        return received.stream().map(s -> s.element().childText("body")).toList();
    }

    /** The condition the session was closed with, or null while it is open. */
    public StreamErrorCondition closedWith() {
        return closedWith;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public EntityFullJid jid() {
        return jid;
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
    public Stanza presence() {
        return presence;
    }

    @Override
    public Set<Jid> directedPresence() {
        return Set.of();
    }

    @Override
    public boolean isDetached() {
        return detached;
    }

    @Override
    public Instant boundAt() {
        return boundAt;
    }

    @Override
    public void deliver(Stanza stanza) {
        received.add(stanza);
    }

    @Override
    public CompletionStage<Boolean> deliverWithReceipt(Stanza stanza) {
        List<CompletableFuture<Boolean>> r = receipts;
        if (r == null) {
            return Session.super.deliverWithReceipt(stanza);
        }
        CompletableFuture<Boolean> receipt = new CompletableFuture<>();
        r.add(receipt);
        deliver(stanza);
        return receipt;
    }

    @Override
    public void close(StreamErrorCondition condition, String text) {
        closedWith = condition;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 40000);
    }

    @Override
    public boolean isSecure() {
        return true;
    }

    @Override
    public String authMechanism() {
        return "PLAIN";
    }
}
