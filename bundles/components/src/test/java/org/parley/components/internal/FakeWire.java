package org.parley.components.internal;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A socket that records what the server wrote. */
final class FakeWire implements Wire {
    final StringBuilder written = new StringBuilder();
    boolean closed;
    int suspends;
    int resumes;
    private final InetSocketAddress remote;

    FakeWire(String host, int port) {
        this.remote = new InetSocketAddress(host, port);
    }

    @Override
    public synchronized void write(byte[] bytes) {
        written.append(new String(bytes, StandardCharsets.UTF_8));
    }

    @Override
    public synchronized void closeAfterWrites() {
        closed = true;
    }

    @Override
    public synchronized void suspendReading() {
        suspends++;
    }

    @Override
    public synchronized void resumeReading() {
        resumes++;
    }

    /** What the peer has not read yet, as the test says. */
    volatile long pending;

    @Override
    public long pendingWriteBytes() {
        return pending;
    }

    @Override
    public InetSocketAddress remote() {
        return remote;
    }

    synchronized String take() {
        String s = written.toString();
        written.setLength(0);
        return s;
    }
}
