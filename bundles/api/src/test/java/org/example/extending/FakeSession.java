package org.example.extending;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Set;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StreamErrorCondition;

/** A session for the examples' tests. */
final class FakeSession implements Session {
    private final EntityFullJid jid;

    FakeSession(String jid) {
        this.jid = JidCreate.entityFullFromOrThrowUnchecked(jid);
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
        return true;
    }

    @Override
    public int priority() {
        return 0;
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
        return false;
    }

    @Override
    public Instant boundAt() {
        return Instant.EPOCH;
    }

    @Override
    public void deliver(Stanza stanza) {
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
