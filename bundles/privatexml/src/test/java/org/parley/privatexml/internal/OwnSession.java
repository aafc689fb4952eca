package org.parley.privatexml.internal;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Set;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StreamErrorCondition;

/** The session a request comes from: private storage asks it only who it is. */
record OwnSession(EntityFullJid jid) implements Session {
    @Override public String id() { return jid.toString(); }
    @Override public boolean isAvailable() { return true; }
    @Override public int priority() { return 0; }
    @Override public Stanza presence() { return null; }
    @Override public Set<Jid> directedPresence() { return Set.of(); }
    @Override public boolean isDetached() { return false; }
    @Override public Instant boundAt() { return Instant.EPOCH; }
    @Override public void deliver(Stanza stanza) { throw new AssertionError("private storage answers, it never delivers"); }
    @Override public void close(StreamErrorCondition condition, String text) { }
    @Override public InetSocketAddress remoteAddress() { return null; }
    @Override public boolean isSecure() { return true; }
    @Override public String authMechanism() { return "PLAIN"; }
}
