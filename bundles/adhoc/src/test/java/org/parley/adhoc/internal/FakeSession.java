package org.parley.adhoc.internal;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StreamErrorCondition;

/** A bound session that keeps what it is delivered; availability and priority set by the test. */
final class FakeSession implements Session {
    final List<Stanza> received = new CopyOnWriteArrayList<>();
    private final String id;
    private final EntityFullJid jid;
    private final Instant boundAt;
    volatile boolean available;
    volatile int priority;
    volatile boolean detached;

    FakeSession(String id, String fullJid, Instant boundAt) {
        this.id = id;
        this.jid = JidCreate.entityFullFromOrThrowUnchecked(fullJid);
        this.boundAt = boundAt;
    }

    FakeSession available(int newPriority) {
        available = true;
        priority = newPriority;
        return this;
    }

    List<String> bodies() {
        return received.stream().map(s -> s.element().childText("body")).toList();
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
        return null;
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
    public void close(StreamErrorCondition condition, String text) {
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return null;
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
