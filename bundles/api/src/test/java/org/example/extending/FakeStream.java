package org.example.extending;

import java.net.InetSocketAddress;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.StreamErrorCondition;
import org.parley.api.stream.StreamContext;

/** A bound stream for the examples' tests. */
record FakeStream(Session session) implements StreamContext {
    @Override
    public String connectionId() {
        return "c1";
    }

    @Override
    public boolean isSecure() {
        return true;
    }

    @Override
    public String username() {
        return session.jid().getLocalpart().toString();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return null;
    }

    @Override
    public void send(Element element) {
    }

    @Override
    public void close(StreamErrorCondition condition, String text) {
    }
}
