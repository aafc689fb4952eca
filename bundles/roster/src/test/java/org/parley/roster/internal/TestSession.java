package org.parley.roster.internal;

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

/** A bound session that records what is delivered to it; its presence is set by the test. */
final class TestSession implements Session {
    final EntityFullJid jid;
    final List<Stanza> received = new CopyOnWriteArrayList<>();
    volatile Stanza presence;

    TestSession(String jid) {
        this.jid = JidCreate.entityFullFromOrThrowUnchecked(jid);
    }

    List<Stanza> received(String kind, String type) {
        return received.stream().filter(s -> s.kind().xmlName().equals(kind) && java.util.Objects.equals(type, s.type())).toList();
    }

    @Override
    public String id() {
        return jid.toString();
    }

    @Override
    public EntityFullJid jid() {
        return jid;
    }

    @Override
    public boolean isAvailable() {
        return presence != null;
    }

    @Override
    public int priority() {
        return 0;
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
        return false;
    }

    @Override
    public Instant boundAt() {
        return Instant.EPOCH;
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
