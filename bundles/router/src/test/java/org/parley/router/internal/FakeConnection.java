package org.parley.router.internal;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.parley.api.connection.ClientConnection;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.StreamErrorCondition;

/** A connection that records what the router sends on it. */
final class FakeConnection implements ClientConnection {
    final List<Element> sent = new ArrayList<>();
    int headersOpened;
    int resets;
    boolean secure;
    boolean tlsAvailable = true;
    boolean closed;
    StreamErrorCondition error;

    @Override
    public String id() {
        return "c1";
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 50000);
    }

    @Override
    public InetSocketAddress localAddress() {
        return new InetSocketAddress("127.0.0.1", 5222);
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public boolean canStartTls() {
        return tlsAvailable && !secure;
    }

    @Override
    public synchronized void openStream(String from, String to, String version, String lang, Element features) {
        headersOpened++;
        sent.add(features);
    }

    @Override
    public synchronized void send(Element element) {
        sent.add(element);
    }

    @Override
    public void startTls(Element proceed) {
        sent.add(proceed);
        secure = true;
        resets++;
    }

    @Override
    public void sendAndResetStream(Element element) {
        sent.add(element);
        resets++;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public void closeWithError(StreamErrorCondition condition, String text) {
        error = condition;
        closed = true;
    }

    @Override
    public Optional<byte[]> channelBinding(String type) {
        return Optional.empty();
    }

    Element last() {
        return sent.get(sent.size() - 1);
    }
}
