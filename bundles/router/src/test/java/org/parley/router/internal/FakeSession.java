package org.parley.router.internal;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StreamErrorCondition;

/** A bound session that records what is delivered to it. */
final class FakeSession implements Session {
    final EntityFullJid jid;
    final List<Stanza> received = new ArrayList<>();
    boolean available;
    int priority;
    StreamErrorCondition closedWith;

    FakeSession(String jid, boolean available, int priority) {
        this.jid = JidCreate.entityFullFromOrThrowUnchecked(jid);
        this.available = available;
        this.priority = priority;
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
        return available;
    }

    @Override
    public int priority() {
        return priority;
    }

    @Override
    public synchronized void deliver(Stanza stanza) {
        received.add(stanza);
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
